// libloom_arxiv.so: arXiv bulk source tars and RedPajama's LaTeX cleaning.
#include "arxiv_latex.hpp"
#include "arxiv_source.hpp"

LOOM_PLUGIN("arxiv", "0.1.0", "Apache-2.0", loom::arxiv::ArxivSource, loom::arxiv::ArxivLatex)
