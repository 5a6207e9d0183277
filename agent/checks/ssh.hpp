// OpenSSH server checks: crypto, MFA, passwords, root login, empty passwords, authentication attempts.
// Each setting is judged as sshd applies it: the global value (or sshd's compiled-in default) and every Match block
// that overrides it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/check.hpp"
#include "agent/checks/auth.hpp"
#include "agent/facts/sshd_config.hpp"

namespace annexa::agent::checks {

// What the probe found about the SSH server.
struct SshdFacts {
  bool installed = true;       // false: no sshd_config, no openssh-server package and no sshd binary
  std::string readError;       // installed, but the configuration could not be read
  SshdConfig config;
  std::string packageVersion;  // openssh-server version ("1:9.2p1-2+deb12u6"); empty when unknown
};

// Probe. `withVersion` also looks the package version up (only needed where a default changed between versions).
SshdFacts probeSshd(const CheckContext& ctx, bool withVersion);

// "1:9.2p1-2+deb12u6" → {9, 2}.
std::optional<std::pair<int, int>> parseOpenSshVersion(std::string_view packageVersion);

// ssh.permit_root_login, ssh.permit_empty_passwords, ssh.max_auth_tries
Outcome evaluatePermitRootLogin(const SshdFacts& facts);
Outcome evaluatePermitEmptyPasswords(const SshdFacts& facts);
Outcome evaluateMaxAuthTries(const SshdFacts& facts, long long maxTries);

// ssh.strong_crypto
enum class SshAlgorithmKind { Cipher, Mac, Kex };
// The weak algorithms a Ciphers/MACs/KexAlgorithms value turns on by naming them (literally, by wildcard, or with a
// "+" or "^" prefix). A "-" list only removes from the defaults and names nothing.
std::vector<std::string> weakSshAlgorithms(SshAlgorithmKind kind, std::string_view value);
Outcome evaluateStrongCrypto(const SshdFacts& facts);

// One way to log in: an AuthenticationMethods list, or a single enabled method when that is unset.
struct SshLoginPath {
  std::vector<std::string> methods;
  bool twoFactor = false;
  bool passwordAlone = false;  // a password (directly or through PAM) is all it takes
  std::string how;             // why, for messages
  bool impossible = false;     // can never succeed (a PAM method while PAM has no configuration for sshd)
};
// The paths one connection context offers; `pam` is the sshd auth stack analysis when UsePAM is on, else null.
std::vector<SshLoginPath> sshLoginPaths(const SshdSettings& settings, const PamMfaAnalysis* pam);

// ssh.password_authentication, ssh.mfa_required; `sshdAuth` is the sshd PAM auth stack (used when UsePAM yes).
Outcome evaluateSshPasswordAuthentication(const SshdFacts& facts, const PamServiceStack& sshdAuth);
Outcome evaluateSshMfa(const SshdFacts& facts, const PamServiceStack& sshdAuth);

// ---- shared by the ssh checks ------------------------------------------------------------------------------------

// not_applicable when sshd is not installed, error when its configuration is unreadable.
std::optional<Outcome> sshdUnavailable(const SshdFacts& facts);
// The global context and every Match block that sets one of the keywords.
std::vector<SshdSettings> sshdContexts(const SshdConfig& config, const std::vector<std::string_view>& keywords);
// " for connections matching `Match User x` (file:line)", empty for the global context.
std::string contextSuffix(const SshdSettings& settings);
// Evidence for a keyword in a context: the line that sets it, or "<Keyword> not set (default …)".
Evidence sshdEvidence(const SshdSettings& settings, const std::vector<std::string_view>& aliases,
                      const std::string& defaultValue, const std::string& expected);
// The first word of a setting's value in lower case, or the default when it is not set.
std::string sshdValue(const SshdSettings& settings, const std::vector<std::string_view>& aliases,
                      const std::string& defaultValue);
// The sshd PAM auth stack as sshd uses it: /etc/pam.d/sshd, else "other".
PamServiceStack sshdPamStack(const SystemView& system);

}  // namespace annexa::agent::checks
