// The few things read from S3's XML answers (listings, upload ids, error codes), with libxml2.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loom::io::s3 {

// The text of every element named `name` (any depth, in document order); throws IoError naming
// `what` when the document is not XML.
std::vector<std::string> xml_texts(std::string_view document, std::string_view name,
                                   const std::string& what);
// The first such text, or empty.
std::string xml_text(std::string_view document, std::string_view name, const std::string& what);

// Escapes text for an XML element's content.
std::string xml_escape(std::string_view text);

}  // namespace loom::io::s3
