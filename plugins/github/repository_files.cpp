// One repository folder as BigQuery-shaped rows: every regular file below it (sorted, `.git`
// and other hidden folders skipped), with the license detected from its LICENSE/COPYING file.
#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "github_source.hpp"
#include "python_text.hpp"

namespace loom::github {
namespace {

namespace fs = std::filesystem;

std::string read_all(const std::string& path) {
  Input in = Input::open(path, LOOM_CODEC_NONE);
  std::string bytes;
  char buffer[1 << 16];
  for (std::size_t n; (n = in.read(buffer, sizeof buffer)) > 0;) bytes.append(buffer, n);
  return bytes;
}

// Git's blob id: sha1 of "blob <size>\0" followed by the bytes (BigQuery's `id` column).
std::string git_blob_sha1(std::string_view bytes) {
  const std::string header = "blob " + std::to_string(bytes.size()) + std::string(1, '\0');
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const bool ok = context != nullptr && EVP_DigestInit_ex(context, EVP_sha1(), nullptr) == 1 &&
                  EVP_DigestUpdate(context, header.data(), header.size()) == 1 &&
                  EVP_DigestUpdate(context, bytes.data(), bytes.size()) == 1 &&
                  EVP_DigestFinal_ex(context, digest, &length) == 1;
  EVP_MD_CTX_free(context);
  if (!ok) throw Error("github_source: OpenSSL sha1 failed", LOOM_ERR_INTERNAL);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int k = 0; k < length; ++k) {
    out += hex[digest[k] >> 4];
    out += hex[digest[k] & 0x0F];
  }
  return out;
}

bool is_license_file(const std::string& name) {
  std::string upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return upper.starts_with("LICENSE") || upper.starts_with("LICENCE") ||
         upper.starts_with("COPYING");
}

class RepositoryFiles final : public ShardReader {
 public:
  RepositoryFiles(std::string folder, std::int64_t max_file_bytes)
      : folder_(std::move(folder)), max_file_bytes_(static_cast<std::uintmax_t>(max_file_bytes)) {
    std::string name = fs::path(folder_).filename().string();
    const std::size_t separator = name.find("__");
    repo_name_ = separator == std::string::npos
                     ? name
                     : name.substr(0, separator) + "/" + name.substr(separator + 2);
    std::error_code error;
    for (auto it = fs::recursive_directory_iterator(folder_, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      const std::string entry = it->path().filename().string();
      if (it->is_directory() && !entry.empty() && entry.front() == '.') {
        it.disable_recursion_pending();
        continue;
      }
      if (const std::string kind = special_entry_kind(*it); !kind.empty())
        not_files_.emplace_back(it->path().lexically_relative(folder_).generic_string(), kind);
      else if (!it->is_directory())
        files_.push_back(fs::relative(it->path(), folder_).generic_string());
    }
    if (error)
      throw Error("github_source: cannot list '" + folder_ + "': " + error.message(), LOOM_ERR_IO);
    std::sort(files_.begin(), files_.end());
    for (const std::string& path : files_) {
      if (path.find('/') != std::string::npos || !is_license_file(path)) continue;
      license_ = detect_license(read_all(folder_ + "/" + path));
      if (!license_.empty()) break;
    }
  }

  bool read(Batch& batch, std::size_t target_bytes) override {
    // Symlinks (not followed: a repository's links point into itself or nowhere), FIFOs and
    // devices are not content; each is counted rather than passed over.
    for (const auto& [path, kind] : not_files_)
      skip(batch, "not_regular_file", folder_ + "/" + path + ": " + kind + ", not a regular file");
    not_files_.clear();
    std::size_t text_bytes = 0;
    while (next_ < files_.size() && text_bytes < target_bytes) {
      const std::size_t index = next_++;
      const std::string& path = files_[index];
      const std::string full = folder_ + "/" + path;
      std::error_code error;
      const std::uintmax_t size = fs::file_size(full, error);
      if (!error && size > max_file_bytes_) {
        skip(batch, "too_large",
             full + ": " + std::to_string(size) + " bytes, over max_file_bytes");
        continue;
      }
      std::string bytes = read_all(full);
      if (bytes.find('\0') != std::string::npos) {
        skip(batch, "binary_file", full + ": binary (contains a NUL byte)");
        continue;
      }
      try {
        python_text_stats(bytes);  // validates UTF-8 as Python's strict decoder would
      } catch (const std::invalid_argument& e) {
        skip(batch, "invalid_utf8", full + ": not UTF-8 (" + e.what() + ")");
        continue;
      }
      struct stat info {};
      const bool executable = ::stat(full.c_str(), &info) == 0 && (info.st_mode & S_IXUSR) != 0;
      Doc doc = batch.append();
      doc.set_text(bytes);
      doc.set_meta("id", std::string_view(git_blob_sha1(bytes)));
      doc.set_meta("size", std::string_view(std::to_string(bytes.size())));
      doc.set_meta("binary", false);
      doc.set_meta("copies", "1");
      doc.set_meta("repo_name", std::string_view(repo_name_));
      doc.set_meta("ref", Value::null());
      doc.set_meta("path", std::string_view(path));
      doc.set_meta("mode", executable ? "33261" : "33188");
      doc.set_meta("symlink_target", Value::null());
      doc.set_meta("license", license_.empty() ? Value::null() : Value::string(license_));
      doc.set_meta("language", Value::null());
      doc.set_origin(index, 0);
      text_bytes += bytes.size();
    }
    return next_ >= files_.size();
  }

 private:
  static void skip(Batch& batch, std::string_view reason, const std::string& message) {
    batch.count_skipped(reason);
    log(LOOM_LOG_WARN, "github_source: skipped " + message);
  }

  std::string folder_;
  std::uintmax_t max_file_bytes_;
  std::string repo_name_;
  std::string license_;
  std::vector<std::string> files_;
  std::vector<std::pair<std::string, std::string>> not_files_;  // path, what it is
  std::size_t next_ = 0;
};

}  // namespace

std::unique_ptr<ShardReader> open_repository(std::string folder, std::int64_t max_file_bytes) {
  return std::make_unique<RepositoryFiles>(std::move(folder), max_file_bytes);
}

}  // namespace loom::github
