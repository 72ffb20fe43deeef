#include "text_files_source.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "text_file.hpp"

namespace loom::books {
namespace {

// The folder of a pattern before its first wildcard, with a trailing '/', or "" for none.
std::string fixed_folder(std::string_view pattern) {
  const std::size_t wildcard = pattern.find_first_of("*?[");
  const std::string_view fixed = pattern.substr(0, wildcard);
  const std::size_t slash =
      wildcard == std::string_view::npos ? pattern.rfind('/') : fixed.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(pattern.substr(0, slash + 1));
}

class TextFileReader final : public ShardReader {
 public:
  TextFileReader(const TextFilesSourceOptions& options, std::string shard, std::string relative,
                 std::shared_ptr<SparePieces> spare_pieces)
      : options_(options),
        shard_(std::move(shard)),
        relative_(std::move(relative)),
        spare_pieces_(std::move(spare_pieces)) {}

  bool read(Batch& batch, std::size_t) override {
    std::string_view bytes;
    if (std::optional<std::string> problem = read_whole(batch, bytes)) {
      report(batch, *problem, "unreadable_file");
      return true;
    }
    if (bytes.empty()) {
      log(LOOM_LOG_WARN, shard_ + ": empty file (skipped)");
      batch.count_skipped("empty_file");
      return true;
    }
    if (std::optional<std::string> binary = binary_reason(bytes)) {
      report(batch, *binary, "binary_file");
      return true;
    }
    std::string_view text;
    const std::optional<std::size_t> invalid =
        options_.encoding == "latin-1" ? std::optional<std::size_t>(0) : first_invalid_utf8(bytes);
    if (!invalid) {
      text = bytes;
    } else if (options_.encoding == "utf-8") {
      report(batch,
             "invalid UTF-8 at byte " + std::to_string(*invalid) +
                 " (set encoding: auto or latin-1 to read it as Latin-1)",
             "invalid_utf8");
      return true;
    } else {
      char* decoded = batch.alloc(bytes.size() * 2);
      text = std::string_view(decoded, latin1_to_utf8(bytes, decoded));
    }
    if (options_.strip_gutenberg) text = strip_gutenberg(text);
    Doc doc = batch.append();
    doc.set_text(text);
    doc.set_origin(0, 0);
    if (!options_.file_field.empty()) doc.set_meta(options_.file_field, relative_);
    return true;
  }

 private:
  // Reads the file into the batch: in pieces first (its size is unknown for a URL or a
  // compressed file), then once into the batch, so a book is held at most twice and never through
  // a chain of doublings.
  std::optional<std::string> read_whole(Batch& batch, std::string_view& bytes) {
    constexpr std::size_t kPieceBytes = SparePieces::piece_bytes;
    const auto limit = static_cast<std::size_t>(options_.max_file_bytes);
    Input input = Input::open(shard_);
    std::vector<std::unique_ptr<char[]>> pieces;
    std::size_t size = 0;
    std::size_t last_piece_used = kPieceBytes;
    while (size <= limit) {
      if (last_piece_used == kPieceBytes) {
        pieces.push_back(spare_pieces_->take());
        last_piece_used = 0;
      }
      const std::size_t n =
          input.read(pieces.back().get() + last_piece_used, kPieceBytes - last_piece_used);
      if (n == 0) break;
      last_piece_used += n;
      size += n;
    }
    if (size > limit) {
      spare_pieces_->give_back(pieces);
      return "file larger than max_file_bytes (" + std::to_string(limit) + " bytes)";
    }
    char* out = batch.alloc(size);
    for (std::size_t i = 0, at = 0; i < pieces.size(); ++i, at += kPieceBytes)
      std::memcpy(out + at, pieces[i].get(), std::min(kPieceBytes, size - at));
    spare_pieces_->give_back(pieces);
    bytes = std::string_view(out, size);
    return std::nullopt;
  }

  void report(Batch& batch, const std::string& what, std::string_view reason) {
    const std::string message = shard_ + ": " + what;
    if (options_.on_error != "skip") throw Error(message);
    log(LOOM_LOG_WARN, message + " (skipped)");
    batch.count_skipped(reason);
  }

  const TextFilesSourceOptions& options_;
  std::string shard_;
  std::string relative_;
  std::shared_ptr<SparePieces> spare_pieces_;
};

}  // namespace

std::unique_ptr<char[]> SparePieces::take() {
  {
    const std::lock_guard lock(mutex_);
    if (!spare_.empty()) {
      std::unique_ptr<char[]> piece = std::move(spare_.back());
      spare_.pop_back();
      return piece;
    }
  }
  return std::make_unique_for_overwrite<char[]>(piece_bytes);
}

void SparePieces::give_back(std::vector<std::unique_ptr<char[]>>& pieces) {
  {
    const std::lock_guard lock(mutex_);
    while (!pieces.empty() && spare_.size() < max_spare) {
      spare_.push_back(std::move(pieces.back()));
      pieces.pop_back();
    }
  }
  pieces.clear();
}

std::vector<std::string> TextFilesSource::shards() {
  std::vector<std::string> out;
  for (const std::string& pattern : options_.paths) {
    const std::string folder = fixed_folder(pattern);
    for (std::string& path : expand_paths(pattern)) {
      std::string relative =
          !folder.empty() && path.starts_with(folder) ? path.substr(folder.size()) : path;
      relative_names_.emplace(path, std::move(relative));
      out.push_back(std::move(path));
    }
  }
  return out;
}

std::unique_ptr<ShardReader> TextFilesSource::open(std::string_view shard, std::uint64_t) {
  auto it = relative_names_.find(shard);
  std::string relative = it != relative_names_.end() ? it->second : std::string(shard);
  return std::make_unique<TextFileReader>(options_, std::string(shard), std::move(relative),
                                          spare_pieces_);
}

}  // namespace loom::books
