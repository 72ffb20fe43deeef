# LOOM_SANITIZE=ON builds everything (engine, plugins, tests) with AddressSanitizer and
# UndefinedBehaviorSanitizer; any UB report aborts. Plugins and the program that loads them must
# agree, so this is all or nothing. `make conformance-asan` uses it for the conformance test.
option(LOOM_SANITIZE "Build with AddressSanitizer and UBSan" OFF)
if(LOOM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# LOOM_TSAN=ON builds everything with ThreadSanitizer (`make tsan`: the threaded runtime's tests
# and whole graphs at two threads). TSan cannot be combined with ASan, and like ASan it must cover
# the plugins and the program that loads them alike.
option(LOOM_TSAN "Build with ThreadSanitizer" OFF)
if(LOOM_TSAN)
  if(LOOM_SANITIZE)
    message(FATAL_ERROR "LOOM_TSAN and LOOM_SANITIZE cannot be combined: use separate build folders")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
