// Byte streams for the host API: local files and globs, http(s) via libcurl, s3:// objects and
// key patterns, transparent gzip/zstd/bzip2, and outputs that appear under their final name only
// when committed.
#pragma once

#include <loom/plugin.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace loom::io {

// Every failure names the file or URL and what went wrong.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// LOOM_CODEC_* from a path's extension (.gz, .zst/.zstd, .bz2), else LOOM_CODEC_NONE.
loom_codec codec_for_path(std::string_view path);

struct HttpSettings {
  int max_retries = 5;                   // on 5xx, timeouts and broken transfers
  double initial_backoff_seconds = 0.5;  // doubles each retry
  double connect_timeout_seconds = 30;
  double low_speed_timeout_seconds = 60;  // abort a transfer slower than 1 KB/s for this long
};
void configure_http(const HttpSettings& settings);
const HttpSettings& http_settings();

// Readable bytes, of any value, after the bytes Input::lend() lends (the host's input_lend).
inline constexpr std::size_t kLendPadding = LOOM_INPUT_LEND_PADDING;
// How many bytes the default Input::lend() reads at a time.
inline constexpr std::size_t kLendBytes = std::size_t{256} << 10;

// A readable stream of decompressed bytes.
class Input {
 public:
  Input() = default;
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;
  virtual ~Input();
  // Returns bytes read (0 at the end). Throws IoError naming the source.
  virtual std::size_t read(char* buffer, std::size_t capacity) = 0;
  // The next bytes without a copy into the caller's buffer (empty at the end; throws as read()
  // does). They stay valid, followed by kLendPadding readable bytes, until the next lend() or
  // read() or the input's end. An input that decodes into buffers of its own lends those; this
  // default reads up to kLendBytes into a buffer of the input's.
  virtual std::string_view lend();
  // Compressed bytes consumed from the underlying file or transfer so far.
  virtual std::uint64_t raw_position() const = 0;

 private:
  std::unique_ptr<char[]> lend_buffer_;  // the default lend()'s, recycled when the input goes
};

// Opens a local path, http(s) URL or s3:// object; codec AUTO decides by name. Truncated or corrupt
// compressed data is an IoError at read time.
std::unique_ptr<Input> open_input(const std::string& uri, loom_codec codec = LOOM_CODEC_AUTO);

// Local path or glob (`*`, `?`, `[...]`, `**` for any depth) -> sorted matching files; an
// s3:// pattern -> the sorted URLs of the keys it matches (listed); an http(s) URL or a literal
// s3:// key is returned as is. Throws IoError when nothing matches.
std::vector<std::string> expand_paths(const std::string& pattern);

// The current run's inputs (local files, folders, globs; s3:// keys and patterns as written),
// recorded as sources list them and components open or expand them. Output::open refuses a path
// that is one of them, lies in an input folder or is matched by an input pattern, naming both. A
// new run starts with a reset.
void reset_input_guard();
void guard_input(const std::string& path_or_pattern);
// Throws IoError naming the output and the input it collides with.
void check_output_path(const std::string& path);
// The same check for outputs opened before every input was known (e.g. in a sink's create()).
void check_open_outputs();

// A file written under a temporary name next to its target (parent folders created), renamed to
// the final name by commit(). Destroyed without commit, it removes the temporary file. An s3://
// output is spooled locally and uploaded by commit() (s3_output.cpp).
class Output {
 public:
  // level 0 means the codec's default (zstd 3, gzip 3, bzip2 9); gzip 1 to 3 are igzip's levels,
  // 4 to 9 zlib's.
  static std::unique_ptr<Output> open(const std::string& path, loom_codec codec = LOOM_CODEC_AUTO,
                                      int level = 0);
  virtual ~Output() = default;
  virtual void write(std::string_view data) = 0;      // compressed with the codec, streaming
  virtual void write_raw(std::string_view data) = 0;  // already encoded bytes
  virtual std::uint64_t bytes_written() const = 0;    // bytes in the file so far
  // Reads back up to `capacity` bytes from `offset` (0 at the end), of an output without a
  // codec (e.g. what a resumed output already holds).
  virtual std::size_t read(std::uint64_t offset, char* buffer, std::size_t capacity) = 0;
  virtual void commit() = 0;
  // commit() whose fsync and rename may finish on a background thread while a BackgroundCommits
  // lives (a run's sinks); the output must not be used after it either way. A failure is thrown
  // by a later call or by BackgroundCommits::wait(). abort() of another output first waits for
  // the commits in flight (that output may be their fallback until they are durable).
  virtual void commit_in_background() { commit(); }
  virtual void abort() = 0;
  virtual const std::string& path() const = 0;
};

// While one lives (a run), Output::commit_in_background() of a local file returns after its last
// write: the fsync, the rename and the folder's fsync follow on one background thread, in commit
// order. The file still appears complete under its final name or not at all; resume
// checkpoints wait for the commits before they list them (checkpoint_outputs).
class BackgroundCommits {
 public:
  BackgroundCommits();
  // Waits for the commits still queued (their failures are dropped: the run failed already).
  ~BackgroundCommits();
  BackgroundCommits(const BackgroundCommits&) = delete;
  BackgroundCommits& operator=(const BackgroundCommits&) = delete;
  // Waits until every queued commit finished; throws BackgroundCommitError if one failed.
  void wait();
};

class BackgroundCommitError : public IoError {
 public:
  BackgroundCommitError(int owner, const std::string& what);
  // The output's owner (a sink's node index, OutputOwnerScope), -1 if none.
  int owner() const { return owner_; }

 private:
  int owner_;
};

// Appends one self-contained compressed frame of `data` to `out` (zstd frame, gzip member,
// bzip2 stream; NONE appends the data). Thread-safe.
void compress_frame(loom_codec codec, int level, std::string_view data, std::string& out);

// Small engine files (the resume manifest) that may live in a bucket: a local path or an s3://
// URL. exists() asks S3 with HEAD (403 or 5xx throw); remove() of an absent file is fine.
bool exists(const std::string& path_or_url);
std::string read_whole(const std::string& path_or_url);
// One PUT of `text` to an s3:// URL (whole or not at all); not an output any sink owns.
void put_object(const std::string& url, std::string_view text);
void remove(const std::string& path_or_url);
// A local file that stands for an s3:// URL on this machine (in the S3 spool folder), e.g. for
// a lock that S3 cannot hold; a local path is returned as is.
std::string local_stand_in(const std::string& path_or_url);

// Removes temporary files of outputs still open (called when a run is cancelled or on a fatal
// signal path). Thread-safe.
void abort_all_open_outputs();

}  // namespace loom::io
