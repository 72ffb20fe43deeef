// A hand-written trigram ARPA model whose scores can be worked out on paper from the ARPA
// definition (longest n-gram found, plus the backoffs of the longer contexts).
#pragma once

#include <string>

namespace perplexity_test {

inline const std::string tiny_arpa =
    "\\data\\\n"
    "ngram 1=6\n"
    "ngram 2=4\n"
    "ngram 3=2\n"
    "\n"
    "\\1-grams:\n"
    "-1.0\t<unk>\t0\n"
    "-99\t<s>\t-0.5\n"
    "-0.7\t</s>\n"
    "-0.6\ta\t-0.3\n"
    "-0.8\tb\t-0.2\n"
    "-1.2\tc\t-0.1\n"
    "\n"
    "\\2-grams:\n"
    "-0.3\t<s> a\t-0.25\n"
    "-0.4\ta b\t-0.15\n"
    "-0.5\tb c\n"
    "-0.2\tc </s>\n"
    "\n"
    "\\3-grams:\n"
    "-0.1\t<s> a b\n"
    "-0.05\ta b c\n"
    "\n"
    "\\end\\\n";

}  // namespace perplexity_test
