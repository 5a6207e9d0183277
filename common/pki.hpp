// Certificates and keys for mutual TLS (OpenSSL 3): EC P-256 keys, a private CA, CSRs, fingerprints.
// Used by the collector (CA, signing) and by agents/operators (own key + CSR). Keys are written 0600.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_st X509;
typedef struct X509_req_st X509_REQ;

namespace annexa::pki {

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const;
};
struct CertDeleter {
  void operator()(X509* cert) const;
};
struct RequestDeleter {
  void operator()(X509_REQ* request) const;
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using CertPtr = std::unique_ptr<X509, CertDeleter>;
using RequestPtr = std::unique_ptr<X509_REQ, RequestDeleter>;

// Role a certificate grants, carried in the subject's OU.
enum class Role { Agent, Admin, Viewer, Server, Ca, Unknown };
std::string_view toString(Role role);
Role parseRole(std::string_view text);

Result<KeyPtr> generateKey();  // EC P-256
std::string privateKeyPem(EVP_PKEY* key);
Result<KeyPtr> parsePrivateKeyPem(const std::string& pem);
std::string certificatePem(X509* cert);
Result<CertPtr> parseCertificatePem(const std::string& pem);
// All certificates in a PEM bundle, in order.
Result<std::vector<CertPtr>> parseCertificateChainPem(const std::string& pem);

// Writes a private key with mode 0600 (created exclusively unless overwrite), atomically.
VoidResult writePrivateKey(const std::filesystem::path& path, EVP_PKEY* key);
// Writes a public file (certificate, CSR) with mode 0644, atomically.
VoidResult writePublicFile(const std::filesystem::path& path, const std::string& content);
Result<KeyPtr> loadPrivateKey(const std::filesystem::path& path);
Result<CertPtr> loadCertificate(const std::filesystem::path& path);

struct Subject {
  std::string commonName;
  Role role = Role::Unknown;
};

struct IssueOptions {
  Subject subject;
  std::vector<std::string> subjectAltNames;  // "DNS:host", "IP:127.0.0.1"
  int validDays = 397;
  bool isCa = false;
  bool serverAuth = false;
  bool clientAuth = false;
};

// A self-signed CA certificate (10 years).
Result<CertPtr> createCaCertificate(EVP_PKEY* caKey, const std::string& commonName);
// A certificate for `publicKey`, signed by the CA.
Result<CertPtr> issueCertificate(EVP_PKEY* publicKey, const IssueOptions& options, X509* caCert, EVP_PKEY* caKey);

// A CSR for the key (subject CN only); the collector decides the real subject.
Result<std::string> createCsrPem(EVP_PKEY* key, const std::string& commonName);
// Parses a CSR and checks its self-signature; returns the public key it carries.
Result<KeyPtr> verifiedCsrPublicKey(const std::string& csrPem);

Subject subjectOf(X509* cert);
// "what: <OpenSSL's first queued error>" (or just `what`); clears the thread's error queue.
std::string opensslError(const std::string& what);
std::string serialHex(X509* cert);
std::int64_t notAfterUnix(X509* cert);
// "SHA256:" + 64 lower-case hex digits of the DER certificate.
std::string fingerprint(X509* cert);
// Accepts "SHA256:ab…", "ab:cd:…", upper or lower case; returns 64 lower-case hex digits or empty when malformed.
std::string normaliseFingerprint(std::string_view text);
// Verifies `cert` was signed by `ca` and is within its validity period.
VoidResult verifyIssuedBy(X509* cert, X509* ca);

// ECDSA (or any key type's default) signature over SHA-256 of `data`, DER-encoded: what
// `openssl dgst -sha256 -sign KEY` writes and `openssl dgst -sha256 -verify PUB -signature SIG` checks.
Result<std::string> signSha256(EVP_PKEY* key, std::string_view data);
// Checks such a signature with the public key of `cert`; an error says why it does not verify.
VoidResult verifySha256(X509* cert, std::string_view data, std::string_view signatureDer);

}  // namespace annexa::pki
