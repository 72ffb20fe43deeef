// loom/sdk/io.hpp: byte streams, buffers and compression offered by the host
// Part of the C++ plugin layer; include <loom/plugin.hpp> rather than this file.
#pragma once

#include <loom/sdk/host.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loom {

// ---------------------------------------------------------------------------------------------
// Byte streams from the host (files, globs, http(s); compression handled by the host)
// ---------------------------------------------------------------------------------------------

class Input {
 public:
  static Input open(std::string_view uri, loom_codec codec = LOOM_CODEC_AUTO) {
    loom_error err = detail::fresh_error();
    loom_input* in = nullptr;
    detail::check(host().input_open(detail::to_c(uri), codec, &in, &err), err);
    return Input(in);
  }
  Input(Input&& o) noexcept
      : in_(std::exchange(o.in_, nullptr)), lend_buffer_(std::move(o.lend_buffer_)) {}
  Input& operator=(Input&& o) noexcept {
    if (this != &o) {
      close();
      in_ = std::exchange(o.in_, nullptr);
      lend_buffer_ = std::move(o.lend_buffer_);
    }
    return *this;
  }
  ~Input() { close(); }
  // Returns bytes read, 0 at the end; throws on failure.
  std::size_t read(char* buffer, std::size_t capacity) {
    loom_error err = detail::fresh_error();
    std::int64_t n = host().input_read(in_, buffer, capacity, &err);
    if (n < 0) detail::check(1, err);
    return static_cast<std::size_t>(n);
  }
  // The next bytes without a copy (ABI 1.4, input_lend): empty at the end; throws on failure.
  // They stay valid until the next lend(), read() or close(), and kLendPadding readable bytes
  // follow them, so a parser reading in wide blocks can parse them in place. On an older host
  // this reads into a buffer of the Input's, with the same guarantees.
  std::string_view lend() {
    const loom_host& h = host();
    loom_error err = detail::fresh_error();
    if (h.struct_size >= offsetof(loom_host, input_lend) + sizeof h.input_lend &&
        h.input_lend != nullptr) {
      const char* data = nullptr;
      const std::int64_t n = h.input_lend(in_, &data, &err);
      if (n < 0) detail::check(1, err);
      return n == 0 ? std::string_view() : std::string_view(data, static_cast<std::size_t>(n));
    }
    if (!lend_buffer_) lend_buffer_ = std::make_unique<char[]>(kOwnLendBytes + kLendPadding);
    return {lend_buffer_.get(), read(lend_buffer_.get(), kOwnLendBytes)};
  }
  static constexpr std::size_t kLendPadding = LOOM_INPUT_LEND_PADDING;
  std::uint64_t raw_position() const { return host().input_raw_position(in_); }
  void close() {
    if (in_ != nullptr) host().input_close(std::exchange(in_, nullptr));
  }

 private:
  static constexpr std::size_t kOwnLendBytes = std::size_t{256} << 10;  // lend() on older hosts
  explicit Input(loom_input* in) : in_(in) {}
  loom_input* in_;
  std::unique_ptr<char[]> lend_buffer_;
};

// Growable host-owned buffer (so compressed frames never cross the boundary as C++ objects).
class Buffer {
 public:
  Buffer() : buf_(host().buffer_create()) {}
  Buffer(Buffer&& o) noexcept : buf_(std::exchange(o.buf_, nullptr)) {}
  Buffer& operator=(Buffer&&) = delete;
  Buffer(const Buffer&) = delete;
  ~Buffer() {
    if (buf_ != nullptr) host().buffer_destroy(buf_);
  }
  void clear() { host().buffer_clear(buf_); }
  void append(std::string_view data) { host().buffer_append(buf_, detail::to_c(data)); }
  std::string_view view() const { return detail::to_sv(host().buffer_view(buf_)); }
  loom_buffer* raw() const { return buf_; }

 private:
  loom_buffer* buf_;
};

inline void compress_frame(loom_codec codec, int level, std::string_view data, Buffer& out) {
  loom_error err = detail::fresh_error();
  detail::check(host().compress_frame(codec, level, detail::to_c(data), out.raw(), &err), err);
}

inline loom_codec codec_for_path(std::string_view path) {
  return static_cast<loom_codec>(host().codec_for_path(detail::to_c(path)));
}

// A file that appears under its final name only when commit() succeeds; destroyed uncommitted,
// it is removed.
class Output {
 public:
  static Output open(std::string_view path, loom_codec codec = LOOM_CODEC_AUTO, int level = 0) {
    loom_error err = detail::fresh_error();
    loom_output* out = nullptr;
    detail::check(host().output_open(detail::to_c(path), codec, level, &out, &err), err);
    return Output(out);
  }
  Output(Output&& o) noexcept : out_(std::exchange(o.out_, nullptr)) {}
  Output& operator=(Output&& o) noexcept {
    if (this != &o) {
      abort();
      out_ = std::exchange(o.out_, nullptr);
    }
    return *this;
  }
  ~Output() { abort(); }
  void write(std::string_view data) {
    loom_error err = detail::fresh_error();
    detail::check(host().output_write(out_, detail::to_c(data), &err), err);
  }
  void write_raw(std::string_view data) {
    loom_error err = detail::fresh_error();
    detail::check(host().output_write_raw(out_, detail::to_c(data), &err), err);
  }
  std::uint64_t bytes_written() const { return host().output_bytes_written(out_); }
  // The bytes from `offset` on of an output written without a codec: what a resumed run's
  // reopened file already holds (ABI 1.3; an older host cannot, which throws).
  std::string read_back(std::uint64_t offset = 0) {
    const loom_host& h = host();
    if (h.struct_size < offsetof(loom_host, output_read) + sizeof h.output_read ||
        h.output_read == nullptr)
      throw Error("this loom is older than ABI 1.3: it cannot read an output back", LOOM_ERR_IO);
    std::string bytes;
    char buffer[65536];
    while (true) {
      loom_error err = detail::fresh_error();
      const std::int64_t n = h.output_read(out_, offset, buffer, sizeof buffer, &err);
      if (n < 0) detail::check(1, err);
      if (n <= 0) return bytes;
      bytes.append(buffer, static_cast<std::size_t>(n));
      offset += static_cast<std::uint64_t>(n);
    }
  }
  void commit() {
    loom_error err = detail::fresh_error();
    loom_output* out = std::exchange(out_, nullptr);
    detail::check(host().output_commit(out, &err), err);
  }
  void abort() {
    if (out_ != nullptr) host().output_abort(std::exchange(out_, nullptr));
  }
  bool is_open() const { return out_ != nullptr; }

 private:
  explicit Output(loom_output* out) : out_(out) {}
  loom_output* out_;
};

inline std::vector<std::string> expand_paths(std::string_view pattern) {
  std::vector<std::string> out;
  loom_error err = detail::fresh_error();
  auto push = [](void* context, loom_str path) {
    static_cast<std::vector<std::string>*>(context)->emplace_back(path.data, path.size);
  };
  detail::check(host().expand_paths(detail::to_c(pattern), push, &out, &err), err);
  return out;
}

// Sources that walk folders themselves: the path, folder or glob their listing covers, so that no
// output lands where the source would read it (a no-op on hosts older than ABI 1.2).
inline void declare_input(std::string_view path_or_pattern) {
  const loom_host& h = host();
  if (h.struct_size >= offsetof(loom_host, declare_input) + sizeof h.declare_input &&
      h.declare_input != nullptr)
    h.declare_input(detail::to_c(path_or_pattern));
}

// A source's shards from its `paths` option: the matches of each pattern in turn (each pattern's
// matches sorted by the host), so shard order follows the option's order.
inline std::vector<std::string> expand_paths(const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  for (const std::string& pattern : patterns)
    for (std::string& path : expand_paths(std::string_view(pattern)))
      out.push_back(std::move(path));
  return out;
}

}  // namespace loom
