// Inputs must be regular files: a FIFO, socket or dangling symlink is refused by name and type,
// whether named or matched by a glob, and opening one never blocks.
#include "io/io.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <thread>

using namespace loom::io;
using namespace loom::io::testing;

namespace {

struct Folder {
  ScratchDir scratch;
  std::string at(const std::string& relative) const { return scratch.file(relative); }
  std::string fifo(const std::string& name) const {
    const std::string path = at(name);
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    return path;
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a FIFO named as an input is refused, naming it and what it is") {
  Folder folder;
  const std::string pipe = folder.fifo("pipe.jsonl");
  const std::string message = io_error_message([&] { expand_paths(pipe); });
  CHECK(contains(message, "'" + pipe + "'"));
  CHECK(contains(message, "is a FIFO (named pipe), not a regular file"));
}

TEST_CASE("opening a FIFO fails at once instead of waiting for a writer") {
  Folder folder;
  const std::string pipe = folder.fifo("pipe.jsonl");
  auto outcome = std::make_shared<std::promise<std::string>>();
  std::future<std::string> result = outcome->get_future();
  std::thread([pipe, outcome] {
    outcome->set_value(io_error_message([&] { open_input(pipe); }));
  }).detach();
  const bool finished = result.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  if (!finished) {
    // Free the blocked reader by opening the write end, so the test can end.
    const int writer = ::open(pipe.c_str(), O_WRONLY | O_NONBLOCK);
    if (writer >= 0) ::close(writer);
  }
  REQUIRE(finished);
  const std::string message = result.get();
  CHECK(contains(message, "'" + pipe + "'"));
  CHECK(contains(message, "a FIFO (named pipe), not a regular file"));
}

TEST_CASE("a glob matching a FIFO or a socket is refused by name, not left out") {
  Folder folder;
  write_file(folder.at("a.jsonl"), "{}\n");
  const std::string pipe = folder.fifo("b.jsonl");
  const std::string pattern = folder.at("*.jsonl");
  std::string message = io_error_message([&] { expand_paths(pattern); });
  CHECK(contains(message, "'" + pipe + "' (matched by '" + pattern + "') is a FIFO"));
  CHECK_FALSE(contains(message, "no files match"));

  std::filesystem::remove(pipe);
  const std::string socket_path = folder.at("c.jsonl");
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  REQUIRE(socket_path.size() < sizeof address.sun_path);
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  message = io_error_message([&] { expand_paths(pattern); });
  ::close(fd);
  CHECK(contains(message, "'" + socket_path + "' (matched by '" + pattern + "') is a socket"));
}

TEST_CASE("a glob matching a dangling symlink names it; folders it matches are left out") {
  Folder folder;
  write_file(folder.at("a.jsonl"), "{}\n");
  std::filesystem::create_directories(folder.at("folder.jsonl"));
  CHECK(expand_paths(folder.at("*.jsonl")) == std::vector<std::string>{folder.at("a.jsonl")});
  std::filesystem::create_symlink(folder.at("gone.txt"), folder.at("b.jsonl"));
  const std::string message = io_error_message([&] { expand_paths(folder.at("*.jsonl")); });
  CHECK(contains(message, "'" + folder.at("b.jsonl") + "'"));
  CHECK(contains(message, "a symbolic link to a file that does not exist"));
}
