# Runs `loom run` on a graph whose component fails, and checks that the run ends with exit code 1
# (a crash would be a signal), that stderr holds exactly one error, matching the regex in
# EXPECTED, and that no output file is left under its final name.
# Inputs: LOOM, GRAPH, EXPECTED, PLUGIN_PATH, DATA, OUT.
file(REMOVE_RECURSE ${OUT})
execute_process(
  COMMAND ${LOOM} run ${GRAPH} --threads 2 --set DATA=${DATA} --set OUT=${OUT}
          --plugin-path ${PLUGIN_PATH}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE stdout
  ERROR_VARIABLE stderr)

set(context "\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}")
if(NOT result STREQUAL "1")
  message(FATAL_ERROR "expected exit code 1, got '${result}'${context}")
endif()

file(STRINGS ${EXPECTED} expected LIMIT_COUNT 1)
if(NOT stderr MATCHES "${expected}")
  message(FATAL_ERROR "stderr does not match\n  ${expected}${context}")
endif()

string(REGEX MATCHALL "(^|\n)error: " errors "${stderr}")
list(LENGTH errors error_count)
if(NOT error_count EQUAL 1)
  message(FATAL_ERROR "expected one diagnostic, found ${error_count}${context}")
endif()

if(EXISTS ${OUT}/out.jsonl)
  message(FATAL_ERROR "${OUT}/out.jsonl exists although the run failed${context}")
endif()
