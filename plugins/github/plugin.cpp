// libloom_github.so: the RedPajama GitHub slice (spec section 3): BigQuery-shaped rows from
// export files or repository folders, license and path rules, md5 content hash, copyright
// stripping, Python-exact file statistics and the quality filters.
#include "content_hash.hpp"
#include "copyright_strip.hpp"
#include "github_metadata.hpp"
#include "github_quality.hpp"
#include "github_source.hpp"
#include "license_filter.hpp"
#include "path_filter.hpp"

LOOM_PLUGIN("github", "0.1.0", "Apache-2.0", loom::github::GithubSource,
            loom::github::LicenseFilter, loom::github::PathFilter, loom::github::ContentHash,
            loom::github::CopyrightStrip, loom::github::GithubMetadata, loom::github::GithubQuality)
