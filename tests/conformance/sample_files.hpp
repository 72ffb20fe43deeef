// Small binary inputs built in code, for sources whose format is not text (a monthly arXiv tar of
// gzipped papers): the sanitized conformance run then goes through their real parsing paths.
#pragma once

#include <zlib.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

namespace loom::conformance {

// `bytes` as a gzip stream (zlib with the gzip wrapper).
inline std::string gzip(std::string_view bytes) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out(deflateBound(&z, bytes.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
  return out;
}

// A ustar archive holding one regular file `name` (at most 99 bytes) with `data`.
inline std::string tar_of_one_file(std::string_view name, std::string_view data) {
  std::string header(512, '\0');
  const auto put = [&](std::size_t at, std::string_view field) {
    header.replace(at, field.size(), field);
  };
  char number[16];
  put(0, name);
  put(100, "0000644");
  put(108, "0000000");
  put(116, "0000000");
  std::snprintf(number, sizeof number, "%011zo", data.size());
  put(124, number);
  put(136, "14530000000");  // a fixed mtime (November 2023)
  put(148, "        ");     // the checksum counts its own field as spaces
  put(156, "0");
  put(257, std::string_view("ustar\0"
                            "00",
                            8));
  unsigned checksum = 0;
  for (char c : header) checksum += static_cast<unsigned char>(c);
  std::snprintf(number, sizeof number, "%06o", checksum);
  put(148, std::string_view(number, 7));  // six digits and a NUL, then the space already there
  std::string archive = header;
  archive += data;
  archive.append((512 - data.size() % 512) % 512, '\0');
  archive.append(1024, '\0');  // end-of-archive marker
  return archive;
}

// A monthly arXiv source tar with one paper, `<yymm>/<id>.gz` as the reference expects.
inline std::string arxiv_month_sample() {
  return tar_of_one_file("2301/2301.00001.gz",
                         gzip("\\documentclass{article}\n\\begin{document}\n"
                              "\\section{Introduction}\nA short paper about $x^2$.\n"
                              "% a comment\n\\end{document}\n"));
}

}  // namespace loom::conformance
