# Runs `loom graph <case>.yaml --format <format>` from the cases folder and compares stdout with
# graph_output/<case>.<format>. Inputs: LOOM, CASE, FORMAT, CASES_DIR, EXPECTED_DIR, PLUGIN_DIR.
file(READ ${EXPECTED_DIR}/${CASE}.${FORMAT} expected)
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env --unset=LOOM_PLUGIN_PATH
          ${LOOM} graph ${CASE}.yaml --format ${FORMAT} --plugin-path ${PLUGIN_DIR}
  WORKING_DIRECTORY ${CASES_DIR}
  RESULT_VARIABLE exit_code
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
if(NOT exit_code EQUAL 0)
  message(FATAL_ERROR "loom graph ${CASE}.yaml exited with ${exit_code}:\n${err}")
endif()
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "${CASE}.${FORMAT} differs\n--- expected\n${expected}--- actual\n${out}---")
endif()
