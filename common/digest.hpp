// SHA-256 for report integrity, token hashes and change detection.
#pragma once

#include <string>
#include <string_view>

namespace annexa {

// 64 lower-case hex digits.
std::string sha256Hex(std::string_view data);

}  // namespace annexa
