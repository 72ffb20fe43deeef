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
