#include "common/digest.hpp"

#include <memory>
#include <new>
#include <stdexcept>

#include <openssl/evp.h>

#include "common/random.hpp"

namespace annexa {
namespace {

// Fetched once: EVP_sha256() makes OpenSSL 3 look the algorithm up (under a lock) on every digest, which
// cost more than hashing the ~50 short strings each received report needs.
const EVP_MD* sha256Algorithm() {
  static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free);
  if (!md) throw std::runtime_error("OpenSSL has no SHA-256");
  return md.get();
}

EVP_MD_CTX* threadContext() {
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!context) throw std::bad_alloc();
  return context.get();
}

}  // namespace

std::string sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* context = threadContext();
  if (EVP_DigestInit_ex(context, sha256Algorithm(), nullptr) != 1 || EVP_DigestUpdate(context, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context, digest, &length) != 1)
    throw std::runtime_error("OpenSSL cannot compute SHA-256");
  return toHex(digest, length);
}

}  // namespace annexa
