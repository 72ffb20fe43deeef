# `loom plugins`, `loom plugins inspect` and `loom schema --markdown` on the ABI fixtures.
# Inputs: LOOM, GOOD (folder of fixtures that load together), BAD (fixtures that are refused),
# OUT (scratch folder). Expected text is written here from the fixtures' sources.

set(context "")
# run_loom(<expected exit code> <args...>): sets `out` and `err`.
function(run_loom expected_exit)
  execute_process(COMMAND ${LOOM} ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE stdout
                  ERROR_VARIABLE stderr)
  set(ctx "\n--- loom ${ARGN}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}")
  if(NOT result STREQUAL "${expected_exit}")
    message(FATAL_ERROR "expected exit code ${expected_exit}, got '${result}'${ctx}")
  endif()
  set(out "${stdout}" PARENT_SCOPE)
  set(err "${stderr}" PARENT_SCOPE)
  set(context "${ctx}" PARENT_SCOPE)
endfunction()

function(expect text regex)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "expected to match: ${regex}${context}")
  endif()
endfunction()

# The listing: every fixture plugin with version, license and file, then its components.
run_loom(0 plugins --plugin-path ${GOOD})
expect("${out}" "abi_throwing +0\\.0\\.7 +MIT +[^\n]*/libloom_abi_throwing\\.so\n  filter +abi_throw_on_third +Throws a C\\+\\+ exception at one document of each batch\\.\n")
expect("${out}" "abi_c_error +0\\.0\\.7 +MIT +[^\n]*/libloom_abi_c_error\\.so\n  filter +abi_poison_filter +Fails on documents")
if(out MATCHES "libloom_abi_newer")
  message(FATAL_ERROR "a fixture from outside the search path was listed${context}")
endif()

# Refused plugins make `loom plugins` fail, saying why, while it still lists the rest.
run_loom(1 plugins --plugin-path ${BAD})
expect("${err}" "libloom_abi_newer_major\\.so")
expect("${err}" "does not export loom_plugin_entry")
expect("${out}" "abi_claims_1_1|abi_duplicate_b")

# One component in full.
run_loom(0 plugins inspect abi_throw_on_third --plugin-path ${GOOD})
expect("${out}" "^abi_throw_on_third \\(filter\\)\n  Throws a C\\+\\+ exception")
expect("${out}" "thread-safe: +yes\n")
expect("${out}" "order-sensitive: +no\n")
expect("${out}" "plugin: +abi_throwing 0\\.0\\.7 \\(MIT\\)\n")
expect("${out}" "file: +[^\n]*/libloom_abi_throwing\\.so\n")
expect("${out}" "\n  message +string +required +Text of the exception\\.\n")
expect("${out}" "\n  throw_at +int +2 +\\[0, 1000\\] +Index in the batch")
expect("${out}" "\n  exception +enum +\"loom_error\" +loom_error, runtime_error +loom_error throws")
expect("${out}" "\n  ratio +float +0\\.5 +>= 0 +Unused")
expect("${out}" "\n  tags +string list +\\[\"x\", \"y\"\\] +Unused; a list of strings\\.\n")
# ABI 1.3 declarations: an empty drop list reads "none", a plugin that declares nothing "not declared".
expect("${out}" "\ndrop reasons: none\n\nmeta fields written:\n  thrown_at +not written: a fixture\n")
# Option specs longer than the host's struct (a later minor's fields) read at their own stride.
run_loom(0 plugins inspect abi_longer_options_filter --plugin-path ${GOOD})
expect("${out}" "\n  threshold +int +3 +>= 0 +longest label allowed\n")
expect("${out}" "\n  label +string +required +a short name\n")
expect("${out}" "\n  words +string list +\\[alpha, beta\\] +some words\n")
# --plugin-path also works before the subcommand.
run_loom(0 plugins --plugin-path ${GOOD} inspect abi_poison_filter)
expect("${out}" "options: none\n")
expect("${out}" "\ndrop reasons: not declared\n\nmeta fields written: not declared\n")

# An unknown component: usage error with a suggestion.
run_loom(2 plugins inspect abi_throw_on_thrid --plugin-path ${GOOD})
expect("${err}" "error: unknown component 'abi_throw_on_thrid'\n  note: did you mean 'abi_throw_on_third'\\?")

# Reference pages: one per component plus an index, the same bytes on every run.
file(REMOVE_RECURSE ${OUT})
run_loom(0 schema --markdown --output ${OUT}/first --plugin-path ${GOOD})
run_loom(0 schema --markdown --output ${OUT}/second --plugin-path ${GOOD})
foreach(page README.md abi_throw_on_third.md abi_poison_filter.md abi_current_filter.md)
  if(NOT EXISTS ${OUT}/first/${page})
    message(FATAL_ERROR "schema did not write ${page}")
  endif()
  file(READ ${OUT}/first/${page} first)
  file(READ ${OUT}/second/${page} second)
  if(NOT first STREQUAL second)
    message(FATAL_ERROR "${page} differs between two runs")
  endif()
endforeach()
file(READ ${OUT}/first/abi_throw_on_third.md page)
set(context "\n--- abi_throw_on_third.md ---\n${page}")
expect("${page}" "^# `abi_throw_on_third`\n\nThrows a C\\+\\+ exception at one document of each batch\\.\n")
expect("${page}" "\\| Kind \\| filter \\(graph section `filters:`\\) \\|\n")
expect("${page}" "\\| Plugin \\| `abi_throwing` 0\\.0\\.7, MIT \\(`libloom_abi_throwing\\.so`\\) \\|\n")
expect("${page}" "\\| `message` \\| string \\| \\*\\*required\\*\\* \\| +\\| +\\| Text of the exception\\. \\|\n")
expect("${page}" "\\| `throw_at` \\| int \\| `2` \\| \\[0, 1000\\] \\| +\\| Index in the batch")
expect("${page}" "\\| `exception` \\| enum \\| `\"loom_error\"` \\| +\\| `loom_error`, `runtime_error` \\|")
expect("${page}" "## Drop reasons\n\nNone\\.\n\n## Meta fields written\n\n\\| Field \\| Description \\|\n\\|---\\|---\\|\n\\| `thrown_at` \\| not written: a fixture \\|\n")
expect("${page}" "```yaml\nfilters:\n  my_filter:\n    type: abi_throw_on_third\n    inputs: \\[previous_node\\]\n    with:\n      message: <string>\n```\n")
if(page MATCHES "${GOOD}")
  message(FATAL_ERROR "the page names a machine-specific path${context}")
endif()
file(READ ${OUT}/first/README.md index)
set(context "\n--- README.md ---\n${index}")
expect("${index}" "## Filters\n")
expect("${index}" "\\| \\[`abi_throw_on_third`\\]\\(abi_throw_on_third\\.md\\) \\| `abi_throwing` \\| Throws")

# Without --output, the same pages go to stdout.
run_loom(0 schema --markdown --plugin-path ${GOOD})
string(FIND "${out}" "${page}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "stdout does not hold the abi_throw_on_third page${context}")
endif()
# Markdown is the only format, so --markdown may be left out.
run_loom(0 schema --plugin-path ${GOOD})
string(FIND "${out}" "${page}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "stdout without --markdown does not hold the abi_throw_on_third page${context}")
endif()
