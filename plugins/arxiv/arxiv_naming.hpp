// How the reference names a paper (yymm, id, url, timestamp) and what it accepts as text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loom::arxiv {

// pathlib's PurePath.stem: the name without its last suffix ("1308.0729.gz" -> "1308.0729").
std::string_view python_stem(std::string_view name);

// utils.format_arxiv_id: `^([a-zA-Z-]*)([\d\.]+)$` -> "archive/number" or "number"; the raw id
// when it does not match (create_record falls back to it). \d is taken as ASCII digits.
std::string format_arxiv_id(std::string_view raw_id);

// datetime.fromtimestamp(t).isoformat() with TZ=UTC: "2013-08-03T00:00:00", plus ".ffffff" when
// the time has microseconds.
std::string python_isoformat_utc(std::int64_t seconds, std::int64_t nanoseconds);

// The components of a tar member name, "." and empty ones removed; nullopt when the name is
// absolute or climbs with "..": extracting it would leave the reference's scratch folder, so its
// rglob never sees it.
std::optional<std::vector<std::string_view>> safe_member_path(std::string_view name);

// Offset of the first byte that makes `bytes` invalid for Python's strict UTF-8 decoder
// (overlongs, surrogates and code points past U+10FFFF included), or nullopt when it is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view bytes);

}  // namespace loom::arxiv
