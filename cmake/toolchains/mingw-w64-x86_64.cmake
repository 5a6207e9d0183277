# Cross-compiles for 64-bit Windows with Debian's MinGW-w64 toolchain (g++-mingw-w64-x86-64-posix: the posix
# thread model, which std::thread and std::mutex need). Used by scripts/build-windows.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(ANNEXA_MINGW_TRIPLET x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${ANNEXA_MINGW_TRIPLET}-gcc-posix)
set(CMAKE_CXX_COMPILER ${ANNEXA_MINGW_TRIPLET}-g++-posix)
set(CMAKE_RC_COMPILER ${ANNEXA_MINGW_TRIPLET}-windres)
set(CMAKE_AR ${ANNEXA_MINGW_TRIPLET}-gcc-ar-posix CACHE FILEPATH "")
set(CMAKE_RANLIB ${ANNEXA_MINGW_TRIPLET}-gcc-ranlib-posix CACHE FILEPATH "")

# Look for libraries and headers only in the target's sysroot and in the prefixes the build names (the OpenSSL
# cache); never in the build machine's /usr/include or /usr/lib.
set(CMAKE_FIND_ROOT_PATH /usr/${ANNEXA_MINGW_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Windows 10 / Server 2016 and later: the APIs the probes call. _POSIX_THREAD_SAFE_FUNCTIONS gives MinGW's
# gmtime_r/localtime_r (wrappers of gmtime_s), which the shared clock code uses.
add_compile_definitions(_WIN32_WINNT=0x0A00 WINVER=0x0A00 WIN32_LEAN_AND_MEAN NOMINMAX UNICODE _UNICODE
                        _POSIX_THREAD_SAFE_FUNCTIONS=200112L)
# One executable that needs only the DLLs Windows ships: no libstdc++/libgcc/winpthread DLLs.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
# Release executables without their symbol tables (debug builds keep them for gdb/winedbg).
set(CMAKE_EXE_LINKER_FLAGS_RELEASE_INIT "-s")
