# Generates the C++ parser from grammar/*.g4 at build time with Debian's antlr4
# 4.7.2 tool. Debian's antlr4.jar has no Class-Path in its manifest, so
# `java -jar` (what antlr4_generate() runs) fails: call the Tool class with an
# explicit classpath instead. The generated code targets ATN serialization v3,
# which the 4.9 C++ runtime reads (tests/frontend/antlr_pair_test.cpp proves it).
find_package(Java 11 COMPONENTS Runtime REQUIRED)
set(KILN_ANTLR_JARS
    /usr/share/java/antlr4.jar /usr/share/java/antlr4-runtime.jar
    /usr/share/java/antlr3-runtime.jar /usr/share/java/stringtemplate4.jar
    /usr/share/java/treelayout.jar)
foreach(_jar IN LISTS KILN_ANTLR_JARS)
  if(NOT EXISTS "${_jar}")
    message(FATAL_ERROR "ANTLR jar ${_jar} not found: run scripts/install-deps.sh")
  endif()
endforeach()
string(JOIN ":" KILN_ANTLR_CLASSPATH ${KILN_ANTLR_JARS})

find_package(antlr4-runtime 4.9 REQUIRED CONFIG)

# kiln_antlr_generate(<out-sources> <out-dir> LEXER <g4> PARSER <g4> NAMESPACE <ns>)
function(kiln_antlr_generate out_srcs out_dir)
  cmake_parse_arguments(A "" "LEXER;PARSER;NAMESPACE" "" ${ARGN})
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/antlr_gen)
  get_filename_component(lex ${A_LEXER} NAME_WE)
  get_filename_component(par ${A_PARSER} NAME_WE)
  set(srcs ${dir}/${lex}.cpp ${dir}/${lex}.h ${dir}/${par}.cpp ${dir}/${par}.h)
  add_custom_command(
    OUTPUT ${srcs}
    COMMAND ${Java_JAVA_EXECUTABLE} -cp ${KILN_ANTLR_CLASSPATH} org.antlr.v4.Tool
            -Dlanguage=Cpp -no-visitor -no-listener -package ${A_NAMESPACE} -Werror
            -Xexact-output-dir -o ${dir} ${A_LEXER} ${A_PARSER}
    DEPENDS ${A_LEXER} ${A_PARSER}
    COMMENT "ANTLR: generating ${lex}/${par}"
    VERBATIM)
  set(${out_srcs} ${srcs} PARENT_SCOPE)
  set(${out_dir} ${dir} PARENT_SCOPE)
endfunction()
