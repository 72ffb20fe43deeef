#include "runtime/resume.hpp"

#include "base/json_text.hpp"
#include "io/io.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace loom::runtime {

namespace {

constexpr const char* kFormat = "loom-resume-1";

std::string errno_message(int error_number) { return std::strerror(error_number); }

// Writes `text` to `path` so that a reader sees either the old or the new file, whole.
void write_atomically(const std::string& path, const std::string& text) {
  // An S3 PUT replaces an object whole. Not through io::Output: on a sink's thread that would
  // count the manifest among the sink's outputs.
  if (path.rfind("s3://", 0) == 0) {
    io::put_object(path, text);
    return;
  }
  const std::string temporary = path + ".tmp";
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!parent.empty()) std::filesystem::create_directories(parent, error);  // open() reports it
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    throw io::IoError("cannot write resume manifest '" + temporary + "': " + errno_message(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error_number = errno;
      ::close(fd);
      throw io::IoError("cannot write resume manifest '" + temporary +
                        "': " + errno_message(error_number));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int error_number = errno;
    ::close(fd);
    throw io::IoError("cannot sync resume manifest '" + temporary +
                      "': " + errno_message(error_number));
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0)
    throw io::IoError("cannot rename '" + temporary + "' to '" + path +
                      "': " + errno_message(errno));
  const auto folder = std::filesystem::path(path).parent_path();
  const int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace

void Fingerprint::add(std::string_view bytes) {
  add(static_cast<std::uint64_t>(bytes.size()));
  for (const char c : bytes) {
    a_ = (a_ ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    b_ = (b_ ^ static_cast<unsigned char>(c)) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
  }
}

void Fingerprint::add(std::uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    const auto byte = static_cast<unsigned char>(value >> (8 * i));
    a_ = (a_ ^ byte) * 0x100000001b3ull;
    b_ = (b_ ^ byte) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
  }
}

std::string Fingerprint::hex() const {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a_),
                static_cast<unsigned long long>(b_));
  return buf;
}

Resume::Resume(std::string manifest_path, double interval_seconds)
    : path_(interval_seconds > 0 ? std::move(manifest_path) : std::string()),
      interval_(interval_seconds) {}

std::string Resume::load(const std::string& fingerprint, bool restart,
                         const std::map<std::size_t, std::string>& node_ids) {
  fingerprint_ = fingerprint;
  ids_ = node_ids;
  if (!enabled()) return {};
  try {
    if (!io::exists(path_)) return {};
    if (restart) {
      io::remove(path_);
      return {};
    }
  } catch (const std::exception& e) {
    return std::string("cannot read the resume manifest: ") + e.what();
  }
  std::map<std::string, std::size_t> index_of;
  for (const auto& [index, id] : ids_) index_of[id] = index;
  try {
    const YAML::Node root = YAML::Load(io::read_whole(path_));
    if (root["format"].as<std::string>("") != kFormat)
      return "cannot resume: '" + path_ + "' is not a loom resume manifest (" + kFormat +
             "); delete it or rerun with --restart";
    if (root["fingerprint"].as<std::string>("") != fingerprint_)
      return "cannot resume from '" + path_ +
             "': the graph, its options, the plugins, the batch size, the task or the input "
             "files (names, sizes, times) changed since it was written; rerun with --restart "
             "to start over (outputs already written are then written again)";
    for (const auto& source : root["sources"]) {
      const auto it = index_of.find(source["node"].as<std::string>());
      if (it == index_of.end()) continue;
      auto& starts = shard_starts_[it->second];
      for (const auto& pair : source["shards"])
        starts[pair[0].as<std::uint64_t>()] = pair[1].as<std::uint64_t>();
    }
    for (const auto& sink : root["sinks"]) {
      const auto it = index_of.find(sink["node"].as<std::string>());
      if (it == index_of.end()) continue;
      SinkState& state = sinks_[it->second];
      state.written = sink["written"].as<std::int64_t>();
      for (const auto& open : sink["open"])
        state.outputs.open.push_back({open["path"].as<std::string>(),
                                      open["temporary"].as<std::string>(),
                                      open["bytes"].as<std::uint64_t>()});
      for (const auto& path : sink["committed"])
        state.outputs.committed.push_back(path.as<std::string>());
    }
  } catch (const YAML::Exception& e) {
    return "cannot resume: '" + path_ + "' is damaged (" + e.what() +
           "); delete it or rerun with --restart";
  } catch (const io::IoError& e) {
    return std::string("cannot resume: ") + e.what();
  }
  loaded_ = true;
  return {};
}

std::int64_t Resume::sink_written(std::size_t sink) const {
  std::lock_guard lock(mutex_);
  const auto it = sinks_.find(sink);
  return it == sinks_.end() ? -1 : it->second.written;
}

const std::map<std::uint64_t, std::uint64_t>& Resume::shard_starts(std::size_t source) const {
  static const std::map<std::uint64_t, std::uint64_t> none;
  std::lock_guard lock(mutex_);
  const auto it = shard_starts_.find(source);
  return it == shard_starts_.end() ? none : it->second;
}

io::OwnerCheckpoint Resume::sink_outputs(std::size_t sink) const {
  std::lock_guard lock(mutex_);
  const auto it = sinks_.find(sink);
  return it == sinks_.end() ? io::OwnerCheckpoint{} : it->second.outputs;
}

void Resume::on_shard_open(std::size_t source, std::uint64_t shard_index, std::uint64_t seq) {
  if (!enabled()) return;
  std::lock_guard lock(mutex_);
  shard_starts_[source][shard_index] = seq;
}

bool Resume::after_write(std::size_t sink, std::uint64_t seq) {
  if (!enabled()) return false;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    SinkState& state = sinks_[sink];
    if (state.last_checkpoint.time_since_epoch().count() == 0) state.last_checkpoint = now;
    if (now - state.last_checkpoint < interval_) return false;
  }
  auto outputs = io::checkpoint_outputs(static_cast<int>(sink));  // flush + fsync, this thread
  if (!outputs) return false;  // inside a compressed frame: try after the next batch
  std::lock_guard lock(mutex_);
  SinkState& state = sinks_[sink];
  state.written = static_cast<std::int64_t>(seq);
  state.outputs = std::move(*outputs);
  state.last_checkpoint = now;
  write_manifest();
  written_ = true;
  return true;
}

void Resume::write_manifest() {
  std::string out = "{\n  \"format\": ";
  append_json_string(out, kFormat);
  out += ",\n  \"fingerprint\": ";
  append_json_string(out, fingerprint_);
  out += ",\n  \"sources\": [";
  bool first = true;
  for (const auto& [source, starts] : shard_starts_) {
    out += first ? "\n    {\"node\": " : ",\n    {\"node\": ";
    first = false;
    append_json_string(out, ids_.at(source));
    out += ", \"shards\": [";
    bool first_shard = true;
    for (const auto& [shard, seq] : starts) {
      out += (first_shard ? "[" : ", [") + std::to_string(shard) + ", " + std::to_string(seq) + "]";
      first_shard = false;
    }
    out += "]}";
  }
  out += "\n  ],\n  \"sinks\": [";
  first = true;
  for (const auto& [sink, state] : sinks_) {
    if (state.written < 0) continue;
    out += first ? "\n    {\"node\": " : ",\n    {\"node\": ";
    first = false;
    append_json_string(out, ids_.at(sink));
    out += ", \"written\": " + std::to_string(state.written) + ",\n     \"open\": [";
    bool first_open = true;
    for (const auto& open : state.outputs.open) {
      out += first_open ? "{\"path\": " : ", {\"path\": ";
      first_open = false;
      append_json_string(out, open.path);
      out += ", \"temporary\": ";
      append_json_string(out, open.temporary);
      out += ", \"bytes\": " + std::to_string(open.bytes) + "}";
    }
    out += "],\n     \"committed\": [";
    bool first_committed = true;
    for (const auto& path : state.outputs.committed) {
      if (!first_committed) out += ", ";
      first_committed = false;
      append_json_string(out, path);
    }
    out += "]}";
  }
  out += "\n  ]\n}\n";
  write_atomically(path_, out);
}

void Resume::remove_manifest() {
  if (!enabled()) return;
  try {
    io::remove(path_);
  } catch (const std::exception&) {
    // A manifest left behind is harmless: the next run sees the same outputs complete.
  }
  std::error_code error;
  std::filesystem::remove(path_ + ".tmp", error);
}

void Resume::complete_run() {
  io::commit_adopted_outputs();
  remove_manifest();
}

void Resume::settle_failed_run(bool interrupted) {
  bool manifest = false;
  {
    std::lock_guard lock(mutex_);
    manifest = loaded_ || written_;
  }
  if (interrupted && enabled() && manifest) {
    io::keep_temporaries_for_resume();
    return;
  }
  io::abort_all_open_outputs();
  if (manifest) remove_manifest();
}

}  // namespace loom::runtime
