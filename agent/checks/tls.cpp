#include "agent/checks/tls.hpp"

#include <algorithm>
#include <array>

#include "common/text.hpp"

namespace annexa::agent::checks {
namespace {

constexpr std::size_t kMaxConfigBytes = 1024 * 1024;
constexpr int kMaxIncludeDepth = 8;
// Debian/Ubuntu/SUSE/Alpine first, then the RHEL family.
constexpr std::array kConfigFiles = {"/etc/ssl/openssl.cnf", "/etc/pki/tls/openssl.cnf"};
constexpr std::array kLibraryDirectories = {"/usr/lib64", "/lib64", "/usr/lib", "/lib"};
constexpr std::array kProtocols = {"SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
constexpr int kTls12 = 3;
constexpr const char* kExpected = "MinProtocol = TLSv1.2 or TLSv1.3 in the system_default section";

std::string unquote(std::string_view value) {
  value = text::trim(value);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  return std::string(value);
}

std::string directoryOf(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

class OpensslLoader {
 public:
  OpensslLoader(const SystemView& system, OpensslConfig& config) : system_(system), config_(config) {}

  VoidResult load(const std::string& path, std::string& section, int depth) {
    if (depth > kMaxIncludeDepth) return makeError(path + ": .include nests deeper than 8 levels");
    if (system_.isDirectory(path)) return loadDirectory(path, section, depth);
    auto content = system_.readFile(path, kMaxConfigBytes);
    if (!content) return makeError("cannot read " + content.error());
    config_.files.push_back(path);
    return parseOpensslConfig(*content, path, section, config_, [&](std::string_view target, std::string& current) {
      // OpenSSL resolves relative paths against OPENSSL_CONF_INCLUDE or its working directory; the including
      // file's directory is what such configurations mean in practice.
      const std::string resolved(target.front() == '/' ? std::string(target) : joinPath(directoryOf(path), target));
      return load(resolved, current, depth + 1);
    });
  }

 private:
  // A directory includes its *.cnf and *.conf files.
  VoidResult loadDirectory(const std::string& path, std::string& section, int depth) {
    auto names = system_.listDirectory(path);
    if (!names) return makeError("cannot list " + names.error());
    for (const auto& name : *names) {
      if (!text::endsWith(name, ".cnf") && !text::endsWith(name, ".conf")) continue;
      if (auto r = load(joinPath(path, name), section, depth + 1); !r) return r;
    }
    return success();
  }

  const SystemView& system_;
  OpensslConfig& config_;
};

// openssl_conf → [init] ssl_conf → [ssl] system_default → [section]; empty with the reason when a link is missing.
std::string findSystemDefault(const OpensslConfig& config, std::string& chain) {
  const auto* init = config.find("default", "openssl_conf");
  if (!init) {
    chain = "no openssl_conf at the top of the configuration: no system-wide TLS settings";
    return {};
  }
  const auto* ssl = config.find(init->value, "ssl_conf");
  if (!ssl) {
    chain = "openssl_conf = " + init->value + ", but [" + init->value + "] has no ssl_conf";
    return {};
  }
  const auto* system = config.find(ssl->value, "system_default");
  if (!system) {
    chain = "ssl_conf = " + ssl->value + ", but [" + ssl->value + "] has no system_default";
    return {};
  }
  chain = "openssl_conf = " + init->value + " → ssl_conf = " + ssl->value + " → system_default = " + system->value;
  return system->value;
}

std::vector<std::string> findLibraries(const SystemView& system) {
  std::vector<std::string> directories(kLibraryDirectories.begin(), kLibraryDirectories.end());
  // Debian multiarch: /usr/lib/x86_64-linux-gnu and friends.
  for (const auto& path : system.glob("/usr/lib/*-linux-*")) directories.push_back(path);
  std::vector<std::string> libraries;
  for (const auto& directory : directories)
    for (auto& library : system.glob(directory + "/libssl.so.*")) libraries.push_back(std::move(library));
  return libraries;
}

std::string policyName(std::string_view policy) { return std::string(text::trim(policy.substr(0, policy.find(':')))); }

Evidence settingEvidence(const OpensslSetting& s) { return {s.where(), s.key + " = " + s.value, kExpected}; }

}  // namespace

const OpensslSetting* OpensslConfig::find(std::string_view section, std::string_view key, bool ignoreCase) const {
  for (auto it = settings.rbegin(); it != settings.rend(); ++it)
    if (it->section == section && (ignoreCase ? text::iequals(it->key, key) : it->key == key)) return &*it;
  return nullptr;
}

VoidResult parseOpensslConfig(std::string_view content, const std::string& file, std::string& section,
                              OpensslConfig& config, const OpensslIncludeHandler& include) {
  int number = 0;
  for (const auto raw : text::lines(content)) {
    ++number;
    const auto line = text::stripComment(raw);
    if (line.empty()) continue;
    if (line.front() == '[') {
      const auto close = line.find(']');
      if (close != std::string_view::npos) section = std::string(text::trim(line.substr(1, close - 1)));
      continue;
    }
    if (text::startsWith(line, ".include")) {
      auto target = text::trim(line.substr(8));
      if (!target.empty() && target.front() == '=') target = text::trim(target.substr(1));
      if (!target.empty())
        if (auto r = include(unquote(target), section); !r) return r;
      continue;
    }
    if (line.front() == '.') continue;  // .pragma
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    config.settings.push_back(
        {section, std::string(text::trim(line.substr(0, eq))), unquote(line.substr(eq + 1)), file, number});
  }
  return success();
}

std::optional<int> tlsProtocolRank(std::string_view protocol) {
  for (std::size_t i = 0; i < kProtocols.size(); ++i)
    if (text::iequals(protocol, kProtocols[i])) return static_cast<int>(i);
  return std::nullopt;
}

Result<SystemTlsFacts> probeSystemTls(const SystemView& system) {
  SystemTlsFacts facts;
  facts.libraries = findLibraries(system);
  if (system.exists("/etc/crypto-policies/config")) {
    auto policy = system.readFile("/etc/crypto-policies/config", 4096);
    if (!policy) return makeError("cannot read " + policy.error());
    for (const auto line : text::lines(*policy))
      if (const auto value = text::stripComment(line); !value.empty()) {
        facts.cryptoPolicy = std::string(value);
        break;
      }
  }
  for (const char* candidate : kConfigFiles)
    if (system.exists(candidate)) {
      facts.configFile = candidate;
      break;
    }
  if (facts.configFile.empty()) return facts;

  OpensslConfig config;
  std::string section = "default";
  if (auto r = OpensslLoader(system, config).load(facts.configFile, section, 0); !r) return makeError(r.error());
  const auto systemDefault = findSystemDefault(config, facts.chain);
  if (systemDefault.empty()) return facts;
  // Red Hat's OpenSSL also accepts the protocol-family prefixed form its crypto-policies back-end writes.
  const auto* min = config.find(systemDefault, "TLS.MinProtocol", true);
  if (!min) min = config.find(systemDefault, "MinProtocol", true);
  if (min) facts.minProtocol = *min;
  if (const auto* cipher = config.find(systemDefault, "CipherString", true)) facts.cipherString = *cipher;
  return facts;
}

Outcome evaluateSystemMinProtocol(const Result<SystemTlsFacts>& facts) {
  if (!facts) return Outcome::error(facts.error());
  const auto& f = *facts;
  if (f.configFile.empty() && f.libraries.empty())
    return Outcome::notApplicable("OpenSSL is not installed (no openssl.cnf, no libssl)");
  if (f.cryptoPolicy && text::iequals(policyName(*f.cryptoPolicy), "LEGACY"))
    return Outcome::fail("The system crypto policy is LEGACY, which keeps old protocols and algorithms enabled",
                         {{"/etc/crypto-policies/config", *f.cryptoPolicy, "DEFAULT, FUTURE or FIPS"}});

  if (f.minProtocol && !text::iequals(f.minProtocol->value, "None")) {
    const auto rank = tlsProtocolRank(f.minProtocol->value);
    if (!rank) return Outcome::error("Unrecognised minimum protocol \"" + f.minProtocol->value + "\"",
                                     {settingEvidence(*f.minProtocol)});
    if (*rank >= kTls12)
      return Outcome::pass("System OpenSSL requires at least " + f.minProtocol->value,
                           {settingEvidence(*f.minProtocol)});
    return Outcome::fail("System OpenSSL still accepts " + f.minProtocol->value, {settingEvidence(*f.minProtocol)});
  }

  // No minimum configured: the library's built-in default decides.
  std::vector<Evidence> evidence;
  if (f.minProtocol) evidence.push_back(settingEvidence(*f.minProtocol));
  else evidence.push_back({f.configFile.empty() ? "openssl.cnf" : f.configFile,
                           f.configFile.empty() ? "no OpenSSL configuration file"
                                                : "MinProtocol not set (" + f.chain + ")",
                           kExpected});
  if (f.cipherString) evidence.push_back({f.cipherString->where(), "CipherString = " + f.cipherString->value,
                                          "security level 1 or higher"});
  std::vector<std::string> legacy;
  bool openssl3 = false;
  for (const auto& library : f.libraries) {
    if (text::endsWith(library, ".so.3")) openssl3 = true;
    else legacy.push_back(library);
  }
  if (!legacy.empty()) {
    evidence.push_back({text::join(legacy, ", "), "OpenSSL 1.x library: accepts TLS 1.0 unless configured",
                        "only OpenSSL 3 without a configured minimum"});
    return Outcome::fail("No minimum TLS version is configured and an OpenSSL 1.x library (default minimum TLS 1.0) "
                         "is installed",
                         evidence);
  }
  if (!openssl3)
    return Outcome::error("No minimum TLS version is configured and no libssl was found to tell the default",
                          evidence);
  evidence.push_back({f.libraries.front(),
                      "OpenSSL 3: TLS 1.0/1.1 and SSLv3 are only allowed at security level 0",
                      "security level 1 or higher"});
  if (f.cipherString && text::contains(f.cipherString->value, "@SECLEVEL=0"))
    return Outcome::fail("No minimum TLS version is configured and the security level is lowered to 0, "
                         "which re-enables TLS 1.0/1.1",
                         evidence);
  return Outcome::pass("No minimum TLS version is configured, but OpenSSL 3 at security level ≥ 1 refuses anything "
                       "below TLS 1.2",
                       evidence);
}

namespace {

constexpr CheckSpec kSystemMinProtocol{
    "tls.system_min_protocol",
    "System TLS library refuses protocols older than TLS 1.2",
    Severity::Medium,
    "The system OpenSSL policy is the cryptographic baseline of every program that does not override it; requiring "
    "TLS 1.2 or later keeps broken protocol versions (SSLv3, TLS 1.0/1.1) out of use, as the rules for the use of "
    "cryptography require (A.8.24).",
    "Debian/Ubuntu: in /etc/ssl/openssl.cnf set `openssl_conf = openssl_init`, `[openssl_init] ssl_conf = ssl_sect`, "
    "`[ssl_sect] system_default = system_default_sect`, `[system_default_sect] MinProtocol = TLSv1.2` and keep "
    "CipherString at @SECLEVEL=2. RHEL family: `update-crypto-policies --set DEFAULT` (or FUTURE).",
};

Outcome runSystemMinProtocol(const CheckContext& ctx) { return evaluateSystemMinProtocol(probeSystemTls(ctx.system)); }

ANNEXA_REGISTER_CHECK(kSystemMinProtocol, runSystemMinProtocol);

}  // namespace
}  // namespace annexa::agent::checks
