// s3:// inputs: a signed GET streamed by the http(s) input, so ranged resumes after a broken
// transfer, ETag checks and retries follow the same rules as for https URLs; read ahead on a
// thread of its own.
#include "io/io_internal.hpp"
#include "io/s3_request.hpp"

namespace loom::io::internal {

std::unique_ptr<Input> open_s3_input(const std::string& url) {
  const s3::Location where = s3::parse_s3_url(url);
  if (where.key.empty() || where.key.back() == '/')
    throw IoError("cannot read '" + url + "': it names a bucket or folder, not an object (use '" +
                  url + (url.back() == '/' ? "" : "/") + "**/*' to read every object below it)");
  const s3::S3Config& config = s3::s3_config();
  const std::string payload(s3::kEmptyPayloadSha256);
  HttpRequestHooks hooks;
  hooks.display_name = url;
  hooks.headers = [&config, where, payload] {
    return s3::prepare_request(config, "GET", where, {}, payload).headers;
  };
  hooks.explain_status = &s3::explain_object_status;
  // The first bytes are awaited here, so a missing or forbidden object fails when it is opened.
  return make_prefetch_input(open_http_input(
      s3::prepare_request(config, "GET", where, {}, payload).url, std::move(hooks)));
}

}  // namespace loom::io::internal
