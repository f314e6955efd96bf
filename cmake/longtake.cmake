# The one way this project declares its targets. Sources are listed
# explicitly (no globs): adding a file is a visible change to the build.
#
#   longtake_library(catalog_domain
#     SRCS domain/catalog.cc domain/film_query.cc
#     DEPS longtake::status longtake::text absl::strings)
#   longtake_executable(longtake-catalog SRCS main.cc DEPS catalog_grpc)
#   longtake_test(catalog_domain_test
#     SRCS domain/catalog_test.cc
#     DEPS catalog_domain
#     ENV "LONGTAKE_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
#
# Every target built this way gets the project's warnings (and -Werror when
# LONGTAKE_WERROR is ON, as scripts/test.sh configures it).

option(LONGTAKE_WERROR "Treat compiler warnings as errors" OFF)
set(LONGTAKE_WARNINGS -Wall -Wextra -Wpedantic)
if(LONGTAKE_WERROR)
  list(APPEND LONGTAKE_WARNINGS -Werror)
endif()

# A static library; `name` is also reachable as longtake::<ALIAS> when ALIAS
# is given. DEPS are PUBLIC (headers of this library include theirs). With
# no SRCS it is a named set of DEPS (an INTERFACE library).
function(longtake_library name)
  cmake_parse_arguments(ARG "" "ALIAS" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  if(NOT ARG_SRCS)
    add_library(${name} INTERFACE)
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
    if(ARG_ALIAS)
      add_library(longtake::${ARG_ALIAS} ALIAS ${name})
    endif()
    return()
  endif()
  add_library(${name} STATIC ${ARG_SRCS})
  target_compile_options(${name} PRIVATE ${LONGTAKE_WARNINGS})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  if(ARG_ALIAS)
    add_library(longtake::${ARG_ALIAS} ALIAS ${name})
  endif()
endfunction()

function(longtake_executable name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_compile_options(${name} PRIVATE ${LONGTAKE_WARNINGS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()

# A GoogleTest binary whose tests CTest discovers one by one. ENV entries are
# "NAME=value" strings set for every test; LABELS tag them for ctest -L.
# Test binaries always see LONGTAKE_SOURCE_DIR and LONGTAKE_BIN_DIR.
function(longtake_test name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;ENV;LABELS;NEEDS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_compile_options(${name} PRIVATE ${LONGTAKE_WARNINGS})
  target_compile_definitions(${name} PRIVATE
    LONGTAKE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest_main
                                        GTest::gmock)
  # Binaries an integration test starts must be built before it runs.
  if(ARG_NEEDS)
    add_dependencies(${name} ${ARG_NEEDS})
  endif()
  set(_env "LONGTAKE_BIN_DIR=${CMAKE_BINARY_DIR}/bin"
           "LONGTAKE_SOURCE_DIR=${PROJECT_SOURCE_DIR}" ${ARG_ENV})
  set(_props ENVIRONMENT "${_env}")
  if(ARG_LABELS)
    list(APPEND _props LABELS "${ARG_LABELS}")
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 30 PROPERTIES ${_props})
endfunction()

# A libFuzzer target (tests/fuzz, built only with LONGTAKE_FUZZ in the clang
# tree): LLVMFuzzerTestOneInput in SRCS, linked with libFuzzer's main, ASan
# and UBSan; `longtake_fuzzers` builds them all.
#   longtake_fuzzer(page_token_fuzzer SRCS page_token_fuzzer.cc
#     DEPS longtake::paging)
set(LONGTAKE_FUZZ_SANITIZERS -fsanitize=address,undefined
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer
    -gline-tables-only)
function(longtake_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  if(NOT TARGET longtake_fuzzers)
    add_custom_target(longtake_fuzzers)
  endif()
  add_executable(${name} ${ARG_SRCS})
  target_compile_options(${name} PRIVATE ${LONGTAKE_WARNINGS})
  target_compile_definitions(${name} PRIVATE
    LONGTAKE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  target_link_options(${name} PRIVATE ${LONGTAKE_FUZZ_SANITIZERS}
                      -fsanitize=fuzzer)
  add_dependencies(longtake_fuzzers ${name})
endfunction()
