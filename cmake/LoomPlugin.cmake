# loom_add_plugin(NAME <name> SOURCES <files...> [LIBRARIES <targets...>])
# Builds libloom_<name>.so against the SDK only, with hidden symbols (just loom_plugin_entry is
# exported), into the build tree's plugins/ folder, and installs it with the other plugins.
function(loom_add_plugin)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBRARIES" ${ARGN})
  set(target loom_plugin_${ARG_NAME})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME loom_${ARG_NAME}
    PREFIX lib
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${LOOM_PLUGIN_OUTPUT_DIR})
  target_link_libraries(${target} PRIVATE loom::sdk ${ARG_LIBRARIES})
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  loom_set_warnings(${target})
  install(TARGETS ${target} LIBRARY DESTINATION ${LOOM_PLUGIN_INSTALL_DIR})
endfunction()
