// wet_source's WET reader (cc_net's process_wet_file framing: stripped lines, WARC/1.0 starts a
// record, conversion records become documents) over a file holding the input; the first byte
// picks on_error, invalid_utf8, min_chars and max_record_bytes. Checks: texts are valid UTF-8,
// at most one document per "WARC/1.0" in the input (plus the lines before the first), errors are
// loom::Errors naming the file, and with on_error and invalid_utf8 both `skip` the shard never
// stops.
#include <cstdint>

#include "fuzz_support.hpp"
#include "wet_shard_reader.hpp"

using namespace loom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  fuzz::use_test_host();
  const std::uint8_t mode = data[0];
  const std::string_view body = fuzz::as_text(data + 1, size - 1);
  const std::string path = fuzz::scratch_file(body, ".warc.wet");

  commoncrawl::WetSourceOptions options;
  options.on_error = (mode & 1) != 0 ? "skip" : "fail";
  options.invalid_utf8 = (mode & 2) != 0 ? "fail" : "skip";
  options.min_chars = (mode & 4) != 0 ? 0 : 300;
  if ((mode & 8) != 0) options.max_record_bytes = 1024;
  const bool never_stops = options.on_error == "skip" && options.invalid_utf8 == "skip";

  std::size_t records = 0;
  for (std::size_t at = body.find("WARC/1.0"); at != std::string_view::npos;
       at = body.find("WARC/1.0", at + 1))
    ++records;

  std::size_t documents = 0;
  const bool threw = fuzz::only_loom_errors(
      [&] {
        commoncrawl::WetShardReader reader(options, path, "CC-MAIN-2019-13");
        fuzz::drain(reader, [&](Doc doc) {
          fuzz::require(fuzz::valid_utf8(doc.text()), "a document text is not valid UTF-8");
          ++documents;
        });
      },
      path);
  fuzz::require(!(threw && never_stops), "on_error and invalid_utf8 skip, yet the shard stopped");
  // cc_net's group_by_docs also makes a record of the lines before the first WARC/1.0.
  fuzz::require(documents <= records + 1, "more documents than WARC/1.0 lines, plus one");
  return 0;
}
