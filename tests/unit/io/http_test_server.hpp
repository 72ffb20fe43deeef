// A tiny HTTP/1.1 server on 127.0.0.1 that misbehaves on request: errors, cut connections,
// stalls, ignored Range headers. One thread per connection; one request per connection.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace loom::io::testing {

struct HttpRequest {
  std::string path;
  std::string range;     // the Range header's value, empty when absent
  std::string if_range;  // the If-Range header's value, empty when absent
};

struct HttpReply {
  int status = 200;
  std::string body;
  bool honour_range = true;  // answer a Range request with 206 and the tail
  // Answer a Range request with 200 and only the tail (a broken proxy or cache).
  bool tail_as_whole = false;
  std::string etag;                           // sent as ETag when not empty
  std::string last_modified;                  // sent as Last-Modified when not empty
  bool chunked = false;                       // no Content-Length: the body is sent chunked
  std::size_t cut_after = std::string::npos;  // close the connection after this many body bytes
  double stall_seconds = 0;  // after cut_after bytes, go silent this long before closing
};

class HttpTestServer {
 public:
  using Handler = std::function<HttpReply(const HttpRequest& request, std::size_t index)>;

  explicit HttpTestServer(Handler handler) : handler_(std::move(handler)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener_ < 0) throw std::runtime_error("test server: socket failed");
    const int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 16) != 0) {
      ::close(listener_);
      throw std::runtime_error("test server: bind/listen on 127.0.0.1 failed");
    }
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~HttpTestServer() {
    stopping_ = true;
    acceptor_.join();
    for (auto& worker : workers_) worker.join();
    ::close(listener_);
  }
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      pollfd poller{listener_, POLLIN, 0};
      if (::poll(&poller, 1, 20) <= 0) continue;
      const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) continue;
      workers_.emplace_back([this, connection] { serve(connection); });
    }
  }

  void serve(int connection) {
    std::string head;
    char buffer[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      const ssize_t count = ::recv(connection, buffer, sizeof buffer, 0);
      if (count <= 0) {
        ::close(connection);
        return;
      }
      head.append(buffer, static_cast<std::size_t>(count));
    }
    HttpRequest request;
    const auto path_start = head.find(' ') + 1;
    request.path = head.substr(path_start, head.find(' ', path_start) - path_start);
    for (std::size_t line = head.find("\r\n"); line != std::string::npos;) {
      const std::size_t next = head.find("\r\n", line + 2);
      if (next == std::string::npos) break;
      const std::string header = head.substr(line + 2, next - line - 2);
      if (strncasecmp(header.c_str(), "range:", 6) == 0) {
        request.range = header.substr(header.find_first_not_of(' ', 6));
      } else if (strncasecmp(header.c_str(), "if-range:", 9) == 0) {
        request.if_range = header.substr(header.find_first_not_of(' ', 9));
      }
      line = next;
    }
    std::size_t index;
    {
      std::lock_guard lock(mutex_);
      index = requests_.size();
      requests_.push_back(request);
    }
    respond(connection, request, handler_(request, index));
    ::close(connection);
  }

  void respond(int connection, const HttpRequest& request, const HttpReply& reply) {
    std::string body = reply.body;
    std::string status_line =
        std::to_string(reply.status) + (reply.status < 400 ? " OK" : " Error");
    std::string extra;
    const bool ranged = request.range.rfind("bytes=", 0) == 0;
    if (reply.status == 200 && ranged && (reply.honour_range || reply.tail_as_whole)) {
      const std::size_t start = std::stoull(request.range.substr(6));
      if (!reply.tail_as_whole) {
        status_line = "206 Partial Content";
        extra = "Content-Range: bytes " + std::to_string(start) + "-" +
                std::to_string(body.size() - 1) + "/" + std::to_string(body.size()) + "\r\n";
      }
      body = body.substr(std::min(start, body.size()));
    }
    if (!reply.etag.empty()) extra += "ETag: " + reply.etag + "\r\n";
    if (!reply.last_modified.empty()) extra += "Last-Modified: " + reply.last_modified + "\r\n";
    extra += reply.chunked ? std::string("Transfer-Encoding: chunked\r\n")
                           : "Content-Length: " + std::to_string(body.size()) + "\r\n";
    const std::string head =
        "HTTP/1.1 " + status_line + "\r\n" + extra + "Connection: close\r\n\r\n";
    if (!send_all(connection, head)) return;
    const std::size_t sent = std::min(body.size(), reply.cut_after);
    const std::string_view part = std::string_view(body).substr(0, sent);
    if (reply.chunked) {
      char size_line[32];
      std::snprintf(size_line, sizeof size_line, "%zx\r\n", part.size());
      if (!send_all(connection, size_line) || !send_all(connection, part)) return;
      if (sent == body.size() && !send_all(connection, "\r\n0\r\n\r\n")) return;
    } else if (!send_all(connection, part)) {
      return;
    }
    const auto stall_end =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(reply.stall_seconds);
    while (!stopping_ && std::chrono::steady_clock::now() < stall_end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  static bool send_all(int connection, std::string_view data) {
    while (!data.empty()) {
      const ssize_t count = ::send(connection, data.data(), data.size(), MSG_NOSIGNAL);
      if (count <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(count));
    }
    return true;
  }

  Handler handler_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::vector<std::thread> workers_;  // touched by the acceptor thread only, until joined
  mutable std::mutex mutex_;
  std::vector<HttpRequest> requests_;
};

}  // namespace loom::io::testing
