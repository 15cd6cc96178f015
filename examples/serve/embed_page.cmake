# Turns the pre-publish page into C: the page's bytes as an array, and the
# Content-Security-Policy that allows its one inline <style> and one inline <script> by
# their SHA-256 (base64, as CSP writes hashes) and nothing else but requests to its own
# origin. Run at build time by page.cmake:
#   cmake -DPAGE=page.html -DOUTPUT=page_html.c -P embed_page.cmake
cmake_minimum_required(VERSION 3.16)

# The text between the page's only `open` tag and the `close` that follows it; a page
# with none or two of them is an error, since the policy would not match it.
function(inline_block page open close out)
  string(FIND "${page}" "${open}" first)
  string(FIND "${page}" "${open}" last REVERSE)
  if(first EQUAL -1 OR NOT first EQUAL last)
    message(FATAL_ERROR "${PAGE}: needs exactly one ${open} (the policy hashes it)")
  endif()
  string(LENGTH "${open}" open_len)
  math(EXPR begin "${first} + ${open_len}")
  string(SUBSTRING "${page}" ${begin} -1 rest)
  string(FIND "${rest}" "${close}" end)
  if(end EQUAL -1)
    message(FATAL_ERROR "${PAGE}: ${open} without ${close}")
  endif()
  string(SUBSTRING "${rest}" 0 ${end} block)
  set(${out} "${block}" PARENT_SCOPE)
endfunction()

# Base64 (RFC 4648, with padding) of the bytes written in `hex`.
function(hex_to_base64 hex out)
  set(alphabet "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
  string(LENGTH "${hex}" digits)
  set(result "")
  set(at 0)
  while(at LESS digits)
    string(SUBSTRING "${hex}" ${at} 6 group)
    string(LENGTH "${group}" group_len)
    math(EXPR bytes "${group_len} / 2")
    # Pad the group to three bytes; the padding bytes become '=' below.
    while(group_len LESS 6)
      string(APPEND group "00")
      math(EXPR group_len "${group_len} + 2")
    endwhile()
    math(EXPR value "0x${group}")
    foreach(shift 18 12 6 0)
      math(EXPR index "(${value} >> ${shift}) & 63")
      string(SUBSTRING "${alphabet}" ${index} 1 char)
      string(APPEND result "${char}")
    endforeach()
    if(bytes EQUAL 1)
      string(REGEX REPLACE "..$" "==" result "${result}")
    elseif(bytes EQUAL 2)
      string(REGEX REPLACE ".$" "=" result "${result}")
    endif()
    math(EXPR at "${at} + 6")
  endwhile()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

function(csp_hash text out)
  string(SHA256 hex "${text}")
  hex_to_base64("${hex}" b64)
  set(${out} "'sha256-${b64}'" PARENT_SCOPE)
endfunction()

if(NOT PAGE OR NOT OUTPUT)
  message(FATAL_ERROR "usage: cmake -DPAGE=page.html -DOUTPUT=page_html.c -P embed_page.cmake")
endif()
file(READ "${PAGE}" page)
inline_block("${page}" "<script>" "</script>" script)
inline_block("${page}" "<style>" "</style>" style)
csp_hash("${script}" script_hash)
csp_hash("${style}" style_hash)
set(csp "default-src 'none'; script-src ${script_hash}; style-src ${style_hash}; connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'")

file(READ "${PAGE}" bytes HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${bytes}")
# 16 bytes a line (CMake's regular expressions have no {16}).
string(REPEAT "0x..," 16 line)
string(REGEX REPLACE "(${line})" "\\1\n\t" bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp" "/* Generated from page.html by embed_page.cmake at build time: do not edit. */
#include \"page.h\"

const unsigned char serve_page_html[] = {
\t${bytes}
};
const size_t serve_page_html_len = sizeof serve_page_html;
const char serve_page_csp[] =
\t\"${csp}\";
")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
