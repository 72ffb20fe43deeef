# LOOM_SANITIZE=ON builds everything (engine, plugins, tests) with AddressSanitizer and
# UndefinedBehaviorSanitizer; any UB report aborts. Plugins and the program that loads them must
# agree, so this is all or nothing. `make conformance-asan` uses it for the conformance test.
option(LOOM_SANITIZE "Build with AddressSanitizer and UBSan" OFF)
if(LOOM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
