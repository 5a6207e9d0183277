// The audit evidence pack on disk: writePack writes every document of a PackData into a directory with a
// signed manifest; verifyPack checks such a directory and names every file that is missing, extra or altered.
//
// Files: assessment-results.json (OSCAL 1.1.2), controls.csv, results.csv, soa.csv, nonconformities.csv,
// exceptions.csv, risks.csv, report.html, collector.crt, ca.crt, SHA256SUMS (sha256sum format), manifest.json
// (every file above with size and SHA-256, the period, the posture instant, the evidence-log range, both
// certificates) and manifest.sig (DER ECDSA-SHA256 over the exact manifest.json bytes, by the collector key).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "collector/pack/pack_model.hpp"
#include "common/pki.hpp"
#include "common/result.hpp"

namespace annexa::collector::pack {

inline constexpr std::string_view kManifestFormat = "annexa.evidence-pack/1";
inline constexpr std::string_view kManifestName = "manifest.json";
inline constexpr std::string_view kSignatureName = "manifest.sig";
inline constexpr std::string_view kChecksumsName = "SHA256SUMS";
inline constexpr std::string_view kCollectorCertName = "collector.crt";
inline constexpr std::string_view kCaCertName = "ca.crt";

struct PackFile {
  std::string name;
  std::uint64_t size = 0;
  std::string sha256;  // 64 lower-case hex digits
};

struct WrittenPack {
  std::vector<PackFile> files;  // as listed in the manifest (everything but manifest.json and manifest.sig)
  std::string manifestSha256;
};

struct PackWriteOptions {
  // Replace an earlier pack in DIR. Even then a DIR holding files that are not pack files is refused.
  bool overwrite = false;
};

// Writes the pack into `dir` (created 0755; each file via a temporary name and rename). A non-empty `dir` is
// refused unless options.overwrite. `signingKey` must be the key of data.collector.certificatePem: the manifest
// signature is checked against that certificate before returning.
Result<WrittenPack> writePack(const PackData& data, const std::filesystem::path& dir, EVP_PKEY* signingKey,
                              const PackProgress& progress = {}, const PackWriteOptions& options = {});

struct PackProblem {
  std::string file;  // the file at fault, e.g. "results.csv"; "" for the directory itself
  std::string message;
};

struct PackVerification {
  std::vector<PackProblem> problems;  // empty: intact
  std::size_t filesChecked = 0;
  std::string caFingerprint;  // of the pack's CA certificate, "SHA256:…"
  bool caFingerprintChecked = false;
  bool intact() const { return problems.empty(); }
};

// Checks the manifest signature, that the collector certificate was issued by the pack's CA, the CA fingerprint
// (when `expectedCaFingerprint` is given, in any form pki::normaliseFingerprint accepts), every listed file's
// size and SHA-256, and that no file is missing or extra. Every problem is listed, each naming its file.
PackVerification verifyPack(const std::filesystem::path& dir,
                            const std::optional<std::string>& expectedCaFingerprint = std::nullopt);

// SHA-256 and size of a file, read in chunks.
Result<PackFile> digestFile(const std::filesystem::path& path);

}  // namespace annexa::collector::pack
