# loom_add_plugin(NAME <name> SOURCES <files...> [LIBRARIES <targets...>]
#                 [OUTPUT_DIRECTORY <dir>] [NO_INSTALL])
# Builds libloom_<name>.so, a MODULE library, against the SDK only (Loom::sdk), C or C++, with
# hidden symbols (just loom_plugin_entry is exported) and no undefined symbols left for the host
# to resolve. The same file serves the Loom tree and, installed next to LoomSdkConfig.cmake,
# third-party plugin projects (find_package(LoomSdk)):
#   - output goes to OUTPUT_DIRECTORY, else LOOM_PLUGIN_OUTPUT_DIR, else the current build folder;
#   - unless NO_INSTALL, it installs to LOOM_PLUGIN_INSTALL_DIR (the Loom tree sets it to
#     lib/loom/plugins; a third party may set it to install beside Loom's own plugins).
function(loom_add_plugin)
  cmake_parse_arguments(ARG "NO_INSTALL" "NAME;OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
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
  if(NOT ARG_NO_INSTALL AND LOOM_PLUGIN_INSTALL_DIR)
    install(TARGETS ${target} LIBRARY DESTINATION ${LOOM_PLUGIN_INSTALL_DIR})
  endif()
endfunction()
