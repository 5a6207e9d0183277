#include "common/digest.hpp"

#include <openssl/evp.h>

#include "common/random.hpp"

namespace annexa {

std::string sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return toHex(digest, length);
}

}  // namespace annexa
