// arxiv_latex against small LaTeX projects. Each expected text is worked out by hand from the
// reference's regexes (arxiv_cleaner.py, spec section 5), not from this code's output.
#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>
#include <string>
#include <vector>

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::MetaValue;
using loom::testing::OptionMap;

namespace {

const loom_component& arxiv_latex() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_arxiv.so");
  return plugin.component("arxiv_latex");
}

const OptionMap kReference = {{"paragraph_needs_subparagraph", "true"},
                              {"inline_comment_eats_preceding_char", "true"},
                              {"unescapable_macro_drops_paper", "true"}};

// The project's files go in as arxiv_source hands them over: concatenated, sizes in meta.
Document clean(const std::vector<std::string>& files, const OptionMap& options = kReference) {
  Document d;
  std::string sizes = "[";
  for (std::size_t i = 0; i < files.size(); ++i) {
    d.text += files[i];
    sizes += (i ? "," : "") + std::to_string(files[i].size());
  }
  d.meta = {{"arxiv_id", "1234.5678"}, {"tex_file_sizes", MetaValue::json(sizes + "]")}};
  Instance cleaner(arxiv_latex(), options);
  std::vector<Document> out = cleaner.process({d});
  REQUIRE(out.size() == 1);
  CHECK(out[0].find("tex_file_sizes") == nullptr);
  return out[0];
}

std::string kept(const std::vector<std::string>& files, const OptionMap& options = kReference) {
  Document d = clean(files, options);
  CHECK_MESSAGE(!d.dropped, "dropped: " << d.drop_reason);
  return d.text;
}

}  // namespace

TEST_CASE("the preamble goes up to the first sectioning command, which is kept") {
  CHECK(kept({"\\documentclass{article}\n\\begin{document}\nIntro\n\\section{One}\nBody\n"}) ==
        "\\section{One}\nBody\n");
  CHECK(kept({"x \\section*[short]{Long} y"}) == "\\section*[short]{Long} y");
  CHECK(kept({"a\\chapter{C}b"}) == "\\chapter{C}b");
  CHECK(kept({"a\\part*{P}"}) == "\\part*{P}");
  // \b after the command name: \sections is no header, the later \subsection is.
  CHECK(kept({"\\sections{a}\n\\subsection{b}\nz"}) == "\\subsection{b}\nz");
  // The argument's `}` may be anywhere later (DOTALL `.*?`), even on another line.
  CHECK(kept({"pre\\subsubsection{multi\nline} rest"}) == "\\subsubsection{multi\nline} rest");
  // A command with no `{` right after it (or its [..]) is not a header.
  CHECK(kept({"\\section text\n\\section{Real}"}) == "\\section{Real}");
  // Headers are searched before comments are removed: a commented-out one counts.
  CHECK(kept({"% \\section{Old}\n\\section{New}"}) == "\\section{Old}\n\\section{New}");
}

TEST_CASE("a file without a header contributes an empty string, still joined with newlines") {
  Document none = clean({"no header at all\n"});
  CHECK(none.dropped);
  CHECK(none.drop_reason == "empty_text");
  CHECK(kept({"one", "two"}) == "\n");
  CHECK(kept({"\\newcommand{\\X}{ex}\n", "\\section{S}\n\\X.\n"}) == "\n\\section{S}\nex.\n");
}

TEST_CASE("\\paragraph alone is a header only without the reference's missing `|`") {
  const std::string lone = "pre\n\\paragraph{P} text";
  CHECK(clean({lone}).dropped);
  CHECK(kept({lone}, {}) == "\\paragraph{P} text");
  CHECK(kept({"pre \\paragraph{P}\\subparagraph{S} t"}) == "\\paragraph{P}\\subparagraph{S} t");
  // The first argument's lazy `.*?` may run on to a later `}\subparagraph{`.
  CHECK(kept({"pre \\paragraph{P} x}\\subparagraph*[o]{S} t"}) ==
        "\\paragraph{P} x}\\subparagraph*[o]{S} t");
}

TEST_CASE("whole-line comments go with their newline, only `%` in column 0 starts one") {
  CHECK(kept({"\\section{A}\n% full line\nkeep\n%another\n%last"}) == "\\section{A}\nkeep\n");
  CHECK(kept({"\\section{A}\n %indented\n"}) == "\\section{A}\n\n");  // inline rule: " %indented"
}

TEST_CASE("inline comments eat the character before `%` (reference) or not") {
  const std::string file = "\\section{A}\nvalue 50\\% done % note\nend%\nab%%c\nx";
  CHECK(kept({file}) == "\\section{A}\nvalue 50\\% done\nend%\na\nx");
  CHECK(kept({file}, {}) == "\\section{A}\nvalue 50\\% done \nend\nab\nx");
  // The eaten character is a whole code point.
  CHECK(kept({"\\section{A}\ncaf\xC3\xA9% c\n"}) == "\\section{A}\ncaf\n");
  // `\%%x`: the escaped `%` may itself be the character before the comment.
  CHECK(kept({"\\section{A}\n\\%%x"}) == "\\section{A}\n\\");
}

TEST_CASE("bibliography and appendix: everything from the first marker on is cut") {
  CHECK(kept({"\\section{A}\ntext\n\\bibliography{refs}\nafter"}) == "\\section{A}\ntext\n");
  CHECK(kept({"\\section{A}\nx\\appendix y\n\\section{B}"}) == "\\section{A}\nx");
  CHECK(kept({"\\section{A}\nx\\begin{thebibliography}{9} y"}) == "\\section{A}\nx");
  CHECK(kept({"\\section{A}\nx\\begin{REFERENCES}"}) == "\\section{A}\nx");
  // \bibliography{ needs a `}` somewhere after it.
  CHECK(kept({"\\section{A}\n\\bibliography{refs"}) == "\\section{A}\n\\bibliography{refs");
}

TEST_CASE("argument-free \\newcommand and \\def macros are expanded across the project") {
  CHECK(kept({"\\newcommand{\\R}{\\mathbb{R}}\n\\def\\eps{\\varepsilon}\n\\section{A}\n"
              "$x\\in\\R$, \\eps.\n"}) == "\\section{A}\n$x\\in\\mathbb{R}$, \\varepsilon.\n");
  // Only when a non-alphanumeric character follows, and that character is consumed by the match.
  CHECK(kept({"\\newcommand{\\R}{r}\n\\section{A}\\Rx \\R\\R \\R"}) == "\\section{A}\\Rx r\\R \\R");
  // Later definitions win but keep the first one's place; macros apply one after the other.
  CHECK(kept({"\\newcommand{\\a}{\\b}\n\\newcommand{\\b}{B}\n\\newcommand{\\a}{\\b!}\n"
              "\\section{A} \\a "}) == "\\section{A} B! ");
  CHECK(kept({"\\newcommand{\\b}{B}\n\\newcommand{\\a}{\\b}\n\\section{A} \\a "}) ==
        "\\section{A} \\b ");
  // A later macro also matches where an earlier expansion joined text into its name: `\\X` is
  // `\` + `\X`, and `\ab\X` runs on into the value; neither name is in the text before that.
  CHECK(kept({"\\newcommand{\\X}{ab}\n\\newcommand{\\ab}{Z}\n\\section{A} \\\\X "}) ==
        "\\section{A} Z ");
  CHECK(kept({"\\newcommand{\\X}{cd}\n\\newcommand{\\abcd}{W}\n\\section{A} \\ab\\X."}) ==
        "\\section{A} W.");
  // Defined the other way round, the second name is expanded before it exists: it stays.
  CHECK(kept({"\\newcommand{\\ab}{Z}\n\\newcommand{\\X}{ab}\n\\section{A} \\\\X "}) ==
        "\\section{A} \\ab ");
  // \def: whitespace (newlines too) around the name; \newcommand*: starred form.
  CHECK(kept({"\\def \\K\n{k}\n\\newcommand*{\\S}{s}\n\\section{A} \\K \\S."}) ==
        "\\section{A} k s.");
}

TEST_CASE("macro definitions the reference's patterns do not match are left alone") {
  const std::string body = "\\section{A} \\T \\U \\V \\W ";
  CHECK(kept({"\\newcommand{\\T}{t} % c\n"   // value must end the line
              "\\renewcommand{\\U}{u}\n"     // renewcommand is not matched
              "\\newcommand{\\V}[1]{v#1}\n"  // arguments
              "\\newcommand\\W{w}\n" +       // no braces around the name
              body}) == body);
  CHECK(kept({"\\newcommand{\\T}{t}\r\n\\section{A} \\T "}) == "\\section{A} \\T ");  // CRLF
}

TEST_CASE("a non-ASCII macro value drops the paper (reference) or is expanded") {
  const std::vector<std::string> files = {"\\newcommand{\\E}{\xC3\xA9}\n\\section{A} \\E "};
  Document dropped = clean(files);
  CHECK(dropped.dropped);
  CHECK(dropped.drop_reason == "unescapable_macro");
  CHECK(kept(files, {}) == "\\section{A} \xC3\xA9 ");
  // Tabs and CRs survive the reference's escaping.
  CHECK(kept({"\\newcommand{\\E}{a\tb}\n\\section{A} \\E "}) == "\\section{A} a\tb ");
  // The error is raised in the macro loop, which files without a header never reach.
  Document empty = clean({"\\newcommand{\\E}{\xC3\xA9}\nno header"});
  CHECK(empty.drop_reason == "empty_text");
}

TEST_CASE("text without a file-size field is one file, inconsistent sizes are an error") {
  Document d;
  d.text = "pre\\section{A}x";
  Instance cleaner(arxiv_latex(), kReference);
  std::vector<Document> out = cleaner.process({d});
  REQUIRE(out.size() == 1);
  CHECK(out[0].text == "\\section{A}x");

  Document bad;
  bad.text = "abc";
  bad.meta = {{"tex_file_sizes", MetaValue::json("[1,5]")}};
  CHECK_THROWS(cleaner.process({bad}));
}
