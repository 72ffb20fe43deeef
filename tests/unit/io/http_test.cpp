// HTTP inputs against a local server that fails on purpose: retries, resume, errors.
#include "io/io.hpp"

#include "http_test_server.hpp"
#include "io_test_support.hpp"

#include <doctest/doctest.h>

using namespace loom::io;
using namespace loom::io::testing;

namespace {

// Fast retries so the tests take milliseconds, restored afterwards.
class FastRetries {
 public:
  explicit FastRetries(int max_retries = 4, double low_speed_timeout_seconds = 60) {
    HttpSettings settings;
    settings.max_retries = max_retries;
    settings.initial_backoff_seconds = 0.01;
    settings.connect_timeout_seconds = 5;
    settings.low_speed_timeout_seconds = low_speed_timeout_seconds;
    configure_http(settings);
  }
  ~FastRetries() { configure_http(saved_); }

 private:
  HttpSettings saved_ = http_settings();
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::string& body() {
  static const std::string text = sample_text(3'000'000, 77);
  return text;
}

}  // namespace

TEST_CASE("an HTTP body is streamed whole, with small and large reads") {
  FastRetries fast;
  HttpTestServer server([](const HttpRequest&, std::size_t) { return HttpReply{200, body()}; });
  auto input = open_input(server.url("/data.jsonl"));
  CHECK(read_all(*input, 1 << 20) == body());
  CHECK(input->raw_position() == body().size());
  CHECK(read_all(server.url("/data.jsonl"), LOOM_CODEC_AUTO, 100) == body());
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].path == "/data.jsonl");
  CHECK(requests[0].range.empty());
}

TEST_CASE("a slow reader still receives every byte (the transfer pauses, then resumes)") {
  FastRetries fast;
  HttpTestServer server([](const HttpRequest&, std::size_t) { return HttpReply{200, body()}; });
  auto input = open_input(server.url("/slow"));
  std::string received;
  char buffer[3000];
  while (const std::size_t count = input->read(buffer, sizeof buffer)) {
    received.append(buffer, count);
    if (received.size() % 300'000 < sizeof buffer) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  CHECK(received == body());
}

TEST_CASE("503 answers are retried until the server recovers") {
  FastRetries fast(4);
  HttpTestServer server([](const HttpRequest&, std::size_t index) {
    return index < 3 ? HttpReply{503, "busy"} : HttpReply{200, body()};
  });
  CHECK(read_all(server.url("/flaky")) == body());
  CHECK(server.requests().size() == 4);
}

TEST_CASE("429 answers are retried too") {
  FastRetries fast(2);
  HttpTestServer server([](const HttpRequest&, std::size_t index) {
    return index == 0 ? HttpReply{429, "slow down"} : HttpReply{200, "ok"};
  });
  CHECK(read_all(server.url("/limited")) == "ok");
  CHECK(server.requests().size() == 2);
}

TEST_CASE("a transfer cut mid-body resumes with a Range request") {
  FastRetries fast;
  HttpTestServer server([](const HttpRequest&, std::size_t index) {
    HttpReply reply{200, body()};
    if (index == 0) reply.cut_after = 1'000'000;
    return reply;
  });
  auto input = open_input(server.url("/cut"));
  CHECK(read_all(*input, 65536) == body());
  CHECK(input->raw_position() == body().size());
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].range.empty());
  CHECK(requests[1].range == "bytes=1000000-");
}

TEST_CASE("a server that ignores Range and resends everything still gives the right bytes") {
  FastRetries fast;
  HttpTestServer server([](const HttpRequest&, std::size_t index) {
    HttpReply reply{200, body()};
    reply.honour_range = false;
    if (index < 2) reply.cut_after = 700'000 * (index + 1);
    return reply;
  });
  CHECK(read_all(server.url("/no-range"), LOOM_CODEC_AUTO, 10'000) == body());
  const auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[1].range == "bytes=700000-");
  CHECK(requests[2].range == "bytes=1400000-");
}

namespace {

// The error a read of `url` ends with; empty if it read to the end.
std::string read_error(const std::string& url) {
  try {
    read_all(url, LOOM_CODEC_AUTO, 65536);
  } catch (const IoError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("a 200 carrying only the tail after a ranged retry is refused, not skipped into") {
  FastRetries fast;
  HttpTestServer server([](const HttpRequest&, std::size_t index) {
    HttpReply reply{200, body()};
    reply.honour_range = false;
    reply.tail_as_whole = true;
    if (index == 0) reply.cut_after = 1'000'000;
    return reply;
  });
  const std::string error = read_error(server.url("/tail"));
  CHECK(contains(error, server.url("/tail")));
  CHECK(contains(error, "resuming at byte 1000000"));
  CHECK(contains(error, "Content-Length of 2000000"));
  CHECK(contains(error, "announced 3000000"));
  CHECK(server.requests().size() == 2);  // refused, not retried into the same answer
}

TEST_CASE("a 200 after a ranged retry is refused when the first answer announced no length") {
  FastRetries fast;
  HttpTestServer server([](const HttpRequest&, std::size_t index) {
    HttpReply reply{200, body()};
    reply.honour_range = false;
    reply.chunked = index == 0;
    if (index == 0) reply.cut_after = 500'000;
    return reply;
  });
  const std::string error = read_error(server.url("/chunked"));
  CHECK(contains(error, "announced no length"));
}

TEST_CASE("a resumed answer whose ETag changed is refused; If-Range carries the first one") {
  FastRetries fast;
  HttpTestServer server([](const HttpRequest&, std::size_t index) {
    HttpReply reply{200, body()};
    reply.etag = index == 0 ? "\"v1\"" : "\"v2\"";
    if (index == 0) reply.cut_after = 800'000;
    return reply;
  });
  const std::string error = read_error(server.url("/changed"));
  CHECK(contains(error, "ETag changed from \"v1\" to \"v2\""));
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].if_range.empty());
  CHECK(requests[1].if_range == "\"v1\"");
}

TEST_CASE("a resumed answer whose Last-Modified changed is refused") {
  FastRetries fast;
  HttpTestServer server([](const HttpRequest&, std::size_t index) {
    HttpReply reply{200, body()};
    reply.last_modified =
        index == 0 ? "Mon, 02 Nov 2026 10:00:00 GMT" : "Tue, 03 Nov 2026 10:00:00 GMT";
    if (index == 0) reply.cut_after = 800'000;
    return reply;
  });
  CHECK(contains(read_error(server.url("/modified")), "Last-Modified changed"));
  CHECK(server.requests()[1].if_range == "Mon, 02 Nov 2026 10:00:00 GMT");
}

TEST_CASE("a 206 announcing another total length is refused") {
  FastRetries fast;
  HttpTestServer server([](const HttpRequest&, std::size_t index) {
    HttpReply reply{200, index == 0 ? body() : body() + "more"};
    if (index == 0) reply.cut_after = 600'000;
    return reply;
  });
  const std::string error = read_error(server.url("/grown"));
  CHECK(contains(error, "length of 3000004 bytes where the first answer announced 3000000"));
}

TEST_CASE("a whole 200 with the same length and ETag after a ranged retry is read correctly") {
  FastRetries fast;
  HttpTestServer server([](const HttpRequest&, std::size_t index) {
    HttpReply reply{200, body()};
    reply.honour_range = false;
    reply.etag = "\"same\"";
    if (index == 0) reply.cut_after = 900'000;
    return reply;
  });
  CHECK(read_all(server.url("/whole"), LOOM_CODEC_AUTO, 65536) == body());
}

TEST_CASE("a stalled transfer times out and resumes") {
  FastRetries fast(3, 1);
  HttpTestServer server([](const HttpRequest&, std::size_t index) {
    HttpReply reply{200, body()};
    if (index == 0) {
      // Few bytes before the stall: curl averages speed over a few seconds, so a fast start
      // would delay the low-speed timeout.
      reply.cut_after = 2'000;
      reply.stall_seconds = 10;
    }
    return reply;
  });
  CHECK(read_all(server.url("/stall")) == body());
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].range == "bytes=2000-");
}

TEST_CASE("404 fails at once with the URL and the status") {
  FastRetries fast(5);
  HttpTestServer server([](const HttpRequest&, std::size_t) { return HttpReply{404, "missing"}; });
  const std::string url = server.url("/absent.jsonl.gz");
  const std::string message = io_error_message([&] { read_all(url); });
  CHECK(contains(message, url));
  CHECK(contains(message, "404"));
  CHECK(contains(message, "not retried"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("a server that keeps failing is given up on after max_retries") {
  FastRetries fast(2);
  HttpTestServer server([](const HttpRequest&, std::size_t) { return HttpReply{503, "down"}; });
  const std::string url = server.url("/down");
  const std::string message = io_error_message([&] { read_all(url); });
  CHECK(contains(message, url));
  CHECK(contains(message, "503"));
  CHECK(contains(message, "gave up after 2 retries"));
  CHECK(server.requests().size() == 3);
}

TEST_CASE("a refused connection is retried, then reported with the URL") {
  FastRetries fast(1);
  std::string url;
  {
    HttpTestServer closed([](const HttpRequest&, std::size_t) { return HttpReply{}; });
    url = closed.url("/gone");
  }  // the port is closed now
  const std::string message = io_error_message([&] { read_all(url); });
  CHECK(contains(message, url));
  CHECK(contains(message, "gave up after 1 retries"));
}

TEST_CASE("a compressed body is decompressed by its name, and resumes inside the stream") {
  FastRetries fast;
  std::string gzip_body;
  compress_frame(LOOM_CODEC_GZIP, 0, body(), gzip_body);
  compress_frame(LOOM_CODEC_GZIP, 0, "second member\n", gzip_body);
  HttpTestServer server([&](const HttpRequest&, std::size_t index) {
    HttpReply reply{200, gzip_body};
    if (index == 0) reply.cut_after = gzip_body.size() / 2;
    return reply;
  });
  CHECK(read_all(server.url("/shard.jsonl.gz?token=abc")) == body() + "second member\n");
  CHECK(server.requests().size() == 2);
}

TEST_CASE("a truncated compressed body over HTTP names the URL") {
  FastRetries fast;
  std::string zstd_body;
  compress_frame(LOOM_CODEC_ZSTD, 0, body(), zstd_body);
  zstd_body.resize(zstd_body.size() / 2);
  HttpTestServer server([&](const HttpRequest&, std::size_t) { return HttpReply{200, zstd_body}; });
  const std::string url = server.url("/short.jsonl.zst");
  const std::string message = io_error_message([&] { read_all(url); });
  CHECK(contains(message, url));
  CHECK(contains(message, "truncated"));
}
