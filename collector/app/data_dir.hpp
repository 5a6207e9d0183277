// The collector's data directory (0700): CA, server and operator credentials, config, database.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "collector/api/api.hpp"
#include "collector/app/maintenance.hpp"
#include "collector/net/https_server.hpp"
#include "common/result.hpp"

namespace annexa::collector {

struct DataDir {
  std::filesystem::path root;

  std::filesystem::path caCertificate() const { return root / "ca.crt"; }
  std::filesystem::path caKey() const { return root / "ca.key"; }
  std::filesystem::path serverChain() const { return root / "server.crt"; }
  std::filesystem::path serverKey() const { return root / "server.key"; }
  std::filesystem::path operatorDir() const { return root / "operators"; }
  std::filesystem::path operatorCertificate(const std::string& name) const { return operatorDir() / (name + ".crt"); }
  std::filesystem::path operatorKey(const std::string& name) const { return operatorDir() / (name + ".key"); }
  std::filesystem::path config() const { return root / "collector.json"; }
  std::filesystem::path database() const { return root / "annexa.db"; }
  std::filesystem::path exports() const { return root / "exports"; }  // evidence packs, one directory per job
};

struct InitOptions {
  std::vector<std::string> subjectAltNames;  // added to DNS:localhost, IP:127.0.0.1, IP:::1
  bool force = false;
};

struct InitResult {
  std::string caFingerprint;
  std::filesystem::path adminCertificate;
};

// Creates CA, server certificate, the "admin" operator, a default config and the database.
Result<InitResult> initDataDir(const DataDir& dir, const InitOptions& options);

// Issues an operator certificate (role admin or viewer) into operators/NAME.{crt,key} and records it.
Result<std::filesystem::path> addOperator(const DataDir& dir, Store& store, const std::string& name, pki::Role role);

struct CollectorConfig {
  ServerOptions server;
  ApiOptions api;
  MaintenanceOptions maintenance;
  // "evidence_sign_interval_seconds": how often at most a moved evidence-log head is signed.
  std::int64_t evidenceSignIntervalSeconds = 60;
};

// "127.0.0.1:8443", "[::1]:8443", "0.0.0.0:0" → address (without brackets) and port.
Result<std::pair<std::string, std::uint16_t>> parseListen(const std::string& listen);

// Reads collector.json; unknown keys and bad values are errors.
Result<CollectorConfig> loadCollectorConfig(const DataDir& dir);
Result<CertificateAuthority> loadCertificateAuthority(const DataDir& dir);

}  // namespace annexa::collector
