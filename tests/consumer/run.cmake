# Install the build tree into a scratch prefix, then configure, build and run the consumer.
file(REMOVE_RECURSE "${WORK_DIR}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
foreach(f include/triage/triage.hpp lib/libtriage.a lib/cmake/triage/triageConfig.cmake
          lib/pkgconfig/triage.pc bin/triage share/triage/packs/default/pack.json)
  if(NOT EXISTS "${WORK_DIR}/prefix/${f}")
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(GLOB sonames "${WORK_DIR}/prefix/lib/libtriage.so.*")
if(NOT sonames)
  message(FATAL_ERROR "shared library with SOVERSION not installed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
                "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "consumer configure failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${WORK_DIR}/build" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "consumer build failed: ${rc}")
endif()
execute_process(COMMAND "${WORK_DIR}/build/consumer" RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(rc)
  message(FATAL_ERROR "consumer run failed: ${rc} ${out}")
endif()
# pkg-config sees the same library.

set(ENV{PKG_CONFIG_PATH} "${WORK_DIR}/prefix/lib/pkgconfig")
execute_process(COMMAND pkg-config --modversion --cflags --libs triage RESULT_VARIABLE rc
                OUTPUT_VARIABLE ver)
if(rc)
  message(FATAL_ERROR "pkg-config cannot find triage: ${rc}")
endif()
message(STATUS "consumer ok: ${out}; pkg-config: ${ver}")
