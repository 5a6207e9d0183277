// Cryptographically secure randomness from the kernel (getrandom), for ids and tokens.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace annexa {

std::vector<unsigned char> randomBytes(std::size_t count);
// RFC 4122 version 4 UUID, lower case.
std::string uuid4();
std::string toHex(const unsigned char* data, std::size_t size);

}  // namespace annexa
