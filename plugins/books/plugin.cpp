// libloom_books.so: the RedPajama books slice (Gutenberg text files, SimHash near-dup removal).
#include "simhash_dedup.hpp"
#include "text_files_source.hpp"

LOOM_PLUGIN("books", "0.1.0", "Apache-2.0", loom::books::TextFilesSource,
            loom::simhash::SimhashDedup)
