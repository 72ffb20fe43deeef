// Decoding ahead on the task arena's other threads hands over the decoder's bytes in order,
// whatever the read sizes, passes an error on after the bytes before it, stops when destroyed
// early, and is not there at all on one thread.
#include "io/io_internal.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

using namespace loom::io;

using testing::ScriptedInput;

namespace {

// Runs `body` in an arena of `threads` threads, as `loom run --threads` does.
template <class Body>
void in_arena(int threads, Body body) {
  oneapi::tbb::task_arena arena(threads);
  arena.execute(body);
}

std::string read_with_error(Input& input, std::size_t chunk, std::string& error) {
  std::string got;
  std::string buffer(chunk, '\0');
  try {
    while (const std::size_t n = input.read(buffer.data(), buffer.size())) got.append(buffer, 0, n);
  } catch (const IoError& e) {
    error = e.what();
  }
  return got;
}

}  // namespace

TEST_CASE("decode ahead: the same bytes in order, whatever the read sizes; position at the end") {
  const std::string text = testing::sample_text(9'000'000, 11);
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{4096}, std::size_t{4} << 20}) {
    CAPTURE(chunk);
    in_arena(2, [&] {
      const std::size_t head = chunk == 1 ? 200'000 : text.size();  // byte reads: a prefix
      auto input = internal::decode_ahead(std::make_unique<ScriptedInput>(text, false));
      std::string got;
      std::string buffer(chunk, '\0');
      while (got.size() < head) {
        const std::size_t n = input->read(buffer.data(), buffer.size());
        REQUIRE(n > 0);
        got.append(buffer, 0, n);
      }
      CHECK(got == text.substr(0, got.size()));
      if (head == text.size()) {
        CHECK(input->read(buffer.data(), buffer.size()) == 0);
        CHECK(input->raw_position() == text.size());
      }
    });
  }
}

TEST_CASE("decode ahead: an error comes after every byte decoded before it, then the end") {
  const std::string text = testing::sample_text(3'000'000, 12);
  in_arena(2, [&] {
    auto input = internal::decode_ahead(std::make_unique<ScriptedInput>(text, true));
    std::string error;
    CHECK(read_with_error(*input, 65536, error) == text);
    CHECK(error.find("connection reset") != std::string::npos);
    char byte;
    CHECK(input->read(&byte, 1) == 0);
  });
}

TEST_CASE("decode ahead: a gzip file reads the same on one and two threads, errors included") {
  testing::ScratchDir scratch;
  const std::string text = testing::sample_text(6'000'000, 13);
  const std::string path = scratch.file("text.gz");
  {
    auto output = Output::open(path, LOOM_CODEC_GZIP);
    output->write(text);
    output->commit();
  }
  std::string damaged = testing::read_file(path);
  damaged[damaged.size() - 6] = static_cast<char>(damaged[damaged.size() - 6] ^ 0x55);  // CRC
  const std::string damaged_path = scratch.file("damaged.gz");
  testing::write_file(damaged_path, damaged);
  for (const int threads : {1, 2}) {
    CAPTURE(threads);
    in_arena(threads, [&] {
      CHECK(testing::read_all(path, LOOM_CODEC_AUTO, 100'000) == text);
      auto input = open_input(damaged_path);
      std::string error;
      const std::string got = read_with_error(*input, 1 << 20, error);
      CHECK(error.find("incorrect data check") != std::string::npos);
      CHECK(text.compare(0, got.size(), got) == 0);
    });
  }
}

TEST_CASE("decode ahead: one thread reads the decoder itself; destroyed early, it stops") {
  in_arena(1, [&] {
    auto decoder = std::make_unique<ScriptedInput>("abc", false);
    const Input* raw = decoder.get();
    CHECK(internal::decode_ahead(std::move(decoder)).get() == raw);
  });
  const std::string text = testing::sample_text(20'000'000, 14);
  in_arena(2, [&] {
    auto input = internal::decode_ahead(std::make_unique<ScriptedInput>(text, false));
    char byte;
    CHECK(input->read(&byte, 1) == 1);
    CHECK(byte == text[0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // let a task start decoding
    input.reset();  // must return once the chunk in progress is done
  });
}

namespace {

// A decoder whose reads take a while (an inflate of a large shard), counting the reads made on
// the thread named `watched`.
class SlowInput final : public Input {
 public:
  SlowInput(std::string text, std::chrono::microseconds per_read)
      : inner_(std::move(text), false), per_read_(per_read) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    if (std::this_thread::get_id() == watched) ++reads_on_watched;
    std::this_thread::sleep_for(per_read_);
    return inner_.read(buffer, capacity);
  }
  std::uint64_t raw_position() const override { return inner_.raw_position(); }

  std::thread::id watched;
  std::atomic<int> reads_on_watched{0};

 private:
  ScriptedInput inner_;
  std::chrono::microseconds per_read_;
};

}  // namespace

TEST_CASE("decode ahead: a reader waiting on its stream may decode the next one; both read whole") {
  const std::string first = testing::sample_text(1'500'000, 15);
  const std::string second = testing::sample_text(14'000'000, 16);
  for (const bool close_second_early : {false, true}) {
    CAPTURE(close_second_early);
    in_arena(2, [&] {
      // The shard being read decodes slowly on the other thread; the one opened ahead is fast.
      auto slow = std::make_unique<SlowInput>(first, std::chrono::microseconds(20));
      auto next = std::make_unique<SlowInput>(second, std::chrono::microseconds(0));
      next->watched = std::this_thread::get_id();
      const SlowInput& next_decoder = *next;
      auto reading = internal::decode_ahead(std::move(slow));
      auto ahead = internal::decode_ahead(std::move(next));
      std::string got;
      std::string buffer(std::size_t{1} << 20, '\0');
      while (const std::size_t n = reading->read(buffer.data(), buffer.size()))
        got.append(buffer, 0, n);
      CHECK(got == first);
      CHECK(reading->raw_position() == first.size());
      reading.reset();
      // Whatever this thread decoded of `ahead` while it waited is handed over in order.
      MESSAGE("reads of the next stream on the reader's thread: "
              << next_decoder.reads_on_watched.load());
      if (close_second_early) {
        ahead.reset();  // chunks decoded by the reader are dropped with it
        return;
      }
      got.clear();
      while (const std::size_t n = ahead->read(buffer.data(), buffer.size()))
        got.append(buffer, 0, n);
      CHECK(got == second);
      CHECK(ahead->raw_position() == second.size());
    });
  }
}

namespace {

// Reads `input` to its end by lend(), checking that the padding after each lent block can be
// read (AddressSanitizer would see a short buffer), and alternating with read() of `mixed`
// bytes when that is not zero.
std::string lend_all(Input& input, std::size_t mixed, std::string& error) {
  std::string got;
  std::string buffer(mixed, '\0');
  try {
    for (std::size_t round = 0;; ++round) {
      if (mixed > 0 && round % 2 == 1) {
        const std::size_t n = input.read(buffer.data(), buffer.size());
        if (n == 0) break;
        got.append(buffer, 0, n);
        continue;
      }
      const std::string_view lent = input.lend();
      if (lent.empty()) break;
      volatile char sink = 0;
      for (std::size_t k = 0; k < kLendPadding; ++k) sink = sink ^ lent.data()[lent.size() + k];
      got.append(lent);
    }
  } catch (const IoError& e) {
    error = e.what();
  }
  return got;
}

}  // namespace

TEST_CASE("decode ahead: lend() hands over the decoded chunks in order, reads mixed in") {
  const std::string text = testing::sample_text(9'000'000, 17);
  for (const int threads : {1, 2}) {
    for (const std::size_t mixed : {std::size_t{0}, std::size_t{1}, std::size_t{100'000}}) {
      CAPTURE(threads);
      CAPTURE(mixed);
      in_arena(threads, [&] {
        auto input = internal::decode_ahead(std::make_unique<ScriptedInput>(text, false));
        std::string error;
        CHECK(lend_all(*input, mixed, error) == text);
        CHECK(error.empty());
        CHECK(input->lend().empty());
        CHECK(input->raw_position() == text.size());
      });
    }
  }
  // An error comes after every byte decoded before it, then the end.
  in_arena(2, [&] {
    const std::string head = testing::sample_text(3'000'000, 18);
    auto input = internal::decode_ahead(std::make_unique<ScriptedInput>(head, true));
    std::string error;
    CHECK(lend_all(*input, 0, error) == head);
    CHECK(error.find("connection reset") != std::string::npos);
    CHECK(input->lend().empty());
  });
}

TEST_CASE("decode ahead: a reader never waits for a chunk another thread has already finished") {
  // A reader that finds its stream being decoded on the other thread, and no other stream to
  // help, waits for that decode. The decode may finish while the reader looks for another
  // stream (its stream's lock released): the reader must see that, not wait for a wake-up that
  // has already been sent. At a stream's last chunk that wait was forever. Many short streams,
  // each decoded mostly by a task, make the moment come up thousands of times (before the fix,
  // 8 runs of 30,000 each hung, after 329 to 18,578 streams); a watchdog turns a reader stuck
  // for 20 s into a failure.
  const std::string text = testing::sample_text(600'000, 19);
#if defined(__SANITIZE_THREAD__)
  constexpr int streams = 3000;  // ThreadSanitizer checks the accesses; fewer do
#else
  constexpr int streams = 30000;
#endif
  std::atomic<int> streams_read{0};
  // Stopped and joined however the test ends (a failed REQUIRE throws through here).
  struct Watchdog {
    std::atomic<bool> finished{false};
    std::thread thread;
    ~Watchdog() {
      finished = true;
      thread.join();
    }
  } watchdog;
  watchdog.thread = std::thread([&streams_read, &finished = watchdog.finished] {
    int last = -1;
    for (int still = 0; still < 200 && !finished.load(); ++still) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (const int now = streams_read.load(); now != last) {
        last = now;
        still = 0;
      }
    }
    if (!finished.load()) {
      std::fprintf(stderr, "decode ahead: a reader waited 20 s for a chunk already decoded\n");
      std::abort();
    }
  });
  in_arena(2, [&] {
    std::string buffer(std::size_t{1} << 20, '\0');
    for (int stream = 0; stream < streams; ++stream) {
      auto input = internal::decode_ahead(std::make_unique<ScriptedInput>(text, false));
      std::size_t total = 0;
      if (stream % 2 == 0) {
        while (const std::size_t n = input->read(buffer.data(), buffer.size())) total += n;
      } else {  // lend() waits the same way
        for (std::string_view lent = input->lend(); !lent.empty(); lent = input->lend())
          total += lent.size();
      }
      REQUIRE(total == text.size());
      ++streams_read;
    }
  });
}
