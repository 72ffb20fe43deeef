# Thin wrapper over scripts/setup.sh, CMake, Ninja and CTest. Everything real lives in CMake.
#
#   make build   install what is missing, configure build/ with Ninja, build everything
#   make test    build, then run every test with ctest
#   make demo    build, then run every RedPajama graph on a sample (see scripts/demo.sh)
#   make bench   build, then run the benchmarks (bench/run.sh); never part of `make test`
#   make docs    build, then regenerate docs/reference/components from the plugins' schemas
#   make conformance-asan  sanitized build (ASan+UBSan) of the plugins and the conformance test
#   make tsan    ThreadSanitizer build: the runtime's tests and whole graphs at two threads
#   make fuzz    long libFuzzer runs of every reader and parser (FUZZ_SECONDS each, default 600);
#                `make test` ends with a short run of each (docs/fuzzing.md)
#   make format  clang-format every C/C++ file of the project
#   make clean   remove build/
#
# Variables: BUILD_DIR (default build), BUILD_TYPE (default RelWithDebInfo),
# LOOM_WERROR=ON to make warnings errors (CI), CMAKE_ARGS for anything else.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
LOOM_WERROR ?= OFF
CMAKE_ARGS ?=
CTEST_JOBS ?= 2

.PHONY: all setup configure build test demo bench docs conformance-asan fuzz-build fuzz-smoke fuzz \
  format clean tsan

all: build

# .ci/run sets LOOM_SETUP_DONE=1 after running the set-up itself, so it runs once per CI job.
setup:
	@[ "$${LOOM_SETUP_DONE:-0}" = 1 ] || bash scripts/setup.sh

# Re-run configure every time: it is cheap, and it picks up a changed LOOM_WERROR.
configure: setup
	@cmake -S . -B $(BUILD_DIR) -G Ninja -Wno-dev --log-level=WARNING \
	  -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DLOOM_WERROR=$(LOOM_WERROR) $(CMAKE_ARGS)

build: configure
	@ninja -C $(BUILD_DIR)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(CTEST_JOBS)
	@$(MAKE) --no-print-directory fuzz-smoke

demo: build
	@bash scripts/demo.sh $(BUILD_DIR)

bench: build
	@bash bench/run.sh $(BUILD_DIR)

docs: build
	@rm -rf docs/reference/components
	@env -u LOOM_PLUGIN_PATH $(BUILD_DIR)/bin/loom schema --markdown \
	  --output docs/reference/components --plugin-path $(BUILD_DIR)/plugins

# Only what the conformance test needs (SDK, plugins, the test), in its own build folder.
# A leak or UB report makes the test exit non-zero, so ctest fails; --no-tests=error keeps a
# filter that matches nothing from passing silently. UBSan prints the stack of what it reports.
ASAN_BUILD_DIR ?= build-asan
conformance-asan: setup
	@cmake -S . -B $(ASAN_BUILD_DIR) -G Ninja -Wno-dev --log-level=WARNING \
	  -DCMAKE_BUILD_TYPE=Debug -DLOOM_SANITIZE=ON -DLOOM_WERROR=$(LOOM_WERROR) \
	  -DLOOM_BUILD_EXAMPLES=OFF -DLOOM_BUILD_BENCH=OFF $(CMAKE_ARGS)
	@ninja -C $(ASAN_BUILD_DIR) test_conformance
	UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD_DIR) --output-on-failure --no-tests=error -R '^conformance:'

# ThreadSanitizer over what runs on several threads, in its own build folder: the runtime's unit
# tests (flow graph, ordered sinks, whole-input stages, watchdog, progress) and the determinism
# graphs at two threads, where thread-safe filters and cleaners, an order-sensitive deduper and
# the sinks' concurrent prepare() run side by side on many small batches. Only what those need is
# built (loom, the runtime's tests, the io, text and dedup plugins). A race report makes the
# process exit non-zero (halt_on_error), so its test fails; tests/tsan.supp lists what is not ours.
# Debian's libtbb is not built with -fsanitize=thread, so TSan cannot see the happens-before edges
# oneTBB creates inside libtbb (a batch handed from one node to the next, a serial node's calls on
# different workers, a worker joining the run, wait_for_all): the runtime states each of them where
# it happens (engine/src/base/tsan_annotations.hpp; nothing in other builds), and tests/tsan.supp
# covers only oneTBB's own task objects. .ci/run runs this target. The io tests of threaded
# decoding (bzip2 blocks, decode ahead) and of background commits run here too. Not covered:
# parallel_for users (plugins/simhash, stackexchange's Posts.xml pieces), whose loop body and
# oneTBB's join state sit on the caller's stack and are ordered only inside libtbb. history_size=7 keeps the older stacks the
# suppressions need; ignore_noninstrumented_modules=1 leaves libtbb's own malloc and free unchecked.
TSAN_BUILD_DIR ?= build-tsan
TSAN_TESTS ?= ^(runtime:|graphs: determinism$$|io:(bzip2 (of|on) |decode ahead|a background commit|aborting an output waits))
TSAN_RUN_OPTIONS = halt_on_error=1 second_deadlock_stack=1 history_size=7 \
  ignore_noninstrumented_modules=1 suppressions=$(CURDIR)/tests/tsan.supp
tsan: setup
	@cmake -S . -B $(TSAN_BUILD_DIR) -G Ninja -Wno-dev --log-level=WARNING \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOOM_TSAN=ON -DLOOM_WERROR=$(LOOM_WERROR) \
	  -DLOOM_BUILD_EXAMPLES=OFF -DLOOM_BUILD_BENCH=OFF $(CMAKE_ARGS)
	@ninja -C $(TSAN_BUILD_DIR) loom test_runtime test_io loom_plugin_io loom_plugin_text loom_plugin_dedup
	TSAN_OPTIONS="$(TSAN_RUN_OPTIONS)" \
	  ctest --test-dir $(TSAN_BUILD_DIR) --output-on-failure --no-tests=error -j$(CTEST_JOBS) \
	  -R '$(TSAN_TESTS)'

# The fuzz harnesses (tests/fuzz) in their own folder, built by clang with libFuzzer, ASan and
# UBSan: only the harnesses and the parser sources they compile, never the plugins' libraries.
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 600
fuzz-build: setup
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -Wno-dev --log-level=WARNING \
	  -DCMAKE_BUILD_TYPE=Debug -DLOOM_BUILD_FUZZ=ON -DLOOM_WERROR=$(LOOM_WERROR) \
	  -DLOOM_BUILD_TESTS=OFF -DLOOM_BUILD_EXAMPLES=OFF -DLOOM_BUILD_BENCH=OFF $(CMAKE_ARGS)
	@ninja -C $(FUZZ_BUILD_DIR) loom_fuzzers

# A few seconds per harness (LOOM_FUZZ_SECONDS in CMake): part of `make test`.
fuzz-smoke: fuzz-build
	ctest --test-dir $(FUZZ_BUILD_DIR) --output-on-failure --no-tests=error -L fuzz -j$(CTEST_JOBS)

# Long runs, one harness after the other; the corpus each one grows is kept for the next run.
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) ctest --test-dir $(FUZZ_BUILD_DIR) --output-on-failure \
	  --no-tests=error -L fuzz --timeout $$(( $(FUZZ_SECONDS) + 600 ))

format:
	@git ls-files -z '*.c' '*.h' '*.cpp' '*.hpp' | xargs -0 -r clang-format -i
	@echo "formatted $$(git ls-files '*.c' '*.h' '*.cpp' '*.hpp' | wc -l) files"

clean:
	rm -rf $(BUILD_DIR)
