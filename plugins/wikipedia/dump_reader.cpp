#include "dump_reader.hpp"

#include <libxml/xmlreader.h>

#include <loom/plugin.hpp>

#include <string_view>
#include <utility>

namespace loom::wikipedia {
namespace {

// libxml2's own limit for one text node without XML_PARSE_HUGE; a field made of many nodes (text
// and CDATA sections in turn) is held to it too. MediaWiki caps a page at 2 MB.
constexpr std::size_t kMaxFieldBytes = 10'000'000;

int read_callback(void* context, char* buffer, int length);
int close_callback(void*) { return 0; }
void error_callback(void* context, xmlErrorPtr error);

std::string_view local_name(xmlTextReaderPtr reader) {
  const xmlChar* name = xmlTextReaderConstLocalName(reader);
  return name == nullptr ? std::string_view() : reinterpret_cast<const char*>(name);
}

}  // namespace

struct DumpReader::State {
  ByteSource bytes;
  std::string failure;  // an exception from the byte source, rethrown after the parser stops
  std::string parse_error;
  int parse_error_line = 0;
  xmlTextReaderPtr reader = nullptr;
  const Page* reading = nullptr;  // the page being read, named in errors
  xmlDocPtr document = nullptr;   // taken from the reader after an error, freed by us
};

namespace {

int read_callback(void* context, char* buffer, int length) {
  auto* state = static_cast<DumpReader::State*>(context);
  try {
    return static_cast<int>(state->bytes(buffer, static_cast<std::size_t>(length)));
  } catch (const std::exception& e) {
    state->failure = e.what();
    return -1;
  }
}

void error_callback(void* context, xmlErrorPtr error) {
  auto* state = static_cast<DumpReader::State*>(context);
  // The first error is the cause; later ones follow from it. Warnings are not failures.
  if (error == nullptr || error->level < XML_ERR_ERROR || !state->parse_error.empty()) return;
  state->parse_error = error->message != nullptr ? error->message : "malformed XML";
  while (!state->parse_error.empty() && state->parse_error.back() == '\n')
    state->parse_error.pop_back();
  state->parse_error_line = error->line;
}

}  // namespace

DumpReader::DumpReader(std::string name, ByteSource bytes)
    : name_(std::move(name)), state_(std::make_unique<State>()) {
  state_->bytes = std::move(bytes);
  // No XML_PARSE_NOENT / DTDLOAD / HUGE: entities are never substituted, no external DTD is read,
  // and libxml2's size limits stay on (a text node over 10 MB is refused); NONET: no network.
  state_->reader = xmlReaderForIO(read_callback, close_callback, state_.get(), name_.c_str(),
                                  nullptr, XML_PARSE_NONET | XML_PARSE_COMPACT);
  if (state_->reader == nullptr) throw Error(name_ + ": cannot start the XML reader");
  xmlTextReaderSetStructuredErrorHandler(state_->reader, error_callback, state_.get());
}

DumpReader::~DumpReader() {
  if (state_->reader != nullptr) xmlFreeTextReader(state_->reader);
  if (state_->document != nullptr) xmlFreeDoc(state_->document);
}

void DumpReader::fail(const std::string& what) const {
  std::string where = name_;
  int line = state_->parse_error_line;
  if (line <= 0) line = xmlTextReaderGetParserLineNumber(state_->reader);
  if (line > 0) where += ":" + std::to_string(line);
  if (const Page* page = state_->reading) {
    where += ": page " + std::to_string(page->index + 1);
    if (page->title) where += " ('" + *page->title + "')";
  } else {
    where += page_parsed_ahead();
  }
  throw Error(where + ": " + what);
}

// The reader parses ahead of the node it returns, so an error found between two pages lies in a
// page not returned yet: the last <page> the parser has built under the root element.
std::string DumpReader::page_parsed_ahead() const {
  const xmlNode* current = xmlTextReaderCurrentNode(state_->reader);
  // After an error the reader may no longer have a current node; its document is still there
  // (taking it makes the destructor free it, see ~DumpReader).
  if (state_->document == nullptr) state_->document = xmlTextReaderCurrentDoc(state_->reader);
  if (state_->document == nullptr) return {};
  const xmlNode* root = xmlDocGetRootElement(state_->document);
  if (current == nullptr || current->doc != state_->document) current = root;
  if (root == nullptr) return {};
  const xmlNode* next = root->children;
  if (current != root) {
    while (current->parent != nullptr && current->parent != root) current = current->parent;
    if (current->parent != root) return {};
    next = current->next;
  }
  const xmlNode* last_page = nullptr;
  std::uint64_t ahead = 0;
  for (; next != nullptr; next = next->next) {
    if (next->type != XML_ELEMENT_NODE || !xmlStrEqual(next->name, BAD_CAST "page")) continue;
    last_page = next;
    ++ahead;
  }
  if (last_page == nullptr) return {};
  std::string out = ": page " + std::to_string(pages_ + ahead);
  for (const xmlNode* child = last_page->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE || !xmlStrEqual(child->name, BAD_CAST "title")) continue;
    xmlChar* title = xmlNodeGetContent(child);
    if (title != nullptr) {
      out += " ('" + std::string(reinterpret_cast<const char*>(title)) + "')";
      xmlFree(title);
    }
    break;
  }
  return out;
}

bool DumpReader::advance() {
  const int rc = xmlTextReaderRead(state_->reader);
  if (!state_->failure.empty()) fail(state_->failure);
  if (rc < 0 || !state_->parse_error.empty())
    fail("malformed XML: " +
         (state_->parse_error.empty() ? std::string("parse failed") : state_->parse_error));
  if (xmlTextReaderNodeType(state_->reader) == XML_READER_TYPE_DOCUMENT_TYPE)
    fail(
        "document type declaration refused (a MediaWiki dump has none; entity definitions and "
        "external DTDs are not read)");
  if (xmlTextReaderNodeType(state_->reader) == XML_READER_TYPE_ENTITY_REFERENCE)
    fail("entity reference refused (only the predefined XML entities are read)");
  return rc == 1;
}

std::optional<Page> DumpReader::next() {
  while (advance()) {
    if (xmlTextReaderNodeType(state_->reader) != XML_READER_TYPE_ELEMENT) continue;
    if (xmlTextReaderDepth(state_->reader) != 1 || local_name(state_->reader) != "page") continue;
    Page page;
    page.index = pages_++;
    page.line = static_cast<std::uint64_t>(xmlTextReaderGetParserLineNumber(state_->reader));
    struct Reading {  // names the page in errors while it is read
      State& state;
      ~Reading() { state.reading = nullptr; }
    } reading{*state_};
    state_->reading = &page;
    read_page(page);
    return page;
  }
  return std::nullopt;
}

// Collects what wikipedia.py reads with ElementTree: the text before the first child element of
// title, ns and id, whether a redirect element exists, and the first revision/text.
void DumpReader::read_page(Page& page) {
  xmlTextReaderPtr reader = state_->reader;
  if (xmlTextReaderIsEmptyElement(reader) == 1) return;
  const int page_depth = xmlTextReaderDepth(reader);
  std::string* target = nullptr;  // where character data currently goes
  std::string target_name;        // its element, for errors
  int target_depth = 0;           // depth of the character data that belongs to `target`
  std::string child;              // the page child element we are inside
  for (;;) {
    if (!advance()) fail("the dump ends inside a page");
    const int type = xmlTextReaderNodeType(reader);
    const int depth = xmlTextReaderDepth(reader) - page_depth;
    if (type == XML_READER_TYPE_END_ELEMENT) {
      if (depth == 0) return;
      if (depth == 1) child.clear();
      if (target != nullptr && depth == target_depth - 1) target = nullptr;
      continue;
    }
    if (type == XML_READER_TYPE_ELEMENT) {
      target = nullptr;  // ElementTree's .text ends at the first child element
      const bool empty = xmlTextReaderIsEmptyElement(reader) == 1;
      const std::string_view name = local_name(reader);
      std::optional<std::string>* field = nullptr;
      if (depth == 1) {
        child = empty ? std::string() : std::string(name);
        if (name == "title" && !page.title) field = &page.title;
        if (name == "ns" && !page.ns) field = &page.ns;
        if (name == "id" && !page.id) field = &page.id;
        if (name == "redirect") page.redirect = true;
      } else if (depth == 2 && child == "revision" && name == "text" && !page.text) {
        field = &page.text;
      }
      if (field != nullptr) {
        field->emplace();
        if (!empty) {
          target = &**field;
          target_depth = depth + 1;
          target_name = depth == 1 ? std::string(name) : "revision/text";
        }
      }
      continue;
    }
    if (target == nullptr || depth != target_depth) continue;
    if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
        type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
      const xmlChar* value = xmlTextReaderConstValue(reader);
      if (value == nullptr) continue;
      const std::string_view part(reinterpret_cast<const char*>(value));
      if (target->size() + part.size() > kMaxFieldBytes)
        fail("<" + target_name + "> over " + std::to_string(kMaxFieldBytes) +
             " bytes refused (MediaWiki pages are at most 2 MB)");
      target->append(part);
    }
  }
}

}  // namespace loom::wikipedia
