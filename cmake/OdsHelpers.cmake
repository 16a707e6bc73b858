# SPDX-License-Identifier: BSD-2-Clause
# Small helpers so each directory only lists its files.

# ods_service(<name> CORE <sources...> MAIN <main.c>): a static <name>_core library with
# everything but main, and the executable linked against it (tests link the core).
function(ods_service name)
	cmake_parse_arguments(A "" "MAIN" "CORE" ${ARGN})
	add_executable(${name} ${A_MAIN})
	if(A_CORE)
		add_library(${name}_core STATIC ${A_CORE})
		target_link_libraries(${name}_core PUBLIC odscore)
		target_link_libraries(${name} PRIVATE ${name}_core)
	else()
		target_link_libraries(${name} PRIVATE odscore)
	endif()
	set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
endfunction()

# ods_program(<name> <sources...>): a command-line tool linked against the core library.
function(ods_program name)
	add_executable(${name} ${ARGN})
	target_link_libraries(${name} PRIVATE odscore)
	set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
endfunction()

# ods_unit_test(<name> <source> [LIBS ...]): one cmocka executable per module.
function(ods_unit_test name src)
	if(NOT EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${src})
		message(WARNING "unit test ${src} not written yet")
		return()
	endif()
	cmake_parse_arguments(A "" "" "LIBS" ${ARGN})
	add_executable(${name} ${src})
	target_link_libraries(${name} PRIVATE odscore PkgConfig::CMOCKA ${A_LIBS})
	add_test(NAME unit/${name} COMMAND ${name})
	set_tests_properties(unit/${name} PROPERTIES LABELS unit TIMEOUT 60)
endfunction()
