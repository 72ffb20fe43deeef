// http(s) downloads streamed through libcurl's multi interface, driven by the reading thread:
// no extra thread, and at most one bounded buffer of body bytes held between reads. Broken
// transfers are resumed with a Range request; 5xx, 429, timeouts and connection errors are
// retried with exponential backoff. A resumed answer is trusted only if it provably continues
// the same resource: same length and validators (ETag, Last-Modified) as the first answer, a
// Content-Range that starts where the break was, or a 200 that carries the whole resource again.
#include "io/io_internal.hpp"
#include "io/remote_libraries.hpp"

#include <strings.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

namespace loom::io::internal {

namespace {

// Body bytes held beyond the caller's buffer before the transfer is paused.
constexpr std::size_t kPendingLimitBytes = kIoBufferBytes;
constexpr long kCurlBufferBytes = 256 * 1024;
constexpr double kMaxBackoffSeconds = 60;

}  // namespace

bool is_retryable_curl_code(int code) {
  switch (static_cast<CURLcode>(code)) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY: return true;
    default: return false;
  }
}

bool is_retryable_http_status(long status) {
  return status >= 500 || status == 429 || status == 408;
}

namespace {

// "bytes 100-199/1000" -> 100; "bytes */1000" -> -1 with total 1000.
bool parse_content_range(const std::string& value, long long& start, long long& total) {
  start = -1;
  total = -1;
  const auto bytes = value.find("bytes");
  if (bytes == std::string::npos) return false;
  const char* cursor = value.c_str() + bytes + 5;
  while (*cursor == ' ') ++cursor;
  if (*cursor == '*') {
    ++cursor;
  } else {
    char* end = nullptr;
    start = std::strtoll(cursor, &end, 10);
    if (end == cursor) return false;
    cursor = std::strchr(end, '/');
    if (!cursor) return true;
  }
  if (*cursor == '/' && cursor[1] != '*') total = std::strtoll(cursor + 1, nullptr, 10);
  return true;
}

// What a response says about the resource it carries, read from its headers.
struct ResponseHeaders {
  std::string content_range;
  long long content_length = -1;  // -1: not announced (e.g. chunked)
  std::string etag;
  std::string last_modified;
};

// What the first answer announced; every resumed answer must agree with it.
struct ResourceIdentity {
  long long total_length = -1;  // -1: unknown
  std::string etag;
  std::string last_modified;
};

bool header_is(std::string_view line, std::string_view name) {
  return line.size() > name.size() && line[name.size()] == ':' &&
         strncasecmp(line.data(), name.data(), name.size()) == 0;
}

std::string header_value(std::string_view line, std::size_t name_size) {
  line.remove_prefix(name_size + 1);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' '))
    line.remove_suffix(1);
  return std::string(line);
}

class HttpInput final : public Input {
 public:
  HttpInput(std::string url, HttpRequestHooks hooks)
      : url_(std::move(url)),
        name_(hooks.display_name.empty() ? url_ : hooks.display_name),
        hooks_(std::move(hooks)),
        settings_(http_settings()),
        curl_(internal::curl_library("cannot download '" + name_ + "'")) {
    multi_ = curl_.multi_init();
    easy_ = curl_.easy_init();
    if (!multi_ || !easy_) {
      cleanup();
      throw IoError("cannot download '" + name_ + "': libcurl initialization failed");
    }
    configure_handle();
    // Connect and wait for the first bytes now, so a missing URL fails when it is opened.
    try {
      pump();
    } catch (...) {
      cleanup();  // a throwing constructor gets no destructor call
      throw;
    }
    if (pending_begin_ == pending_.size() && !failure_.empty()) {
      cleanup();
      throw IoError(failure_);
    }
  }
  ~HttpInput() override { cleanup(); }
  HttpInput(const HttpInput&) = delete;
  HttpInput& operator=(const HttpInput&) = delete;

  std::size_t read(char* buffer, std::size_t capacity) override {
    if (capacity == 0) return 0;
    if (pending_begin_ < pending_.size()) return take_pending(buffer, capacity);
    if (!failure_.empty()) throw IoError(failure_);
    target_ = buffer;
    target_capacity_ = capacity;
    target_filled_ = 0;
    pump();
    target_ = nullptr;
    const std::size_t filled = target_filled_;
    if (filled == 0 && !failure_.empty()) throw IoError(failure_);
    return filled;
  }

  std::uint64_t raw_position() const override { return received_; }

 private:
  // Drives the transfer until some body bytes arrived (in the target or pending), it ended, or
  // it failed for good.
  void pump() {
    while (target_filled_ == 0 && pending_begin_ == pending_.size() && !finished_ &&
           failure_.empty()) {
      if (!transfer_active_) start_attempt();
      if (paused_) {
        paused_ = false;
        curl_.easy_pause(easy_, CURLPAUSE_CONT);  // may deliver the held chunk right away
      }
      int running = 0;
      const CURLMcode perform_status = curl_.multi_perform(multi_, &running);
      if (perform_status != CURLM_OK) {
        failure_ = "cannot download '" + name_ + "': " + curl_.multi_strerror(perform_status);
        return;
      }
      collect_finished_transfer();
      if (target_filled_ == 0 && transfer_active_ && !paused_) {
        curl_.multi_poll(multi_, nullptr, 0, 1000, nullptr);
      }
    }
  }

  void configure_handle() {
    curl_.easy_setopt(easy_, CURLOPT_URL, url_.c_str());
    curl_.easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_.easy_setopt(easy_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_.easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 1L);
    curl_.easy_setopt(easy_, CURLOPT_MAXREDIRS, 10L);
    curl_.easy_setopt(easy_, CURLOPT_FAILONERROR, 1L);
    curl_.easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_.easy_setopt(easy_, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_.easy_setopt(easy_, CURLOPT_USERAGENT, "loom");
    curl_.easy_setopt(easy_, CURLOPT_BUFFERSIZE, kCurlBufferBytes);
    curl_.easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_buffer_);
    curl_.easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &HttpInput::on_body);
    curl_.easy_setopt(easy_, CURLOPT_WRITEDATA, this);
    curl_.easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &HttpInput::on_header);
    curl_.easy_setopt(easy_, CURLOPT_HEADERDATA, this);
    curl_.easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS,
                      static_cast<long>(std::max(1.0, settings_.connect_timeout_seconds * 1000)));
    curl_.easy_setopt(easy_, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_.easy_setopt(
        easy_, CURLOPT_LOW_SPEED_TIME,
        static_cast<long>(std::max(1.0, std::ceil(settings_.low_speed_timeout_seconds))));
  }

  void cleanup() {
    if (multi_ && easy_ && transfer_active_) curl_.multi_remove_handle(multi_, easy_);
    if (easy_) curl_.easy_cleanup(easy_);
    if (multi_) curl_.multi_cleanup(multi_);
    if (request_headers_) curl_.slist_free_all(request_headers_);
    easy_ = nullptr;
    multi_ = nullptr;
    request_headers_ = nullptr;
  }

  std::size_t take_pending(char* buffer, std::size_t capacity) {
    const std::size_t count = std::min(capacity, pending_.size() - pending_begin_);
    std::memcpy(buffer, pending_.data() + pending_begin_, count);
    pending_begin_ += count;
    if (pending_begin_ == pending_.size()) {
      pending_.clear();
      pending_begin_ = 0;
    }
    return count;
  }

  void start_attempt() {
    if (backoff_seconds_ > 0) {
      std::this_thread::sleep_for(std::chrono::duration<double>(backoff_seconds_));
      backoff_seconds_ = 0;
    }
    attempt_offset_ = received_;
    attempt_checked_ = false;
    skip_remaining_ = 0;
    headers_ = ResponseHeaders();
    callback_error_.clear();
    paused_ = false;
    error_buffer_[0] = '\0';
    const std::string range = std::to_string(attempt_offset_) + "-";
    curl_.easy_setopt(easy_, CURLOPT_RANGE, attempt_offset_ > 0 ? range.c_str() : nullptr);
    set_if_range();
    if (curl_.multi_add_handle(multi_, easy_) != CURLM_OK) {
      failure_ = "cannot download '" + name_ + "': libcurl refused the transfer";
      return;
    }
    transfer_active_ = true;
  }

  void collect_finished_transfer() {
    int queued = 0;
    while (CURLMsg* message = curl_.multi_info_read(multi_, &queued)) {
      if (message->msg == CURLMSG_DONE && message->easy_handle == easy_) {
        const CURLcode result = message->data.result;
        curl_.multi_remove_handle(multi_, easy_);
        transfer_active_ = false;
        on_transfer_done(result);
        return;
      }
    }
  }

  void on_transfer_done(CURLcode result) {
    long status = 0;
    curl_.easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
    if (result == CURLE_OK) {
      if (attempt_offset_ > 0 && !attempt_checked_ && status != 206) {
        failure_ = "cannot download '" + name_ + "': on resuming at byte " +
                   std::to_string(attempt_offset_) + " the server sent no data (HTTP status " +
                   std::to_string(status) + "); the resource seems to have changed";
        return;
      }
      finished_ = true;
      return;
    }
    if (result == CURLE_WRITE_ERROR && !callback_error_.empty()) {
      failure_ = callback_error_;
      return;
    }
    std::string what;
    bool retryable;
    if (result == CURLE_HTTP_RETURNED_ERROR) {
      long long start = 0, total = 0;
      if (status == 416 && attempt_offset_ > 0 &&
          parse_content_range(headers_.content_range, start, total) &&
          total == static_cast<long long>(attempt_offset_)) {
        finished_ = true;  // the break came after the last byte: nothing is missing
        return;
      }
      retryable = is_retryable_http_status(status);
      what = "HTTP status " + std::to_string(status);
      if (hooks_.explain_status) what += hooks_.explain_status(status);
    } else {
      retryable = is_retryable_curl_code(result);
      what = curl_.easy_strerror(result);
      if (error_buffer_[0] != '\0') what += std::string(" (") + error_buffer_ + ")";
    }
    if (received_ > attempt_offset_) {
      retries_ = 0;  // progress was made: a long download may survive many separate breaks
    }
    const std::string context =
        "cannot download '" + name_ + "'" +
        (received_ > 0 ? " after " + std::to_string(received_) + " bytes" : std::string()) + ": ";
    if (!retryable) {
      failure_ = context + what + " (not retried)";
      return;
    }
    if (retries_ >= settings_.max_retries) {
      failure_ = context + what + "; gave up after " + std::to_string(retries_) + " retries";
      return;
    }
    backoff_seconds_ = std::min(settings_.initial_backoff_seconds * std::pow(2.0, retries_),
                                std::max(kMaxBackoffSeconds, settings_.initial_backoff_seconds));
    ++retries_;
  }

  // If-Range makes a server that saw the resource change answer 200 with the new version
  // instead of 206 with a tail of it; the 200 is then refused by check_resumed_whole().
  void set_if_range() {
    if (request_headers_ != nullptr) {
      curl_.slist_free_all(request_headers_);
      request_headers_ = nullptr;
    }
    const std::string& validator =
        !identity_.etag.empty() ? identity_.etag : identity_.last_modified;
    if (attempt_offset_ > 0 && !validator.empty()) {
      request_headers_ = curl_.slist_append(nullptr, ("If-Range: " + validator).c_str());
    }
    // Signed headers are made again for each attempt: a signature carries its time.
    if (hooks_.headers)
      for (const std::string& header : hooks_.headers())
        request_headers_ = curl_.slist_append(request_headers_, header.c_str());
    curl_.easy_setopt(easy_, CURLOPT_HTTPHEADER, request_headers_);
  }

  [[nodiscard]] bool refuse(const std::string& why) {
    callback_error_ = "cannot download '" + name_ + "': on resuming at byte " +
                      std::to_string(attempt_offset_) + " " + why;
    return false;
  }

  // Decides, on the first body bytes of an attempt, whether they continue the stream.
  bool check_attempt() {
    attempt_checked_ = true;
    long status = 0;
    curl_.easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
    if (attempt_offset_ == 0) {
      identity_.total_length = headers_.content_length;
      long long start = -1, total = -1;
      if (status == 206 && parse_content_range(headers_.content_range, start, total))
        identity_.total_length = total;
      identity_.etag = headers_.etag;
      identity_.last_modified = headers_.last_modified;
      return true;
    }
    if (!validators_agree()) return false;
    if (status == 206) {
      long long start = -1, total = -1;
      parse_content_range(headers_.content_range, start, total);
      if (start != static_cast<long long>(attempt_offset_))
        return refuse("the server answered with Content-Range '" + headers_.content_range + "'");
      if (identity_.total_length >= 0 && total >= 0 && total != identity_.total_length)
        return refuse("the server announced a length of " + std::to_string(total) +
                      " bytes where the first answer announced " +
                      std::to_string(identity_.total_length) +
                      "; the resource seems to have changed");
      return true;
    }
    return check_resumed_whole(status);
  }

  // A server may ignore Range and send the whole resource again with 200; the bytes already
  // read are then skipped. That is only safe when the answer provably is the whole resource.
  bool check_resumed_whole(long status) {
    const std::string answer = "the server answered " + std::to_string(status) + " (not 206)";
    if (identity_.total_length < 0)
      return refuse(answer +
                    " and the first answer announced no length, so whether this answer is the "
                    "whole resource cannot be checked");
    if (headers_.content_length != identity_.total_length)
      return refuse(answer + " with " +
                    (headers_.content_length < 0
                         ? std::string("no Content-Length")
                         : "a Content-Length of " + std::to_string(headers_.content_length)) +
                    " where the first answer announced " + std::to_string(identity_.total_length) +
                    " bytes; it is not the whole resource");
    skip_remaining_ = attempt_offset_;
    return true;
  }

  bool validators_agree() {
    if (!identity_.etag.empty() && !headers_.etag.empty() && headers_.etag != identity_.etag)
      return refuse("the ETag changed from " + identity_.etag + " to " + headers_.etag +
                    "; the resource changed during the download");
    if (!identity_.last_modified.empty() && !headers_.last_modified.empty() &&
        headers_.last_modified != identity_.last_modified)
      return refuse("Last-Modified changed from '" + identity_.last_modified + "' to '" +
                    headers_.last_modified + "'; the resource changed during the download");
    return true;
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self_pointer) {
    auto& self = *static_cast<HttpInput*>(self_pointer);
    const std::size_t total = size * count;
    if (!self.attempt_checked_ && !self.check_attempt()) return 0;
    const bool target_full = !self.target_ || self.target_filled_ == self.target_capacity_;
    if (target_full && self.pending_.size() - self.pending_begin_ >= kPendingLimitBytes) {
      self.paused_ = true;
      return CURL_WRITEFUNC_PAUSE;  // curl keeps this chunk and delivers it again on resume
    }
    std::size_t remaining = total;
    if (self.skip_remaining_ > 0) {
      const auto skipped =
          static_cast<std::size_t>(std::min<std::uint64_t>(self.skip_remaining_, remaining));
      self.skip_remaining_ -= skipped;
      data += skipped;
      remaining -= skipped;
    }
    self.received_ += remaining;
    if (self.target_) {
      const std::size_t direct = std::min(remaining, self.target_capacity_ - self.target_filled_);
      std::memcpy(self.target_ + self.target_filled_, data, direct);
      self.target_filled_ += direct;
      data += direct;
      remaining -= direct;
    }
    self.pending_.insert(self.pending_.end(), data, data + remaining);
    return total;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count,
                               void* self_pointer) {
    auto& self = *static_cast<HttpInput*>(self_pointer);
    const std::size_t total = size * count;
    const std::string_view line(data, total);
    ResponseHeaders& headers = self.headers_;
    if (line.rfind("HTTP/", 0) == 0) {
      headers = ResponseHeaders();  // a new response (after a redirect or 100-continue)
    } else if (header_is(line, "content-range")) {
      headers.content_range = header_value(line, 13);
    } else if (header_is(line, "content-length")) {
      const std::string value = header_value(line, 14);
      char* end = nullptr;
      const long long length = std::strtoll(value.c_str(), &end, 10);
      if (end != value.c_str() && *end == '\0' && length >= 0) headers.content_length = length;
    } else if (header_is(line, "etag")) {
      headers.etag = header_value(line, 4);
    } else if (header_is(line, "last-modified")) {
      headers.last_modified = header_value(line, 13);
    }
    return total;
  }

  std::string url_;
  std::string name_;  // in messages
  HttpRequestHooks hooks_;
  HttpSettings settings_;
  const internal::CurlLibrary& curl_;
  CURLM* multi_ = nullptr;
  CURL* easy_ = nullptr;
  char error_buffer_[CURL_ERROR_SIZE] = {};

  bool transfer_active_ = false;
  bool finished_ = false;
  bool paused_ = false;
  std::string failure_;
  int retries_ = 0;
  double backoff_seconds_ = 0;

  std::uint64_t attempt_offset_ = 0;
  bool attempt_checked_ = false;
  std::uint64_t skip_remaining_ = 0;
  ResponseHeaders headers_;
  ResourceIdentity identity_;
  curl_slist* request_headers_ = nullptr;
  std::string callback_error_;

  char* target_ = nullptr;
  std::size_t target_capacity_ = 0;
  std::size_t target_filled_ = 0;
  std::vector<char> pending_;
  std::size_t pending_begin_ = 0;
  std::uint64_t received_ = 0;
};

}  // namespace

std::unique_ptr<Input> open_http_input(const std::string& url, HttpRequestHooks hooks) {
  return std::make_unique<HttpInput>(url, std::move(hooks));
}

}  // namespace loom::io::internal
