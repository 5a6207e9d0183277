// System-wide TLS policy: the minimum protocol version OpenSSL's system_default section (or RHEL's
// crypto-policies back-end, included into it) imposes on every program using the system library.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check.hpp"

namespace annexa::agent::checks {

struct OpensslSetting {
  std::string section;
  std::string key;
  std::string value;
  std::string file;
  int lineNumber = 0;
  std::string where() const { return file + ":" + std::to_string(lineNumber); }
};

// An OpenSSL configuration with its .include files expanded.
struct OpensslConfig {
  std::vector<std::string> files;
  std::vector<OpensslSetting> settings;  // in file order; a later assignment of the same key wins
  // Section and key names are case-sensitive, except SSL_CONF commands (MinProtocol…), which OpenSSL matches
  // case-insensitively in files.
  const OpensslSetting* find(std::string_view section, std::string_view key, bool ignoreCase = false) const;
};

// Called for ".include PATH" with the path as written; it parses the included file into the same config
// (keys before any [section] of the included file belong to the including file's current section).
using OpensslIncludeHandler = std::function<VoidResult(std::string_view path, std::string& section)>;
// Parses one file's text. `section` is the current section ("default" at the top of the main file).
VoidResult parseOpensslConfig(std::string_view content, const std::string& file, std::string& section,
                              OpensslConfig& config, const OpensslIncludeHandler& include);

struct SystemTlsFacts {
  std::string configFile;  // /etc/ssl/openssl.cnf or /etc/pki/tls/openssl.cnf; empty when neither exists
  std::string chain;       // how the system_default section was found, or where the chain stopped
  std::optional<OpensslSetting> minProtocol;   // TLS.MinProtocol or MinProtocol in system_default
  std::optional<OpensslSetting> cipherString;  // may lower the security level (@SECLEVEL=0)
  std::optional<std::string> cryptoPolicy;     // RHEL family: /etc/crypto-policies/config ("DEFAULT", "LEGACY:…")
  std::vector<std::string> libraries;          // libssl.so.* found in the system library directories
};
Result<SystemTlsFacts> probeSystemTls(const SystemView& system);

// 0 SSLv3, 1 TLSv1, 2 TLSv1.1, 3 TLSv1.2, 4 TLSv1.3; nullopt when unrecognised.
std::optional<int> tlsProtocolRank(std::string_view protocol);

// tls.system_min_protocol
Outcome evaluateSystemMinProtocol(const Result<SystemTlsFacts>& facts);

}  // namespace annexa::agent::checks
