# LOOM_BUILD_FUZZ=ON builds the libFuzzer harnesses of tests/fuzz (and nothing else unless asked):
# every object in the build gets coverage instrumentation (fuzzer-no-link), AddressSanitizer and
# UBSan, so a fuzz build lives in its own folder (`make fuzz` and `make test` use build-fuzz).
# libFuzzer ships with clang only, hence the check.
option(LOOM_BUILD_FUZZ "Build the libFuzzer harnesses (clang only; own build folder)" OFF)
if(LOOM_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LOOM_BUILD_FUZZ needs clang (configure with CC=clang CXX=clang++); "
                        "found ${CMAKE_CXX_COMPILER_ID}")
  endif()
  # -O1: fast enough to fuzz, quick to build; asserts stay on (no NDEBUG) so they are checked too.
  add_compile_options(-O1 -g -fsanitize=fuzzer-no-link,address,undefined
                      -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
