# The pre-publish page (page.html) compiled into mesura-serve: page_html.c is written at
# build time from page.html by embed_page.cmake (no download, no tool beyond CMake).
# Included by the CMakeLists.txt that builds mesura-serve, which links mesura_serve_page
# and routes GET / to serve_page() (page.h). Needs PkgConfig::MICROHTTPD.
set(serve_page_dir ${CMAKE_CURRENT_LIST_DIR})
add_custom_command(
  OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/page_html.c
  COMMAND ${CMAKE_COMMAND} -DPAGE=${serve_page_dir}/page.html
          -DOUTPUT=${CMAKE_CURRENT_BINARY_DIR}/page_html.c -P ${serve_page_dir}/embed_page.cmake
  DEPENDS ${serve_page_dir}/page.html ${serve_page_dir}/embed_page.cmake
  COMMENT "Embedding the pre-publish page (page.html)"
  VERBATIM)
add_library(mesura_serve_page STATIC ${serve_page_dir}/page.c
            ${CMAKE_CURRENT_BINARY_DIR}/page_html.c)
target_include_directories(mesura_serve_page PUBLIC ${serve_page_dir})
target_link_libraries(mesura_serve_page PUBLIC PkgConfig::MICROHTTPD)
target_compile_options(mesura_serve_page PRIVATE ${MESURA_WARNINGS})
