#include "cli/verbs.hpp"

#include <malloc.h>

#include <cstdio>

int main(int argc, char** argv) {
  // Blocks of 16 MiB and more (the buffers of one huge document: a book, a long line) are mapped
  // on their own and go back to the system when freed. glibc's default moves this threshold up
  // after the first such free, and later big blocks then stay in the heap after use: a 24 MB
  // book peaked 15 MB higher that way. Batch-sized blocks stay in the heap as before.
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
  // Setting that threshold also freezes the trim threshold at its 128 KiB default, and a worker
  // thread's heap then gave its free top back to the kernel after nearly every large string a
  // plugin grew and freed, to fault it in again for the next: arXiv at two threads took 61,000
  // page faults instead of 7,000 (0.24 s of system time instead of 0.07). Twice the mmap
  // threshold is what glibc's own adjustment would set.
  mallopt(M_TRIM_THRESHOLD, 32 << 20);
  CLI::App app{
      "loom: a dataflow engine for building LLM pretraining datasets.\n"
      "Runs graphs of plugin components (sources, cleaners, filters, dedupers, sinks)\n"
      "described in YAML files."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("loom ") + LOOM_VERSION_STRING);
  loom::cli::Context ctx;
  loom::cli::register_run(app, ctx);
  loom::cli::register_validate(app, ctx);
  loom::cli::register_graph(app, ctx);
  loom::cli::register_plugins(app, ctx);
  loom::cli::register_schema(app, ctx);
  loom::cli::register_test(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return ctx.exit_code;
}
