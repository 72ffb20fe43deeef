# Runs `loom validate <case>.yaml` from the cases folder and compares stderr and the exit code
# with <case>.stderr. Inputs: LOOM, CASE, CASES_DIR, PLUGIN_DIR.
set(expected_file ${CASES_DIR}/${CASE}.stderr)
if(NOT EXISTS ${expected_file})
  message(FATAL_ERROR "${CASE}: no expected output ${expected_file}")
endif()
file(READ ${expected_file} expected)

# Only the fixture folder: nothing from the environment or an install may change the output.
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env --unset=LOOM_PLUGIN_PATH
          ${LOOM} validate ${CASE}.yaml --plugin-path ${PLUGIN_DIR}
  WORKING_DIRECTORY ${CASES_DIR}
  RESULT_VARIABLE exit_code
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
# The loader prints canonical paths; the build folder may sit behind a symlink.
file(REAL_PATH "${PLUGIN_DIR}" real_plugin_dir)
string(REPLACE "${real_plugin_dir}" "<plugins>" err "${err}")
string(REPLACE "${PLUGIN_DIR}" "<plugins>" err "${err}")

string(FIND "${expected}" ": error: " has_file_error)
string(REGEX MATCH "(^|\n)error: " has_bare_error "${expected}")
if(has_file_error GREATER -1 OR has_bare_error)
  set(expected_exit 78)
else()
  set(expected_exit 0)
endif()

set(failed FALSE)
if(NOT err STREQUAL expected)
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/${CASE}.actual "${err}")
  message(SEND_ERROR "${CASE}: stderr differs from ${expected_file}\n--- expected\n${expected}--- actual\n${err}---")
  set(failed TRUE)
endif()
if(NOT exit_code STREQUAL expected_exit)
  message(SEND_ERROR "${CASE}: exit code ${exit_code}, expected ${expected_exit}")
  set(failed TRUE)
endif()
if(expected_exit EQUAL 0 AND NOT out MATCHES "^${CASE}\\.yaml: ok \\([0-9]+ nodes\\)\n$")
  message(SEND_ERROR "${CASE}: expected '${CASE}.yaml: ok (N nodes)' on stdout, got '${out}'")
  set(failed TRUE)
endif()
