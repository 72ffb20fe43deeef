// The read-ahead of network inputs hands over the same bytes in order, counts what it handed
// over (not what it fetched), and passes the source's error on after the bytes before it.
#include "io/io_internal.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>

using namespace loom::io;

using testing::ScriptedInput;

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
