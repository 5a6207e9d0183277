#include "common/random.hpp"

#include <openssl/rand.h>

#include <climits>
#include <stdexcept>

namespace annexa {

std::vector<unsigned char> randomBytes(std::size_t count) {
  // OpenSSL's generator, seeded from the operating system (getrandom on Linux, BCryptGenRandom on Windows).
  std::vector<unsigned char> out(count);
  if (count > INT_MAX || RAND_bytes(out.data(), static_cast<int>(count)) != 1)
    throw std::runtime_error("RAND_bytes failed");  // no entropy source is a broken system, not an expected failure
  return out;
}

std::string toHex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xF];
  }
  return out;
}

std::string uuid4() {
  auto b = randomBytes(16);
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  const std::string hex = toHex(b.data(), b.size());
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

}  // namespace annexa
