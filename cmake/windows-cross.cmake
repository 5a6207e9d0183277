# The Windows cross build (scripts/build-windows, toolchain cmake/toolchains/mingw-w64-x86_64.cmake) builds the agent
# only. Header-only Boost (Asio, Beast) and nlohmann come from the build machine's Debian packages; the cross
# compiler sees just those two directories, through links in the build tree, never the rest of /usr/include.
set(ANNEXA_HOST_HEADERS ${CMAKE_BINARY_DIR}/host-headers)
file(MAKE_DIRECTORY ${ANNEXA_HOST_HEADERS})
foreach(dir boost nlohmann)
  if(NOT IS_DIRECTORY /usr/include/${dir})
    message(FATAL_ERROR "/usr/include/${dir} is missing: run scripts/install-deps")
  endif()
  file(CREATE_LINK /usr/include/${dir} ${ANNEXA_HOST_HEADERS}/${dir} SYMBOLIC)
endforeach()

add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${ANNEXA_HOST_HEADERS})
add_library(Boost::headers INTERFACE IMPORTED)
# Asio on Windows: Windows 10 APIs, Winsock.
set_target_properties(Boost::headers PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${ANNEXA_HOST_HEADERS}
                                                INTERFACE_LINK_LIBRARIES "ws2_32;mswsock")
