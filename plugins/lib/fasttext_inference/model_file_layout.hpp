// A fastText model file's sizes checked against its length before libfasttext reads it.
// libfasttext allocates what a file's headers declare before reading it (a dictionary of
// `size` entries, a matrix of m x n floats, codes, centroids), so a damaged or hostile file
// claiming two billion dictionary entries made it grow to gigabytes (9 GB in 17 s, measured)
// before failing, or ran the machine out of memory. This walks the file's layout as libfasttext
// 0.9's loaders read it and refuses, naming the part, any size the remaining bytes cannot hold,
// so libfasttext only ever allocates about what the file holds.
#pragma once

#include <cstdint>
#include <string>

namespace loom::fasttext_inference {

// Throws std::runtime_error "'<path>': damaged fastText model: <part> ..." when a declared size
// does not fit in the file (or the file cannot be read); returns when every part fits. The magic
// number and version are the caller's to check.
void check_model_file_layout(const std::string& path);

}  // namespace loom::fasttext_inference
