#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>

#include "common/pki.hpp"

namespace annexa::pki {
namespace {

struct TestCa {
  KeyPtr key = generateKey().value();
  CertPtr cert = createCaCertificate(key.get(), "Annexa test CA").value();
};

TEST(Pki, IssuesCertificatesThatVerifyAgainstTheirCa) {
  TestCa ca;
  auto agentKey = generateKey().value();
  auto csr = createCsrPem(agentKey.get(), "pending-agent").value();
  auto publicKey = verifiedCsrPublicKey(csr);
  ASSERT_TRUE(publicKey.ok()) << publicKey.error();
  IssueOptions options;
  options.subject = {"7d9f8a2e-0000-4000-8000-000000000001", Role::Agent};
  options.clientAuth = true;
  auto cert = issueCertificate(publicKey->get(), options, ca.cert.get(), ca.key.get());
  ASSERT_TRUE(cert.ok()) << cert.error();
  EXPECT_TRUE(verifyIssuedBy(cert->get(), ca.cert.get()).ok());
  const auto subject = subjectOf(cert->get());
  EXPECT_EQ(subject.commonName, "7d9f8a2e-0000-4000-8000-000000000001");
  EXPECT_EQ(subject.role, Role::Agent);
  EXPECT_FALSE(serialHex(cert->get()).empty());
  EXPECT_GT(notAfterUnix(cert->get()), notAfterUnix(ca.cert.get()) - 3650L * 86400);

  TestCa otherCa;
  const auto foreign = verifyIssuedBy(cert->get(), otherCa.cert.get());
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.error().find("does not verify"), std::string::npos);
}

TEST(Pki, RejectsTamperedOrGarbageCsr) {
  auto key = generateKey().value();
  auto csr = createCsrPem(key.get(), "x").value();
  EXPECT_FALSE(verifiedCsrPublicKey("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n").ok());
  EXPECT_FALSE(verifiedCsrPublicKey("hello").ok());
  // Flip one character inside the base64 body: the signature no longer matches (or it no longer parses).
  const auto pos = csr.find('\n') + 20;
  csr[pos] = csr[pos] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verifiedCsrPublicKey(csr).ok());
}

TEST(Pki, SignaturesVerifyOnlyForTheSameBytesAndKey) {
  TestCa ca;
  const std::string manifest = "{\"files\": []}\n";
  auto signature = signSha256(ca.key.get(), manifest);
  ASSERT_TRUE(signature.ok()) << signature.error();
  EXPECT_GE(signature->size(), 64u);  // DER ECDSA (r, s)
  EXPECT_TRUE(verifySha256(ca.cert.get(), manifest, *signature).ok());

  std::string altered = manifest;
  altered[2] = 'F';
  EXPECT_FALSE(verifySha256(ca.cert.get(), altered, *signature).ok());
  std::string badSignature = *signature;
  badSignature.back() = static_cast<char>(badSignature.back() ^ 0x01);
  EXPECT_FALSE(verifySha256(ca.cert.get(), manifest, badSignature).ok());
  EXPECT_FALSE(verifySha256(ca.cert.get(), manifest, "").ok());
  TestCa other;
  const auto wrongKey = verifySha256(other.cert.get(), manifest, *signature);
  ASSERT_FALSE(wrongKey.ok());
  EXPECT_NE(wrongKey.error().find("does not verify"), std::string::npos);
}

TEST(Pki, FingerprintsAreStableAndNormalised) {
  TestCa ca;
  const auto fp = fingerprint(ca.cert.get());
  ASSERT_EQ(fp.size(), 7u + 64u);
  EXPECT_EQ(fp.substr(0, 7), "SHA256:");
  const std::string hex = fp.substr(7);
  EXPECT_EQ(normaliseFingerprint(fp), hex);
  std::string colons;
  for (std::size_t i = 0; i < hex.size(); i += 2) colons += (i ? ":" : "") + hex.substr(i, 2);
  for (auto& c : colons) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(normaliseFingerprint(colons), hex);
  EXPECT_EQ(normaliseFingerprint("SHA256:abc"), "");
  EXPECT_EQ(normaliseFingerprint("SHA256:" + std::string(64, 'z')), "");
}

TEST(Pki, PrivateKeysAreWritten0600AndRoundTrip) {
  const auto dir = std::filesystem::temp_directory_path() / ("annexa-pki-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto key = generateKey().value();
  ASSERT_TRUE(writePrivateKey(dir / "agent.key", key.get()).ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir / "agent.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = loadPrivateKey(dir / "agent.key");
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(privateKeyPem(loaded->get()), privateKeyPem(key.get()));
  const auto missing = loadPrivateKey(dir / "nope.key");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("cannot open"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Pki, ParsesCertificateChains) {
  TestCa a;
  TestCa b;
  const auto chain = parseCertificateChainPem(certificatePem(a.cert.get()) + certificatePem(b.cert.get()));
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ(fingerprint((*chain)[1].get()), fingerprint(b.cert.get()));
  EXPECT_FALSE(parseCertificateChainPem("nothing here").ok());
}

}  // namespace
}  // namespace annexa::pki
