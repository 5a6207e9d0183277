#include "common/pki.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/random.hpp"
#include "common/safe_file.hpp"
#include "common/text.hpp"

namespace annexa::pki {
namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free_all(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

std::string bioToString(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

// OpenSSL takes file names as UTF-8 on every platform (it converts them for _wfopen on Windows).
std::string utf8Path(const std::filesystem::path& path) {
  const auto u8 = path.u8string();
  return std::string(u8.begin(), u8.end());
}

BioPtr memoryBio(const std::string& content) {
  return BioPtr(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
}

// Through the shared safe writer: a new temporary file (never following a link), fchmod, fsync, rename.
VoidResult writeFileAtomically(const std::filesystem::path& path, const std::string& content, mode_t mode) {
  return safe_file::writePath(path, content, mode);
}

bool addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

bool setRandomSerial(X509* cert) {
  BIGNUM* bn = BN_new();
  // 127 random bits: positive, unique enough to identify certificates (and to revoke them).
  const bool ok = bn && BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
                  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr;
  BN_free(bn);
  return ok;
}

bool setSubject(X509_NAME* name, const Subject& subject) {
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("Annexa"), -1, -1,
                                 0) != 1)
    return false;
  if (subject.role != Role::Unknown) {
    const std::string role(toString(subject.role));
    if (X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(role.c_str()), -1,
                                   -1, 0) != 1)
      return false;
  }
  return X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(subject.commonName.c_str()), -1, -1, 0) == 1;
}

std::string nameEntry(X509_NAME* name, int nid) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return {};
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return out;
}

}  // namespace

void KeyDeleter::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
void CertDeleter::operator()(X509* cert) const { X509_free(cert); }
void RequestDeleter::operator()(X509_REQ* request) const { X509_REQ_free(request); }

std::string_view toString(Role role) {
  switch (role) {
    case Role::Agent: return "agent";
    case Role::Admin: return "admin";
    case Role::Viewer: return "viewer";
    case Role::Server: return "server";
    case Role::Ca: return "ca";
    case Role::Unknown: break;
  }
  return "unknown";
}

Role parseRole(std::string_view text) {
  for (Role r : {Role::Agent, Role::Admin, Role::Viewer, Role::Server, Role::Ca})
    if (toString(r) == text) return r;
  return Role::Unknown;
}

Result<KeyPtr> generateKey() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) return makeError(opensslError("EC key generation failed"));
  return KeyPtr(key);
}

std::string privateKeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return bioToString(bio.get());
}

Result<KeyPtr> parsePrivateKeyPem(const std::string& pem) {
  auto bio = memoryBio(pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!key) return makeError(opensslError("not a PEM private key"));
  return KeyPtr(key);
}

std::string certificatePem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return bioToString(bio.get());
}

Result<CertPtr> parseCertificatePem(const std::string& pem) {
  auto bio = memoryBio(pem);
  X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (!cert) return makeError(opensslError("not a PEM certificate"));
  return CertPtr(cert);
}

Result<std::vector<CertPtr>> parseCertificateChainPem(const std::string& pem) {
  auto bio = memoryBio(pem);
  std::vector<CertPtr> chain;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) chain.emplace_back(cert);
  ERR_clear_error();  // the read past the last certificate is expected to fail
  if (chain.empty()) return makeError("no PEM certificate found");
  return chain;
}

VoidResult writePrivateKey(const std::filesystem::path& path, EVP_PKEY* key) {
  return writeFileAtomically(path, privateKeyPem(key), 0600);
}

VoidResult writePublicFile(const std::filesystem::path& path, const std::string& content) {
  return writeFileAtomically(path, content, 0644);
}

Result<KeyPtr> loadPrivateKey(const std::filesystem::path& path) {
  BioPtr bio(BIO_new_file(utf8Path(path).c_str(), "r"));
  if (!bio) return makeError(path.string() + ": cannot open private key (" + std::strerror(errno) + ")");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!key) return makeError(opensslError(path.string() + ": not a PEM private key"));
  return KeyPtr(key);
}

Result<CertPtr> loadCertificate(const std::filesystem::path& path) {
  BioPtr bio(BIO_new_file(utf8Path(path).c_str(), "r"));
  if (!bio) return makeError(path.string() + ": cannot open certificate (" + std::strerror(errno) + ")");
  X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (!cert) return makeError(opensslError(path.string() + ": not a PEM certificate"));
  return CertPtr(cert);
}

Result<CertPtr> createCaCertificate(EVP_PKEY* caKey, const std::string& commonName) {
  CertPtr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1 || !setRandomSerial(cert.get()) ||
      !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 3650) ||
      !setSubject(X509_get_subject_name(cert.get()), {commonName, Role::Ca}) ||
      X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1 ||
      X509_set_pubkey(cert.get(), caKey) != 1)
    return makeError(opensslError("cannot build CA certificate"));
  if (!addExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
      !addExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !addExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"))
    return makeError(opensslError("cannot add CA extensions"));
  if (X509_sign(cert.get(), caKey, EVP_sha256()) <= 0) return makeError(opensslError("cannot sign CA certificate"));
  return cert;
}

Result<CertPtr> issueCertificate(EVP_PKEY* publicKey, const IssueOptions& options, X509* caCert, EVP_PKEY* caKey) {
  CertPtr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1 || !setRandomSerial(cert.get()) ||
      !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * options.validDays) ||
      !setSubject(X509_get_subject_name(cert.get()), options.subject) ||
      X509_set_issuer_name(cert.get(), X509_get_subject_name(caCert)) != 1 ||
      X509_set_pubkey(cert.get(), publicKey) != 1)
    return makeError(opensslError("cannot build certificate"));
  std::string extendedUsage;
  if (options.serverAuth) extendedUsage = "serverAuth";
  if (options.clientAuth) extendedUsage += extendedUsage.empty() ? "clientAuth" : ",clientAuth";
  bool ok = addExtension(cert.get(), caCert, NID_basic_constraints, "critical,CA:FALSE") &&
            addExtension(cert.get(), caCert, NID_key_usage, "critical,digitalSignature,keyAgreement") &&
            addExtension(cert.get(), caCert, NID_subject_key_identifier, "hash") &&
            addExtension(cert.get(), caCert, NID_authority_key_identifier, "keyid:always");
  if (ok && !extendedUsage.empty()) ok = addExtension(cert.get(), caCert, NID_ext_key_usage, extendedUsage);
  if (ok && !options.subjectAltNames.empty())
    ok = addExtension(cert.get(), caCert, NID_subject_alt_name, text::join(options.subjectAltNames, ","));
  if (!ok) return makeError(opensslError("cannot add certificate extensions"));
  if (X509_sign(cert.get(), caKey, EVP_sha256()) <= 0) return makeError(opensslError("cannot sign certificate"));
  return cert;
}

Result<std::string> createCsrPem(EVP_PKEY* key, const std::string& commonName) {
  RequestPtr request(X509_REQ_new());
  if (!request || X509_REQ_set_version(request.get(), 0) != 1 ||
      !setSubject(X509_REQ_get_subject_name(request.get()), {commonName, Role::Unknown}) ||
      X509_REQ_set_pubkey(request.get(), key) != 1 || X509_REQ_sign(request.get(), key, EVP_sha256()) <= 0)
    return makeError(opensslError("cannot create certificate signing request"));
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), request.get());
  return bioToString(bio.get());
}

Result<KeyPtr> verifiedCsrPublicKey(const std::string& csrPem) {
  if (csrPem.size() > 16384) return makeError("certificate signing request too large");
  auto bio = memoryBio(csrPem);
  RequestPtr request(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!request) return makeError(opensslError("not a PEM certificate signing request"));
  EVP_PKEY* key = X509_REQ_get_pubkey(request.get());
  if (!key) return makeError("certificate signing request has no public key");
  KeyPtr owned(key);
  if (X509_REQ_verify(request.get(), key) != 1)
    return makeError(opensslError("certificate signing request signature is invalid"));
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC || EVP_PKEY_get_bits(key) < 256)
    return makeError("certificate signing request must carry an EC P-256 (or stronger) key");
  return owned;
}

std::string opensslError(const std::string& what) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return what;
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return what + ": " + buffer;
}

Subject subjectOf(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  return {nameEntry(name, NID_commonName), parseRole(nameEntry(name, NID_organizationalUnitName))};
}

std::string serialHex(X509* cert) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr);
  if (!bn) return {};
  char* hex = BN_bn2hex(bn);
  std::string out = text::toLower(hex ? hex : "");
  OPENSSL_free(hex);
  BN_free(bn);
  return out;
}

std::int64_t notAfterUnix(X509* cert) {
  // The distance from the epoch, computed by OpenSSL (no timegm, which Windows lacks).
  ASN1_TIME* epoch = ASN1_TIME_set(nullptr, 0);
  int days = 0, seconds = 0;
  const bool ok = epoch && ASN1_TIME_diff(&days, &seconds, epoch, X509_get0_notAfter(cert)) == 1;
  ASN1_TIME_free(epoch);
  return ok ? std::int64_t{days} * 86400 + seconds : 0;
}

std::string fingerprint(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) return {};
  return "SHA256:" + toHex(digest, length);
}

std::string normaliseFingerprint(std::string_view textIn) {
  std::string_view text = annexa::text::trim(textIn);
  if (annexa::text::startsWith(annexa::text::toLower(text.substr(0, 7)), "sha256:")) text.remove_prefix(7);
  std::string hex;
  for (const char c : text) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return hex.size() == 64 ? hex : std::string();
}

namespace {
struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextDeleter>;
}  // namespace

Result<std::string> signSha256(EVP_PKEY* key, std::string_view data) {
  DigestContext ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    return makeError(opensslError("cannot sign"));
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    return makeError(opensslError("cannot sign"));
  signature.resize(length);
  return signature;
}

VoidResult verifySha256(X509* cert, std::string_view data, std::string_view signatureDer) {
  EVP_PKEY* publicKey = X509_get0_pubkey(cert);
  DigestContext ctx(EVP_MD_CTX_new());
  if (!publicKey || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, publicKey) != 1)
    return makeError(opensslError("cannot set up signature verification"));
  const int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signatureDer.data()),
                                  signatureDer.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  ERR_clear_error();
  if (ok != 1) return makeError("signature does not verify with the certificate's public key");
  return success();
}

VoidResult verifyIssuedBy(X509* cert, X509* ca) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  VoidResult result = success();
  if (!store || !ctx || X509_STORE_add_cert(store, ca) != 1 || X509_STORE_CTX_init(ctx, store, cert, nullptr) != 1) {
    result = makeError(opensslError("cannot set up certificate verification"));
  } else if (X509_verify_cert(ctx) != 1) {
    result = makeError(std::string("certificate does not verify: ") +
                       X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
  }
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return result;
}

}  // namespace annexa::pki
