# Installs the build tree into a scratch prefix, then uses it as outside projects would:
#  1. a C++ program through find_package(triage) (static library, C++ API);
#  2. the C ABI test program, as C99, through find_package and through pkg-config;
#  3. the embedding example in examples/embed, fed the example tickets;
#  4. the C and Python examples of the README;
#  5. pip install of the Python binding (offline, into a venv) against the installed library.
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(last_out "${out}" PARENT_SCOPE)
endfunction()

run("install" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(f include/triage/triage.hpp include/triage.h include/triage/version.h lib/libtriage.a
          lib/cmake/triage/triageConfig.cmake lib/pkgconfig/triage.pc bin/triage
          share/triage/packs/default/pack.json)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(GLOB sonames "${prefix}/lib/libtriage.so.1")
if(NOT sonames)
  message(FATAL_ERROR "shared library with SOVERSION 1 not installed")
endif()
set(ENV{LD_LIBRARY_PATH} "${prefix}/lib")
set(ENV{PKG_CONFIG_PATH} "${prefix}/lib/pkgconfig")

# 1 and 2a: find_package
run("consumer configure" ${CMAKE_COMMAND} -S "${SOURCE_DIR}/consumer" -B "${WORK_DIR}/build"
    -G "${GENERATOR}" "-DCMAKE_PREFIX_PATH=${prefix}" "-DCAPI_TEST=${SOURCE_DIR}/capi/capi_test.c")
run("consumer build" ${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run("C++ consumer" "${WORK_DIR}/build/consumer")
run("C consumer (find_package)" "${WORK_DIR}/build/c_consumer")
message(STATUS "C via find_package: ${last_out}")

# 2b: pkg-config
run("pkg-config" pkg-config --cflags --libs triage)
string(STRIP "${last_out}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run("C consumer (pkg-config) build" cc -std=c99 -Wall -Wextra -pedantic -Werror
    "${SOURCE_DIR}/capi/capi_test.c" ${flags} -lpthread -o "${WORK_DIR}/c_pkgconfig")
run("C consumer (pkg-config)" "${WORK_DIR}/c_pkgconfig")

# 3: the embedding example
run("embed configure" ${CMAKE_COMMAND} -S "${EXAMPLES_DIR}/embed" -B "${WORK_DIR}/embed"
    -G "${GENERATOR}" "-DCMAKE_PREFIX_PATH=${prefix}")
run("embed build" ${CMAKE_COMMAND} --build "${WORK_DIR}/embed")
execute_process(COMMAND "${WORK_DIR}/embed/triage_stdin" INPUT_FILE "${EXAMPLES_DIR}/tickets.jsonl"
                OUTPUT_VARIABLE out RESULT_VARIABLE rc)
string(REGEX MATCHALL "\n" lines "${out}")
list(LENGTH lines n)
if(rc OR NOT n EQUAL 40)
  message(FATAL_ERROR "embedding example: status ${rc}, ${n} lines for 40 tickets")
endif()

# 4: the README's examples, exactly as printed
file(READ "${README}" readme)
string(REGEX MATCH "<!-- example: c -->[^`]*```c\n(.*)\n```\n<!-- end -->" _ "${readme}")
if(NOT CMAKE_MATCH_1)
  message(FATAL_ERROR "README has no C example between its markers")
endif()
file(WRITE "${WORK_DIR}/readme_example.c" "${CMAKE_MATCH_1}\n")
run("README C example build" cc -std=c99 -Wall -Wextra -pedantic -Werror
    "${WORK_DIR}/readme_example.c" ${flags} -o "${WORK_DIR}/readme_example")
run("README C example" "${WORK_DIR}/readme_example")
message(STATUS "README C example printed: ${last_out}")
string(REGEX MATCH "<!-- example: python -->[^`]*```python\n(.*)\n```\n<!-- end python -->" _ "${readme}")
if(NOT CMAKE_MATCH_1)
  message(FATAL_ERROR "README has no Python example between its markers")
endif()
file(WRITE "${WORK_DIR}/readme_example.py" "${CMAKE_MATCH_1}\n")

# 5: pip install into a venv that sees Debian's setuptools, offline, then the README example
run("venv" "${PYTHON}" -m venv --system-site-packages "${WORK_DIR}/venv")
run("pip install" "${WORK_DIR}/venv/bin/pip" install --no-index --quiet
    "${BINDINGS_DIR}")
set(ENV{TRIAGE_LIBRARY} "${prefix}/lib/libtriage.so.1")
execute_process(COMMAND "${WORK_DIR}/venv/bin/python" "${WORK_DIR}/readme_example.py"
                WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "README Python example failed:\n${out}\n${err}")
endif()
message(STATUS "README Python example printed: ${out}")
