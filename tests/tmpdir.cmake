# Tests keep their scratch files out of the system's /tmp: every test registered here runs with
# TMPDIR set to one folder of the build tree, emptied before the first of them and checked after
# the last ("tmp: tests left nothing in TMPDIR" lists whatever a test left behind, also after a
# failure). ctest adds both fixture tests whenever it runs any of these tests.
set(LOOM_TEST_TMPDIR ${CMAKE_BINARY_DIR}/test-tmp)

get_property(loom_tmpdir_fixture_added GLOBAL PROPERTY LOOM_TEST_TMPDIR_FIXTURE)
if(NOT loom_tmpdir_fixture_added)
  set_property(GLOBAL PROPERTY LOOM_TEST_TMPDIR_FIXTURE ON)
  add_test(NAME "tmp: empty TMPDIR before the tests"
           COMMAND ${CMAKE_COMMAND} -DMODE=prepare -DDIR=${LOOM_TEST_TMPDIR}
                   -P ${CMAKE_CURRENT_LIST_DIR}/check_tmpdir.cmake)
  add_test(NAME "tmp: tests left nothing in TMPDIR"
           COMMAND ${CMAKE_COMMAND} -DMODE=check -DDIR=${LOOM_TEST_TMPDIR}
                   -P ${CMAKE_CURRENT_LIST_DIR}/check_tmpdir.cmake)
  set_tests_properties("tmp: empty TMPDIR before the tests" PROPERTIES FIXTURES_SETUP loom_tmpdir)
  set_tests_properties("tmp: tests left nothing in TMPDIR" PROPERTIES FIXTURES_CLEANUP loom_tmpdir)
endif()

# The properties that give a test that TMPDIR (for doctest_discover_tests(... PROPERTIES ...)).
set(LOOM_TEST_TMPDIR_PROPERTIES ENVIRONMENT "TMPDIR=${LOOM_TEST_TMPDIR}"
    FIXTURES_REQUIRED loom_tmpdir)

# loom_use_test_tmpdir(<test names>): the same for tests added with add_test in the caller's folder.
function(loom_use_test_tmpdir)
  foreach(test ${ARGN})
    set_property(TEST "${test}" APPEND PROPERTY ENVIRONMENT "TMPDIR=${LOOM_TEST_TMPDIR}")
    set_property(TEST "${test}" APPEND PROPERTY FIXTURES_REQUIRED loom_tmpdir)
  endforeach()
endfunction()
