# loom_add_plugin(NAME <name> SOURCES <files...> [LIBRARIES <targets...>]
#                 [OUTPUT_DIRECTORY <dir>] [INSTALL_DESTINATION <dir>] [NO_INSTALL])
# Builds libloom_<name>.so, a MODULE library, against the SDK only (Loom::sdk), C or C++, with
# hidden symbols (just loom_plugin_entry is exported) and no undefined symbols left for the host
# to resolve. The same file serves the Loom tree and, installed next to LoomSdkConfig.cmake,
# third-party plugin projects (find_package(LoomSdk)):
#   - the target is loom_plugin_<name> (for $<TARGET_FILE:loom_plugin_<name>>, dependencies);
#   - output goes to OUTPUT_DIRECTORY, else LOOM_PLUGIN_OUTPUT_DIR, else the current build folder;
#   - unless NO_INSTALL, `cmake --install` puts it in INSTALL_DESTINATION, else
#     LOOM_PLUGIN_INSTALL_DIR (the Loom tree sets it to lib/loom/plugins), else
#     LOOM_SDK_PLUGIN_INSTALL_DIR (set by find_package(LoomSdk): the installed loom's own plugin
#     folder, where it finds plugins without --plugin-path).
function(loom_add_plugin)
  cmake_parse_arguments(ARG "NO_INSTALL" "NAME;OUTPUT_DIRECTORY;INSTALL_DESTINATION"
    "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_SOURCES)
    message(FATAL_ERROR "loom_add_plugin: NAME and SOURCES are required")
  endif()
  set(output_dir ${ARG_OUTPUT_DIRECTORY})
  if(NOT output_dir)
    set(output_dir ${LOOM_PLUGIN_OUTPUT_DIR})
  endif()
  if(NOT output_dir)
    set(output_dir ${CMAKE_CURRENT_BINARY_DIR})
  endif()

  set(target loom_plugin_${ARG_NAME})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME loom_${ARG_NAME}
    PREFIX lib
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${output_dir})
  target_link_libraries(${target} PRIVATE Loom::sdk ${ARG_LIBRARIES})
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  if(COMMAND loom_set_warnings)
    loom_set_warnings(${target})
  endif()
  set(install_dir ${ARG_INSTALL_DESTINATION})
  if(NOT install_dir)
    set(install_dir ${LOOM_PLUGIN_INSTALL_DIR})
  endif()
  if(NOT install_dir)
    set(install_dir ${LOOM_SDK_PLUGIN_INSTALL_DIR})
  endif()
  if(NOT ARG_NO_INSTALL AND install_dir)
    install(TARGETS ${target} LIBRARY DESTINATION ${install_dir})
  endif()
endfunction()

# loom_add_conformance_test(PLUGIN <name> [OPTIONS <component>.<option>=<value>...] [NO_SANITIZE])
# Adds the test `conformance_<name>`: every component of the plugin made by
# loom_add_plugin(NAME <name>) is created and run through its whole life on the SDK's harness
# host (loom/testing/conformance.hpp: create, an empty batch, a few documents, end_shard, finish,
# destroy), under AddressSanitizer and UBSan (any report fails the test). For that it builds the
# plugin's sources a second time, with the sanitizers, into a folder of its own (the plugin
# itself is left as it is), and a test program from loom_conformance_main.cpp. OPTIONS give the
# values (YAML, as in a graph's `with:`) of required options; {tmp} in a value is an empty
# folder. Needs doctest (find_package(doctest)). NO_SANITIZE builds both without sanitizers.
set(LOOM_CONFORMANCE_MAIN "${CMAKE_CURRENT_LIST_DIR}/loom_conformance_main.cpp")
function(loom_add_conformance_test)
  cmake_parse_arguments(ARG "NO_SANITIZE" "PLUGIN" "OPTIONS" ${ARGN})
  set(plugin_target loom_plugin_${ARG_PLUGIN})
  if(NOT ARG_PLUGIN OR NOT TARGET ${plugin_target})
    message(FATAL_ERROR "loom_add_conformance_test: PLUGIN must name a loom_add_plugin() plugin")
  endif()
  if(NOT TARGET doctest::doctest)
    find_package(doctest REQUIRED)
  endif()
  set(sanitize)
  if(NOT ARG_NO_SANITIZE)
    set(sanitize -fsanitize=address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer)
  endif()
  set(folder ${CMAKE_CURRENT_BINARY_DIR}/loom_conformance/${ARG_PLUGIN})

  # The plugin again, from the same sources, includes, definitions and libraries.
  get_target_property(source_dir ${plugin_target} SOURCE_DIR)
  get_target_property(sources ${plugin_target} SOURCES)
  set(absolute_sources)
  foreach(source ${sources})
    if(NOT IS_ABSOLUTE "${source}")
      set(source "${source_dir}/${source}")
    endif()
    list(APPEND absolute_sources "${source}")
  endforeach()
  set(copy loom_conformance_${ARG_PLUGIN}_plugin)
  add_library(${copy} MODULE ${absolute_sources})
  set_target_properties(${copy} PROPERTIES OUTPUT_NAME loom_${ARG_PLUGIN} PREFIX lib
    C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${folder})
  foreach(property INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS LINK_LIBRARIES)
    get_target_property(values ${plugin_target} ${property})
    if(NOT values)
      continue()
    endif()
    if(property STREQUAL "INCLUDE_DIRECTORIES")
      target_include_directories(${copy} PRIVATE ${values})
    elseif(property STREQUAL "COMPILE_DEFINITIONS")
      target_compile_definitions(${copy} PRIVATE ${values})
    elseif(property STREQUAL "COMPILE_OPTIONS")
      target_compile_options(${copy} PRIVATE ${values})
    else()
      target_link_libraries(${copy} PRIVATE ${values})
    endif()
  endforeach()
  target_compile_options(${copy} PRIVATE ${sanitize})
  target_link_options(${copy} PRIVATE ${sanitize})

  # The options table and the plugin's path, for the test program.
  set(table "")
  foreach(entry ${ARG_OPTIONS})
    if(NOT entry MATCHES "^([A-Za-z0-9_]+)\\.([A-Za-z0-9_]+)=(.*)$")
      message(FATAL_ERROR "loom_add_conformance_test: '${entry}' is not <component>.<option>=<value>")
    endif()
    string(APPEND table
      "  setups[\"${CMAKE_MATCH_1}\"].options.emplace_back(\"${CMAKE_MATCH_2}\", R\"loom(${CMAKE_MATCH_3})loom\");\n")
  endforeach()
  file(GENERATE OUTPUT ${folder}/include/loom_conformance_setup.hpp CONTENT
"// Generated by loom_add_conformance_test(PLUGIN ${ARG_PLUGIN}).
#pragma once
#include <loom/testing/conformance.hpp>
#define LOOM_CONFORMANCE_PLUGIN_FILE \"$<TARGET_FILE:${copy}>\"
inline std::map<std::string, loom::conformance::MinimalSetup> loom_conformance_setups() {
  std::map<std::string, loom::conformance::MinimalSetup> setups;
${table}  return setups;
}
")
  set(program loom_conformance_${ARG_PLUGIN})
  add_executable(${program} ${LOOM_CONFORMANCE_MAIN})
  target_include_directories(${program} PRIVATE ${folder}/include)
  target_link_libraries(${program} PRIVATE Loom::sdk doctest::doctest)
  target_compile_options(${program} PRIVATE ${sanitize})
  target_link_options(${program} PRIVATE ${sanitize})
  add_dependencies(${program} ${copy})
  add_test(NAME conformance_${ARG_PLUGIN} COMMAND ${program})
  set_tests_properties(conformance_${ARG_PLUGIN} PROPERTIES
    ENVIRONMENT "UBSAN_OPTIONS=print_stacktrace=1")
endfunction()
