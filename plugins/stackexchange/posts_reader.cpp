#include "posts_reader.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <libxml/xmlreader.h>

#include <loom/plugin.hpp>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace loom::stackexchange {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string base_name(std::string_view path) {
  const auto slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// The Posts.xml member of a .7z (7z needs seeking, so this reads local files only).
class ArchiveMember {
 public:
  explicit ArchiveMember(const std::string& path) : path_(path), archive_(archive_read_new()) {
    archive_read_support_format_7zip(archive_.get());
    archive_read_support_filter_all(archive_.get());
    if (archive_read_open_filename(archive_.get(), path.c_str(), 1 << 16) != ARCHIVE_OK)
      fail("open");
    archive_entry* entry = nullptr;
    for (;;) {
      const int rc = archive_read_next_header(archive_.get(), &entry);
      if (rc == ARCHIVE_EOF) throw Error(path_ + ": no Posts.xml member in the archive");
      if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) fail("list");
      const char* name = archive_entry_pathname(entry);
      if (name != nullptr && base_name(name) == "Posts.xml") return;
    }
  }

  std::size_t read(char* buffer, std::size_t capacity) {
    const la_ssize_t n = archive_read_data(archive_.get(), buffer, capacity);
    if (n < 0) fail("read Posts.xml from");
    return static_cast<std::size_t>(n);
  }

 private:
  [[noreturn]] void fail(const char* what) {
    const char* message = archive_error_string(archive_.get());
    throw Error(path_ + ": cannot " + what +
                " the 7z archive: " + (message != nullptr ? message : "unknown error"));
  }
  struct ArchiveFree {
    void operator()(archive* a) const { archive_read_free(a); }
  };
  std::string path_;
  // A unique_ptr, not a destructor: the constructor throws on a bad archive and must not leak it.
  std::unique_ptr<archive, ArchiveFree> archive_;
};

}  // namespace

struct PostRowReader::State {
  std::string name;
  ByteSource bytes;
  std::string failure;  // an exception from the byte source, rethrown after the parser stops
  std::string parse_error;
  int parse_error_line = 0;
  xmlTextReaderPtr reader = nullptr;
  bool done = false;
  bool prolog_checked = false;
};

namespace {

using ReaderState = PostRowReader::State;

int read_callback(void* context, char* buffer, int length) {
  auto* state = static_cast<ReaderState*>(context);
  try {
    return static_cast<int>(state->bytes(buffer, static_cast<std::size_t>(length)));
  } catch (const std::exception& e) {
    state->failure = e.what();
    return -1;
  }
}

int close_callback(void*) { return 0; }

void error_callback(void* context, xmlErrorPtr error) {
  auto* state = static_cast<ReaderState*>(context);
  // The first error is the cause; later ones follow from it. Warnings are not failures.
  if (error == nullptr || error->level < XML_ERR_ERROR || !state->parse_error.empty()) return;
  state->parse_error = error->message != nullptr ? error->message : "malformed XML";
  while (!state->parse_error.empty() && state->parse_error.back() == '\n')
    state->parse_error.pop_back();
  state->parse_error_line = error->line;
}

std::optional<std::string> attribute(xmlTextReaderPtr reader, const char* name) {
  xmlChar* value = xmlTextReaderGetAttribute(reader, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

// The line of the reader's node (or of its element): the same however the bytes arrive, unlike the
// parser's line, which is as far as it has read ahead.
long node_line(xmlTextReaderPtr reader) {
  for (xmlNodePtr node = xmlTextReaderCurrentNode(reader); node != nullptr; node = node->parent) {
    if (node->type == XML_DOCUMENT_NODE) break;
    if (const long line = xmlGetLineNo(node); line > 0) return line;
  }
  return xmlTextReaderGetParserLineNumber(reader);
}

[[noreturn]] void fail_at(const ReaderState& state, const std::string& what) {
  const long line = node_line(state.reader);
  throw Error(state.name + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + what);
}

// A dump's DOCTYPE, if any, names an external DTD that is never read. Declarations inside the
// file are refused before any attribute is read: an entity declared there and used many times
// expands a small file into gigabytes when libxml2 builds the attribute's value.
void refuse_internal_subset(const ReaderState& state) {
  const xmlNode* node = xmlTextReaderCurrentNode(state.reader);
  const xmlDtd* subset = node != nullptr && node->doc != nullptr ? node->doc->intSubset : nullptr;
  if (subset == nullptr) return;
  if (subset->entities != nullptr || subset->pentities != nullptr)
    fail_at(state,
            "entity declarations refused (a Stack Exchange dump declares none; entities defined "
            "in the file could expand it without bound)");
  if (subset->children != nullptr)
    fail_at(state,
            "document type declaration with an internal subset refused (a Stack Exchange dump "
            "has at most <!DOCTYPE posts SYSTEM 'posts.dtd'>)");
}

}  // namespace

ByteSource open_posts_bytes(const std::string& path) {
  if (ends_with(path, ".7z")) {
    auto member = std::make_shared<ArchiveMember>(path);
    return [member](char* buffer, std::size_t capacity) { return member->read(buffer, capacity); };
  }
  auto input = std::make_shared<Input>(Input::open(path));
  return [input](char* buffer, std::size_t capacity) { return input->read(buffer, capacity); };
}

PostRowReader::PostRowReader(std::string name, ByteSource bytes)
    : state_(std::make_unique<State>()) {
  state_->name = std::move(name);
  state_->bytes = std::move(bytes);
  // No XML_PARSE_NOENT / DTDLOAD / HUGE: entities stay unexpanded, external DTDs are not read and
  // libxml2's size and amplification limits stay on. BIG_LINES: lines past 65535 are kept.
  state_->reader =
      xmlReaderForIO(read_callback, close_callback, state_.get(), state_->name.c_str(), nullptr,
                     XML_PARSE_NONET | XML_PARSE_COMPACT | XML_PARSE_BIG_LINES);
  if (state_->reader == nullptr) throw Error(state_->name + ": cannot start the XML reader");
  xmlTextReaderSetStructuredErrorHandler(state_->reader, error_callback, state_.get());
}

PostRowReader::~PostRowReader() {
  if (state_->reader != nullptr) xmlFreeTextReader(state_->reader);
}

bool PostRowReader::next(PostRow& row) {
  State& state = *state_;
  if (state.done) return false;
  xmlTextReaderPtr reader = state.reader;
  int rc = 0;
  while ((rc = xmlTextReaderRead(reader)) == 1) {
    const int type = xmlTextReaderNodeType(reader);
    if (!state.prolog_checked && type == XML_READER_TYPE_ELEMENT) {
      // The internal subset is complete once the root element starts, whose line is reported.
      state.prolog_checked = true;
      refuse_internal_subset(state);
    }
    if (type == XML_READER_TYPE_ENTITY_REFERENCE)
      fail_at(state, "entity reference refused (only the predefined XML entities are read)");
    if (type != XML_READER_TYPE_ELEMENT) continue;
    if (xmlTextReaderDepth(reader) != 1) continue;
    const xmlChar* element = xmlTextReaderConstLocalName(reader);
    if (element == nullptr || std::string_view(reinterpret_cast<const char*>(element)) != "row")
      continue;
    row.line = static_cast<std::uint64_t>(std::max(node_line(reader), 0L));
    row.id = attribute(reader, "Id");
    row.parent_id = attribute(reader, "ParentId");
    row.title = attribute(reader, "Title");
    row.body = attribute(reader, "Body");
    row.score = attribute(reader, "Score");
    return true;
  }
  state.done = true;
  if (!state.failure.empty()) throw Error(state.failure);
  if (rc < 0 || !state.parse_error.empty()) {
    std::string where = state.name;
    if (state.parse_error_line > 0) where += ":" + std::to_string(state.parse_error_line);
    throw Error(where + ": malformed XML: " +
                (state.parse_error.empty() ? "parse failed" : state.parse_error));
  }
  return false;
}

}  // namespace loom::stackexchange
