// Reading a whole (small) file into memory, with a bound and a message that says what went wrong.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "common/result.hpp"

namespace annexa {

// Reads a whole file; a clear message when it is missing, a directory, unreadable or larger than `maxBytes`.
Result<std::string> readTextFile(const std::filesystem::path& path, std::size_t maxBytes = 16 * 1024 * 1024);

}  // namespace annexa
