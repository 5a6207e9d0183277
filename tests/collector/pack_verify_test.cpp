#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "collector/pack/pack.hpp"
#include "collector/app/pack_cli.hpp"
#include "common/text_file.hpp"
#include "tests/collector/pack_fixture.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::collector::pack::test {
namespace {

namespace fs = std::filesystem;

struct PackVerify : ::testing::Test {
  annexa::test::FixtureRoot root;
  CollectorKeys keys;
  PackData data = samplePack(keys);
  fs::path pack = root.path() / "pack";

  void SetUp() override {
    auto written = writePack(data, pack, keys.key.get());
    ASSERT_TRUE(written.ok()) << written.error();
  }

  fs::path copyOfPack(const std::string& name) {
    const auto copy = root.path() / name;
    fs::copy(pack, copy, fs::copy_options::recursive);
    return copy;
  }
};

void flipMiddleByte(const fs::path& file) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  const auto middle = static_cast<std::streamoff>(fs::file_size(file) / 2);
  f.seekg(middle);
  const char c = static_cast<char>(f.get());
  f.seekp(middle);
  f.put(static_cast<char>(c ^ 0x01));
}

bool names(const PackVerification& v, const std::string& file) {
  for (const auto& p : v.problems)
    if (p.file == file || p.message.find(file) != std::string::npos) return true;
  return false;
}

std::string describe(const PackVerification& v) {
  std::string out;
  for (const auto& p : v.problems) out += p.file + ": " + p.message + "\n";
  return out;
}

TEST_F(PackVerify, AFreshPackIsIntact) {
  const auto v = verifyPack(pack, data.collector.caFingerprint);
  EXPECT_TRUE(v.intact()) << describe(v);
  EXPECT_TRUE(v.caFingerprintChecked);
  EXPECT_EQ(v.caFingerprint, data.collector.caFingerprint);
  EXPECT_EQ(v.filesChecked, 11u);
  EXPECT_EQ(fs::status(pack).permissions() & fs::perms::all, fs::perms(0755));
}

TEST_F(PackVerify, TheManifestCarriesRangePeriodInstantCertificatesAndEveryOtherFile) {
  const auto manifest = nlohmann::json::parse(readTextFile(pack / "manifest.json").value());
  EXPECT_EQ(manifest["format"], "annexa.evidence-pack/1");
  EXPECT_EQ(manifest["at"], "2026-11-23T09:00:27Z");
  EXPECT_EQ(manifest["period"]["from"], "2026-10-24T09:00:27Z");
  EXPECT_EQ(manifest["evidence_log"]["first_seq"], 1);
  EXPECT_EQ(manifest["evidence_log"]["last_seq"], 42);
  EXPECT_EQ(manifest["evidence_log"]["head_hash"], data.evidenceLog.headHash);
  EXPECT_EQ(manifest["evidence_log"]["signed_head"]["signer_fingerprint"], pki::fingerprint(keys.cert.get()));
  EXPECT_EQ(manifest["collector"]["certificate_pem"], data.collector.certificatePem);
  EXPECT_EQ(manifest["collector"]["ca_certificate_pem"], data.collector.caCertificatePem);
  std::set<std::string> listed;
  for (const auto& f : manifest["files"]) {
    listed.insert(f["name"].get<std::string>());
    const auto digest = digestFile(pack / f["name"].get<std::string>()).value();
    EXPECT_EQ(f["sha256"], digest.sha256);
    EXPECT_EQ(f["size"], digest.size);
  }
  EXPECT_EQ(listed, (std::set<std::string>{"assessment-results.json", "controls.csv", "results.csv", "soa.csv",
                                           "nonconformities.csv", "exceptions.csv", "risks.csv", "report.html",
                                           "collector.crt", "ca.crt", "SHA256SUMS"}));
}

TEST_F(PackVerify, EveryAlteredFileIsNamed) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(pack)) files.push_back(e.path().filename().string());
  ASSERT_EQ(files.size(), 13u);
  for (const auto& file : files) {
    const auto copy = copyOfPack("flipped-" + file);
    flipMiddleByte(copy / file);
    const auto v = verifyPack(copy, data.collector.caFingerprint);
    EXPECT_FALSE(v.intact()) << file;
    EXPECT_TRUE(names(v, file)) << file << " not named in:\n" << describe(v);
  }
}

TEST_F(PackVerify, MissingAndExtraFilesAreNamed) {
  fs::remove(pack / "results.csv");
  std::ofstream(pack / "notes.txt") << "added later";
  const auto v = verifyPack(pack);
  ASSERT_EQ(v.problems.size(), 2u) << describe(v);
  EXPECT_EQ(v.problems[0].file, "results.csv");
  EXPECT_NE(v.problems[0].message.find("missing"), std::string::npos);
  EXPECT_EQ(v.problems[1].file, "notes.txt");
  EXPECT_NE(v.problems[1].message.find("not listed"), std::string::npos);
}

TEST_F(PackVerify, AnotherCaFingerprintFails) {
  const CollectorKeys other;
  const auto v = verifyPack(pack, pki::fingerprint(other.caCert.get()));
  ASSERT_EQ(v.problems.size(), 1u) << describe(v);
  EXPECT_EQ(v.problems[0].file, "ca.crt");
  EXPECT_FALSE(verifyPack(pack, std::string("SHA256:nonsense")).intact());
}

TEST_F(PackVerify, ACollectorCertificateFromAnotherCaIsRefused) {
  const CollectorKeys other;  // re-sign everything with a key and certificate from another CA
  data.collector.certificatePem = pki::certificatePem(other.cert.get());
  const auto repacked = root.path() / "repacked";
  ASSERT_TRUE(writePack(data, repacked, other.key.get()).ok());
  const auto v = verifyPack(repacked);
  EXPECT_TRUE(names(v, "collector.crt")) << describe(v);
}

TEST_F(PackVerify, WritingRefusesANonEmptyDirectoryAndAMismatchedKey) {
  const auto again = writePack(data, pack, keys.key.get());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().find("not empty"), std::string::npos);
  std::vector<std::string> stages;
  const auto progress = [&](std::string_view stage, std::size_t done, std::size_t total) {
    EXPECT_LE(done, total);
    stages.emplace_back(stage);
  };
  EXPECT_TRUE(writePack(data, pack, keys.key.get(), progress, {.overwrite = true}).ok());
  EXPECT_TRUE(verifyPack(pack).intact());
  EXPECT_NE(std::find(stages.begin(), stages.end(), "report.html"), stages.end());
  EXPECT_EQ(stages.back(), "done");

  std::ofstream(pack / "mine.txt") << "not a pack file";
  EXPECT_FALSE(writePack(data, pack, keys.key.get(), {}, {.overwrite = true}).ok()) << "never deletes other files";

  const CollectorKeys other;
  const auto mismatched = writePack(data, root.path() / "mismatched", other.key.get());
  ASSERT_FALSE(mismatched.ok());
  EXPECT_NE(mismatched.error().find("does not match"), std::string::npos);
}

TEST_F(PackVerify, TheOpensslRecipeVerifiesThePack) {
  const auto recipe = [&](const fs::path& dir) {
    return runCommand("cd '" + dir.string() + "' && openssl x509 -in collector.crt -pubkey -noout > ../pub.pem && " +
                      "openssl dgst -sha256 -verify ../pub.pem -signature manifest.sig manifest.json && " +
                      "openssl verify -CAfile ca.crt collector.crt && sha256sum -c SHA256SUMS");
  };
  const auto intact = recipe(pack);
  EXPECT_EQ(intact.exitCode, 0) << intact.output;
  EXPECT_NE(intact.output.find("Verified OK"), std::string::npos) << intact.output;
  EXPECT_NE(intact.output.find("collector.crt: OK"), std::string::npos) << intact.output;
  EXPECT_NE(intact.output.find("results.csv: OK"), std::string::npos) << intact.output;

  const auto tampered = copyOfPack("tampered");
  flipMiddleByte(tampered / "manifest.json");
  const auto broken = recipe(tampered);
  EXPECT_NE(broken.exitCode, 0) << broken.output;
}

TEST_F(PackVerify, TheCommandLineNamesTheProblem) {
  std::ostringstream out, err;
  EXPECT_EQ(
      runVerifyPackCli({"verify-pack", pack.string(), "--ca-fingerprint", data.collector.caFingerprint}, out, err), 0)
      << err.str();
  EXPECT_NE(out.str().find("intact"), std::string::npos);
  flipMiddleByte(pack / "soa.csv");
  std::ostringstream out2, err2;
  EXPECT_EQ(runVerifyPackCli({"verify-pack", pack.string()}, out2, err2), 1);
  EXPECT_NE(err2.str().find("soa.csv: SHA-256"), std::string::npos) << err2.str();
  std::ostringstream out3, err3;
  EXPECT_EQ(runVerifyPackCli({"verify-pack"}, out3, err3), 2);
}

}  // namespace
}  // namespace annexa::collector::pack::test
