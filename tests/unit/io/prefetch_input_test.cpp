// The read-ahead of network inputs hands over the same bytes in order, counts what it handed
// over (not what it fetched), and passes the source's error on after the bytes before it.
#include "io/io_internal.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>

using namespace loom::io;

namespace {

// `text` in reads of at most 1000 bytes, then an IoError if `fail_at_end`.
class ScriptedInput final : public Input {
 public:
  ScriptedInput(std::string text, bool fail_at_end)
      : text_(std::move(text)), fail_at_end_(fail_at_end) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    const std::size_t count = std::min({capacity, std::size_t{1000}, text_.size() - position_});
    if (count == 0 && fail_at_end_) throw IoError("cannot download 'x': connection reset");
    std::copy_n(text_.data() + position_, count, buffer);
    position_ += count;
    return count;
  }
  std::uint64_t raw_position() const override { return position_; }

 private:
  std::string text_;
  bool fail_at_end_;
  std::size_t position_ = 0;
};

}  // namespace

TEST_CASE("prefetch: the same bytes in order, whatever the read sizes; position as handed over") {
  const std::string text = testing::sample_text(5'000'000, 3);
  auto input = internal::make_prefetch_input(std::make_unique<ScriptedInput>(text, false));
  char small[7];
  REQUIRE(input->read(small, sizeof small) == sizeof small);
  CHECK(input->raw_position() == sizeof small);
  const std::string rest = testing::read_all(*input, 300'000);
  CHECK(std::string(small, sizeof small) + rest == text);
  CHECK(input->raw_position() == text.size());
  CHECK(input->read(small, sizeof small) == 0);
}

TEST_CASE("prefetch: an error comes after every byte read before it") {
  const std::string text = testing::sample_text(2'500'000, 4);
  auto input = internal::make_prefetch_input(std::make_unique<ScriptedInput>(text, true));
  std::string got;
  std::string buffer(65536, '\0');
  std::string error;
  try {
    while (const std::size_t n = input->read(buffer.data(), buffer.size()))
      got.append(buffer, 0, n);
  } catch (const IoError& e) {
    error = e.what();
  }
  CHECK(got == text);
  CHECK(error.find("connection reset") != std::string::npos);
}

TEST_CASE("prefetch: destroyed before the end, it stops reading") {
  const std::string text = testing::sample_text(20'000'000, 5);
  auto input = internal::make_prefetch_input(std::make_unique<ScriptedInput>(text, false));
  char byte;
  CHECK(input->read(&byte, 1) == 1);
  CHECK(byte == text[0]);
  input.reset();  // must return: the reader thread sees the stop between reads
}
