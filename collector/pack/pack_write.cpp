// writePack: the documents, the certificates, SHA256SUMS, then manifest.json and its signature.
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "collector/pack/pack.hpp"
#include "collector/pack/pack_writers.hpp"
#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/safe_file.hpp"

namespace annexa::collector::pack {
namespace {

namespace fs = std::filesystem;
using Writer = std::function<void(std::ostream&)>;

struct Document {
  std::string_view name;
  Writer write;
};

std::vector<Document> documents(const PackData& d, const PackProgress& progress) {
  const auto text = [](const std::string& s) { return [&s](std::ostream& out) { out << s; }; };
  return {
      {"assessment-results.json", [&](std::ostream& o) { writeAssessmentResults(d, o, progress); }},
      {"controls.csv", [&](std::ostream& o) { writeControlsCsv(d, o); }},
      {"results.csv", [&](std::ostream& o) { writeResultsCsv(d, o); }},
      {"soa.csv", [&](std::ostream& o) { writeSoaCsv(d, o); }},
      {"nonconformities.csv", [&](std::ostream& o) { writeNonConformitiesCsv(d, o); }},
      {"exceptions.csv", [&](std::ostream& o) { writeExceptionsCsv(d, o); }},
      {"risks.csv", [&](std::ostream& o) { writeRisksCsv(d, o); }},
      {"report.html", [&](std::ostream& o) { writeReportHtml(d, o); }},
      {kCollectorCertName, text(d.collector.certificatePem)},
      {kCaCertName, text(d.collector.caCertificatePem)},
  };
}

// Every name a pack may hold, for the overwrite check.
bool isPackFileName(const std::string& name, const std::vector<Document>& docs) {
  if (name == kChecksumsName || name == kManifestName || name == kSignatureName) return true;
  if (name.size() > 5 && name.front() == '.' && name.ends_with(".tmp")) return true;  // left by a crash
  for (const auto& d : docs)
    if (d.name == name) return true;
  return false;
}

// The pack goes into a directory we create, or one of ours that is empty (or holds an earlier pack to replace):
// never one another user owns or may write into, where a planted link or a swapped file could redirect a write.
VoidResult prepareDirectory(const fs::path& dir, const std::vector<Document>& docs, bool overwrite) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dir, ec))) {
    if (auto created = safe_file::ensureDirectory(dir, 0755); !created) return makeError(created.error());
    return success();
  }
  if (auto ours = safe_file::checkDirectory(dir); !ours) return makeError(ours.error());
  std::vector<fs::directory_entry> existing;
  for (const auto& entry : fs::directory_iterator(dir, ec)) existing.push_back(entry);
  if (ec) return makeError(dir.string() + ": cannot list (" + ec.message() + ")");
  if (!existing.empty() && !overwrite)
    return makeError(dir.string() + ": not empty (choose a new directory, or overwrite an earlier pack)");
  for (const auto& entry : existing)
    if (!isPackFileName(entry.path().filename().string(), docs) || !entry.is_regular_file(ec) || entry.is_symlink(ec))
      return makeError(dir.string() + ": holds " + entry.path().filename().string() + ", which is not part of a pack");
  for (const auto& entry : existing) fs::remove(entry.path(), ec);
  if (ec) return makeError(dir.string() + ": cannot remove the earlier pack (" + ec.message() + ")");
  return success();
}

// Through the shared safe writer (a new temporary file, fchmod, fsync, rename in the directory), so a reader never
// sees half a file and a link planted at the name is replaced, not followed; returns the file's digest.
Result<PackFile> writeFile(const fs::path& dir, std::string_view name, const Writer& write) {
  if (auto written = safe_file::write(dir, name, write, 0644); !written) return makeError(written.error());
  auto digest = digestFile(dir / std::string(name));
  if (digest) digest->name = std::string(name);
  return digest;
}

nlohmann::json manifestJson(const PackData& d, const std::vector<PackFile>& files) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : files) list.push_back({{"name", f.name}, {"size", f.size}, {"sha256", f.sha256}});
  const auto& log = d.evidenceLog;
  nlohmann::json evidenceLog = {{"first_seq", log.firstSeq}, {"last_seq", log.lastSeq}, {"head_hash", log.headHash}};
  if (log.signedHead)
    evidenceLog["signed_head"] = {{"seq", log.signedHead->seq},
                                  {"hash", log.signedHead->hash},
                                  {"signed_at", formatRfc3339(log.signedHead->signedAt)},
                                  {"signer_fingerprint", log.signedHead->signerFingerprint},
                                  {"signature", log.signedHead->signatureBase64}};
  return {{"format", kManifestFormat},
          {"generated_at", formatRfc3339(d.generatedAt)},
          {"period", {{"from", formatRfc3339(d.periodFrom)}, {"to", formatRfc3339(d.periodTo)}}},
          {"at", formatRfc3339(d.at)},
          {"scope", d.scope},
          {"evidence_log", evidenceLog},
          {"collector",
           {{"certificate_pem", d.collector.certificatePem},
            {"ca_certificate_pem", d.collector.caCertificatePem},
            {"ca_fingerprint", d.collector.caFingerprint}}},
          {"files", list}};
}

std::string checksums(const std::vector<PackFile>& files) {
  std::string out;
  for (const auto& f : files) out += f.sha256 + "  " + f.name + "\n";
  return out;
}

}  // namespace

Result<PackFile> digestFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(path.filename().string() + ": cannot open");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::array<char, 1 << 16> buffer{};
  PackFile file{path.filename().string(), 0, {}};
  while (in) {
    in.read(buffer.data(), buffer.size());
    const auto n = in.gcount();
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(n));
    file.size += static_cast<std::uint64_t>(n);
  }
  if (in.bad()) return makeError(path.filename().string() + ": read failed");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < length; ++i) {
    file.sha256 += kHex[digest[i] >> 4];
    file.sha256 += kHex[digest[i] & 15];
  }
  return file;
}

Result<WrittenPack> writePack(const PackData& data, const fs::path& dir, EVP_PKEY* signingKey,
                              const PackProgress& progress, const PackWriteOptions& options) {
  auto certificate = pki::parseCertificatePem(data.collector.certificatePem);
  if (!certificate) return makeError("collector certificate: " + certificate.error());
  const auto docs = documents(data, progress);
  if (auto ready = prepareDirectory(dir, docs, options.overwrite); !ready) return makeError(ready.error());
  const std::size_t total = docs.size() + 3;  // + SHA256SUMS, manifest.json, manifest.sig
  const auto report = [&](std::string_view stage, std::size_t done) {
    if (progress) progress(stage, done, total);
  };

  WrittenPack pack;
  for (const auto& doc : docs) {
    report(doc.name, pack.files.size());
    auto file = writeFile(dir, doc.name, doc.write);
    if (!file) return makeError(file.error());
    pack.files.push_back(std::move(*file));
  }
  report(kChecksumsName, pack.files.size());
  const auto sums = checksums(pack.files);
  auto sumsFile = writeFile(dir, kChecksumsName, [&](std::ostream& o) { o << sums; });
  if (!sumsFile) return makeError(sumsFile.error());
  pack.files.push_back(std::move(*sumsFile));

  report(kManifestName, pack.files.size());
  const auto manifest = manifestJson(data, pack.files).dump(2) + "\n";
  auto signature = pki::signSha256(signingKey, manifest);
  if (!signature) return makeError("signing the manifest: " + signature.error());
  // A key that is not the certificate's would give a pack nobody can verify: refuse it now.
  if (auto checked = pki::verifySha256(certificate->get(), manifest, *signature); !checked)
    return makeError("the signing key does not match the collector certificate: " + checked.error());
  if (auto m = writeFile(dir, kManifestName, [&](std::ostream& o) { o << manifest; }); !m) return makeError(m.error());
  report(kSignatureName, total - 1);
  if (auto s = writeFile(dir, kSignatureName, [&](std::ostream& o) { o << *signature; }); !s)
    return makeError(s.error());
  pack.manifestSha256 = sha256Hex(manifest);
  report("done", total);
  return pack;
}

}  // namespace annexa::collector::pack
