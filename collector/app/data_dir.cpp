#include "collector/app/data_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/text_file.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/text.hpp"

namespace annexa::collector {
namespace fs = std::filesystem;

namespace {

constexpr const char* kDefaultConfig = R"({
  "listen": "127.0.0.1:8443",
  "threads": 0,
  "body_limit_bytes": 1048576,
  "retention_days": 400,
  "agent_certificate_days": 397,
  "default_interval_seconds": 900,
  "evidence_sign_interval_seconds": 60,
  "timeouts_ms": {"handshake": 10000, "header": 10000, "body": 30000, "idle": 60000}
}
)";

}  // namespace

Result<std::pair<std::string, std::uint16_t>> parseListen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  long long port = 0;
  if (colon == std::string::npos || !text::parseInt(listen.substr(colon + 1), port) || port < 0 || port > 65535)
    return makeError("listen must be ADDRESS:PORT (got \"" + listen + "\")");
  std::string address = listen.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
  return std::make_pair(address, static_cast<std::uint16_t>(port));
}

Result<InitResult> initDataDir(const DataDir& dir, const InitOptions& options) {
  std::error_code ec;
  if (fs::exists(dir.caKey(), ec) && !options.force)
    return makeError(dir.caKey().string() + " exists: refusing to replace the CA (agents pin it); use --force to start over");
  fs::create_directories(dir.operatorDir(), ec);
  if (ec) return makeError("cannot create " + dir.operatorDir().string() + ": " + ec.message());
  ::chmod(dir.root.c_str(), 0700);
  ::chmod(dir.operatorDir().c_str(), 0700);
  if (options.force) fs::remove(dir.database(), ec);

  auto caKey = pki::generateKey();
  if (!caKey) return makeError(caKey.error());
  auto caCert = pki::createCaCertificate(caKey->get(), "Annexa collector CA");
  if (!caCert) return makeError(caCert.error());

  auto serverKey = pki::generateKey();
  if (!serverKey) return makeError(serverKey.error());
  pki::IssueOptions server;
  server.subject = {"annexa-collector", pki::Role::Server};
  server.serverAuth = true;
  server.subjectAltNames = {"DNS:localhost", "IP:127.0.0.1", "IP:::1"};
  char hostname[256] = {};
  if (::gethostname(hostname, sizeof hostname - 1) == 0 && hostname[0]) server.subjectAltNames.push_back(std::string("DNS:") + hostname);
  for (const auto& san : options.subjectAltNames) {
    if (!text::startsWith(san, "DNS:") && !text::startsWith(san, "IP:"))
      return makeError("--san entries look like DNS:collector.example.org or IP:10.0.0.5 (got \"" + san + "\")");
    server.subjectAltNames.push_back(san);
  }
  auto serverCert = pki::issueCertificate(serverKey->get(), server, caCert->get(), caKey->get());
  if (!serverCert) return makeError(serverCert.error());

  for (auto written : {pki::writePrivateKey(dir.caKey(), caKey->get()),
                       pki::writePublicFile(dir.caCertificate(), pki::certificatePem(caCert->get())),
                       pki::writePrivateKey(dir.serverKey(), serverKey->get()),
                       pki::writePublicFile(dir.serverChain(), pki::certificatePem(serverCert->get()) +
                                                                   pki::certificatePem(caCert->get()))})
    if (!written) return makeError(written.error());
  if (!fs::exists(dir.config(), ec))
    if (auto written = pki::writePublicFile(dir.config(), kDefaultConfig); !written) return makeError(written.error());

  auto store = openSqliteStore(dir.database());
  ::chmod(dir.database().c_str(), 0600);  // evidence is confidential; SQLite's -wal/-shm files copy this mode
  auto admin = addOperator(dir, *store, "admin", pki::Role::Admin);
  if (!admin) return makeError(admin.error());
  return InitResult{pki::fingerprint(caCert->get()), *admin};
}

Result<CertificateAuthority> loadCertificateAuthority(const DataDir& dir) {
  auto cert = pki::loadCertificate(dir.caCertificate());
  if (!cert) return makeError(cert.error() + " (run `annexa-collector init --data " + dir.root.string() + "` first)");
  auto key = pki::loadPrivateKey(dir.caKey());
  if (!key) return makeError(key.error());
  CertificateAuthority ca;
  ca.certificatePem = pki::certificatePem(cert->get());
  ca.certificate = std::move(*cert);
  ca.key = std::move(*key);
  return ca;
}

Result<fs::path> addOperator(const DataDir& dir, Store& store, const std::string& name, pki::Role role) {
  static const std::regex validName("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
  if (!std::regex_match(name, validName)) return makeError("operator names use letters, digits, '.', '_' and '-' (max 64)");
  if (role != pki::Role::Admin && role != pki::Role::Viewer) return makeError("operator role must be admin or viewer");
  auto ca = loadCertificateAuthority(dir);
  if (!ca) return makeError(ca.error());
  auto key = pki::generateKey();
  if (!key) return makeError(key.error());
  pki::IssueOptions options;
  options.subject = {name, role};
  options.clientAuth = true;
  auto cert = pki::issueCertificate(key->get(), options, ca->certificate.get(), ca->key.get());
  if (!cert) return makeError(cert.error());
  if (auto w = pki::writePrivateKey(dir.operatorKey(name), key->get()); !w) return makeError(w.error());
  if (auto w = pki::writePublicFile(dir.operatorCertificate(name), pki::certificatePem(cert->get())); !w)
    return makeError(w.error());
  store.addOperator({name, std::string(pki::toString(role)), pki::serialHex(cert->get()), unixNow(), std::nullopt});
  return dir.operatorCertificate(name);
}

Result<CollectorConfig> loadCollectorConfig(const DataDir& dir) {
  auto textContent = readTextFile(dir.config(), 1024 * 1024);
  if (!textContent) return makeError(textContent.error());
  auto parsed = parseJson(*textContent);
  if (!parsed || !parsed->is_object())
    return makeError(dir.config().string() + ": " + (parsed ? "expected a JSON object" : parsed.error()));
  CollectorConfig config;
  config.server.certificateChain = dir.serverChain();
  config.server.privateKey = dir.serverKey();
  config.server.caCertificate = dir.caCertificate();
  config.server.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const auto where = dir.config().string();
  const auto integer = [&](const nlohmann::json& value, const std::string& key, long long min, long long max) -> Result<long long> {
    if (!value.is_number_integer()) return makeError(where + ": " + key + " must be an integer");
    const auto v = value.get<long long>();
    if (v < min || v > max) return makeError(where + ": " + key + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return v;
  };
  for (const auto& [key, value] : parsed->items()) {
    if (key == "listen") {
      if (!value.is_string()) return makeError(where + ": listen must be a string");
      auto listen = parseListen(value.get<std::string>());
      if (!listen) return makeError(where + ": " + listen.error());
      config.server.address = listen->first;
      config.server.port = listen->second;
      continue;
    }
    if (key == "timeouts_ms") {
      if (!value.is_object()) return makeError(where + ": timeouts_ms must be an object");
      for (const auto& [name, ms] : value.items()) {
        auto v = integer(ms, "timeouts_ms." + name, 10, 3600000);
        if (!v) return makeError(v.error());
        const std::chrono::milliseconds d(*v);
        if (name == "handshake") config.server.handshakeTimeout = d;
        else if (name == "header") config.server.headerTimeout = d;
        else if (name == "body") config.server.bodyTimeout = d;
        else if (name == "idle") config.server.idleTimeout = d;
        else return makeError(where + ": unknown timeout \"" + name + "\"");
      }
      continue;
    }
    Result<long long> v = makeError(where + ": unknown key \"" + key + "\"");
    if (key == "threads") v = integer(value, key, 0, 256);
    else if (key == "body_limit_bytes") v = integer(value, key, 1024, 64LL * 1024 * 1024);
    // At least the 2 days a short report may reach back to the full report it confirms (kUnchangedLongestSeconds).
    else if (key == "retention_days") v = integer(value, key, 2, 36500);
    else if (key == "agent_certificate_days") v = integer(value, key, 1, 3650);
    else if (key == "default_interval_seconds") v = integer(value, key, 60, 7 * 86400);
    else if (key == "evidence_sign_interval_seconds") v = integer(value, key, 1, 86400);
    if (!v) return makeError(v.error());
    if (key == "threads" && *v > 0) config.server.threads = static_cast<int>(*v);
    else if (key == "body_limit_bytes") config.server.bodyLimit = static_cast<std::size_t>(*v);
    else if (key == "retention_days") config.maintenance.retentionDays = *v;
    else if (key == "agent_certificate_days") config.api.agentCertificateDays = static_cast<int>(*v);
    else if (key == "default_interval_seconds") config.api.defaultIntervalSeconds = *v;
    else if (key == "evidence_sign_interval_seconds") config.evidenceSignIntervalSeconds = *v;
  }
  return config;
}

}  // namespace annexa::collector
