// verifyPack: signature, certificate chain, CA fingerprint, then every file against the manifest.
// It goes on after a problem so the auditor sees all of them at once.
#include <nlohmann/json.hpp>
#include <set>

#include "collector/pack/pack.hpp"
#include "common/text_file.hpp"
#include "common/digest.hpp"

namespace annexa::collector::pack {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Verifier {
  fs::path dir;
  PackVerification result;

  void problem(std::string file, std::string message) {
    result.problems.push_back({std::move(file), std::move(message)});
  }

  std::optional<std::string> read(std::string_view name) {
    auto text = readTextFile(dir / std::string(name));
    if (!text) {
      problem(std::string(name), "missing or unreadable");
      return std::nullopt;
    }
    return std::move(*text);
  }

  static const std::string* manifestPem(const json& manifest, const char* key) {
    if (!manifest.is_object() || !manifest.contains("collector") || !manifest["collector"].is_object()) return nullptr;
    const auto& collector = manifest["collector"];
    return collector.contains(key) && collector[key].is_string() ? collector[key].get_ptr<const std::string*>()
                                                                 : nullptr;
  }

  // The manifest's copy of a certificate (the signature covers it); the file when the manifest has none.
  pki::CertPtr certificate(const json& manifest, const char* key, std::string_view fileName) {
    if (const auto* pem = manifestPem(manifest, key)) {
      if (auto cert = pki::parseCertificatePem(*pem)) return std::move(*cert);
      problem(std::string(kManifestName), "carries an unreadable copy of " + std::string(fileName));
    }
    auto text = readTextFile(dir / std::string(fileName));
    if (!text) return nullptr;  // reported as missing with the file list
    auto cert = pki::parseCertificatePem(*text);
    if (!cert) problem(std::string(fileName), "is not a PEM certificate: " + cert.error());
    return cert ? std::move(*cert) : nullptr;
  }

  void checkSignature(const std::optional<std::string>& manifest, const std::optional<std::string>& signature,
                      X509* collector) {
    if (!manifest || !signature || !collector) return;
    if (auto ok = pki::verifySha256(collector, *manifest, *signature); !ok)
      problem(std::string(kSignatureName),
              "the signature over manifest.json does not verify with the collector "
              "certificate (manifest.json or manifest.sig was altered): " +
                  ok.error());
  }

  void checkChain(X509* collector, X509* ca, const std::optional<std::string>& expectedCa) {
    if (!collector || !ca) return;
    if (auto issued = pki::verifyIssuedBy(collector, ca); !issued)
      problem(std::string(kCollectorCertName), "not issued by the pack's CA (ca.crt): " + issued.error());
    result.caFingerprint = pki::fingerprint(ca);
    if (!expectedCa) return;
    const auto expected = pki::normaliseFingerprint(*expectedCa);
    result.caFingerprintChecked = true;
    if (expected.empty())
      problem("", "the expected CA fingerprint \"" + *expectedCa + "\" is malformed (SHA256: and 64 hex digits)");
    else if (pki::normaliseFingerprint(result.caFingerprint) != expected)
      problem(std::string(kCaCertName), "CA fingerprint " + result.caFingerprint + " is not the expected SHA256:" +
                                            expected + ": the pack was signed under another CA");
  }

  // Plain names only: a manifest must not send the verifier outside the pack.
  static bool safeName(const std::string& name) {
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
           name.find('\0') == std::string::npos && name != kManifestName && name != kSignatureName;
  }

  void checkFile(const json& entry, std::set<std::string>& listed) {
    if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() || !entry.contains("sha256") ||
        !entry["sha256"].is_string() || !entry.contains("size") || !entry["size"].is_number_unsigned()) {
      problem(std::string(kManifestName), "a file entry lacks name, size or sha256");
      return;
    }
    const auto name = entry["name"].get<std::string>();
    if (!safeName(name) || !listed.insert(name).second) {
      problem(std::string(kManifestName), "lists an unsafe or repeated file name \"" + name + "\"");
      return;
    }
    const auto path = dir / name;
    if (!fs::is_regular_file(path)) {
      problem(name, "missing (listed in the manifest)");
      return;
    }
    auto digest = digestFile(path);
    if (!digest) return problem(name, digest.error());
    ++result.filesChecked;
    const auto size = entry["size"].get<std::uint64_t>();
    if (digest->size != size)
      problem(name, "size " + std::to_string(digest->size) + " bytes, the manifest says " + std::to_string(size));
    if (digest->sha256 != entry["sha256"].get<std::string>())
      problem(name, "SHA-256 " + digest->sha256 + " differs from the manifest's " + entry["sha256"].get<std::string>());
  }

  // The certificates the manifest carries must be the files next to it.
  void checkCertificateFiles(const json& files, const json& manifest) {
    for (const auto& [fileName, key] :
         {std::pair{kCollectorCertName, "certificate_pem"}, std::pair{kCaCertName, "ca_certificate_pem"}}) {
      bool listed = false;
      for (const auto& f : files) listed = listed || (f.is_object() && f.value("name", std::string()) == fileName);
      if (!listed) problem(std::string(fileName), "not listed in the manifest");
      const auto* pem = manifestPem(manifest, key);
      auto onDisk = readTextFile(dir / std::string(fileName));
      if (pem && onDisk && *pem != *onDisk)
        problem(std::string(fileName), "differs from the certificate manifest.json carries");
    }
  }

  void checkFiles(const json& manifest) {
    if (!manifest.is_object() || !manifest.contains("files") || !manifest["files"].is_array()) {
      problem(std::string(kManifestName), "has no file list");
      return;
    }
    if (manifest.value("format", std::string()) != kManifestFormat)
      problem(std::string(kManifestName), "format is not " + std::string(kManifestFormat));
    std::set<std::string> listed;
    for (const auto& entry : manifest["files"]) checkFile(entry, listed);
    checkCertificateFiles(manifest["files"], manifest);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const auto name = entry.path().filename().string();
      if (name != kManifestName && name != kSignatureName && !listed.count(name))
        problem(name, "extra file, not listed in the manifest");
    }
  }
};

}  // namespace

PackVerification verifyPack(const fs::path& dir, const std::optional<std::string>& expectedCaFingerprint) {
  Verifier v{dir, {}};
  if (!fs::is_directory(dir)) {
    v.problem("", dir.string() + ": not a directory");
    return v.result;
  }
  const auto manifestText = v.read(kManifestName);
  const auto signature = v.read(kSignatureName);
  json manifest;
  if (manifestText) {
    manifest = json::parse(*manifestText, nullptr, false);
    if (manifest.is_discarded()) v.problem(std::string(kManifestName), "is not valid JSON (altered?)");
  }
  const auto collector = v.certificate(manifest, "certificate_pem", kCollectorCertName);
  const auto ca = v.certificate(manifest, "ca_certificate_pem", kCaCertName);
  v.checkSignature(manifestText, signature, collector.get());
  v.checkChain(collector.get(), ca.get(), expectedCaFingerprint);
  if (!manifest.is_discarded()) v.checkFiles(manifest);
  return v.result;
}

}  // namespace annexa::collector::pack
