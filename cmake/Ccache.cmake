# ccache when present. ccache 4.7 cannot cache compiles that make or use a
# precompiled header unless told the PCH is safe (sloppiness), and it rejects
# settings on its own command line, so they go through `cmake -E env`.
option(KILN_CCACHE "use ccache if found" ON)
find_program(CCACHE_PROGRAM ccache)
if(KILN_CCACHE AND CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} ${CCACHE_PROGRAM})
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()
