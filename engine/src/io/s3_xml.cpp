#include "io/s3_xml.hpp"

#include "io/io.hpp"
#include "io/remote_libraries.hpp"

#include <memory>

namespace loom::io::s3 {

namespace {

void collect(const internal::XmlLibrary& xml, xmlNode* node, std::string_view name,
             std::vector<std::string>& out) {
  for (; node != nullptr; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    if (name == reinterpret_cast<const char*>(node->name)) {
      xmlChar* content = xml.node_content(node);
      out.emplace_back(content != nullptr ? reinterpret_cast<const char*>(content) : "");
      (*xml.free)(content);
    }
    collect(xml, node->children, name, out);
  }
}

}  // namespace

std::vector<std::string> xml_texts(std::string_view document, std::string_view name,
                                   const std::string& what) {
  const internal::XmlLibrary& xml = internal::xml_library(what);
  std::unique_ptr<xmlDoc, decltype(xml.free_doc)> doc(
      xml.read_memory(document.data(), static_cast<int>(document.size()), nullptr, nullptr,
                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      xml.free_doc);
  if (!doc)
    throw IoError(what + ": the answer is not XML: '" + std::string(document.substr(0, 200)) + "'");
  std::vector<std::string> out;
  collect(xml, xml.root_element(doc.get()), name, out);
  return out;
}

std::string xml_text(std::string_view document, std::string_view name, const std::string& what) {
  auto texts = xml_texts(document, name, what);
  return texts.empty() ? std::string() : std::move(texts.front());
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace loom::io::s3
