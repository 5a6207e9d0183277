// Shared by the fuzz targets (docs/fuzzing.md): the input as text, a check that turns a broken property into a
// crash libFuzzer reports (and the replay driver fails on), and a scratch directory for parsers that read files.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace annexa::fuzz {

inline std::string_view asText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A property the code under test promises; abort() so libFuzzer keeps the input as a crash.
[[noreturn]] inline void propertyBroken(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz property broken: %s\n", file, line, what);
  std::abort();
}
#define ANNEXA_FUZZ_CHECK(condition) \
  ((condition) ? void() : ::annexa::fuzz::propertyBroken(#condition, __FILE__, __LINE__))

// One directory per process, removed at exit: for the parsers that only take a file or a directory.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "annexa-fuzz-XXXXXX").string();
    if (!mkdtemp(pattern.data())) propertyBroken("mkdtemp", __FILE__, __LINE__);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `content` to a file below the directory (parents created) and returns its path.
  std::filesystem::path write(const std::filesystem::path& relative, std::string_view content) const {
    const auto file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out.flush()) propertyBroken("scratch file not written", __FILE__, __LINE__);
    return file;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace annexa::fuzz
