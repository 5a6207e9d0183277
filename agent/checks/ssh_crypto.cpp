// ssh.strong_crypto: no weak cipher, MAC or key exchange enabled by the sshd configuration.
#include <algorithm>
#include <array>

#include "agent/checks/ssh.hpp"
#include "common/text.hpp"

namespace annexa::agent::checks {
namespace {

// What current OpenSSH knows, to expand wildcard patterns ("aes*") into the algorithms they enable.
constexpr std::array<std::string_view, 10> kCiphers = {
    "3des-cbc",   "aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr", "aes192-ctr", "aes256-ctr",
    "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com"};
constexpr std::array<std::string_view, 16> kMacs = {
    "hmac-sha1",  "hmac-sha1-96", "hmac-sha2-256", "hmac-sha2-512", "hmac-md5", "hmac-md5-96",
    "umac-64@openssh.com", "umac-128@openssh.com", "hmac-sha1-etm@openssh.com", "hmac-sha1-96-etm@openssh.com",
    "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-md5-etm@openssh.com",
    "hmac-md5-96-etm@openssh.com", "umac-64-etm@openssh.com", "umac-128-etm@openssh.com"};
constexpr std::array<std::string_view, 15> kKex = {
    "diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group14-sha256",
    "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512", "diffie-hellman-group-exchange-sha1",
    "diffie-hellman-group-exchange-sha256", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
    "curve25519-sha256", "curve25519-sha256@libssh.org", "sntrup761x25519-sha512@openssh.com",
    "sntrup761x25519-sha512", "mlkem768x25519-sha256"};

bool isWeak(SshAlgorithmKind kind, std::string_view name) {
  const auto lower = text::toLower(name);
  switch (kind) {
    case SshAlgorithmKind::Cipher:
      return text::contains(lower, "cbc") || text::startsWith(lower, "arcfour") || text::startsWith(lower, "des") ||
             text::startsWith(lower, "3des");
    case SshAlgorithmKind::Mac:
      return text::startsWith(lower, "hmac-md5") || text::startsWith(lower, "hmac-sha1");
    case SshAlgorithmKind::Kex:
      return text::contains(lower, "sha1");
  }
  return false;
}

template <std::size_t N>
void addWeakMatches(const std::array<std::string_view, N>& known, SshAlgorithmKind kind, std::string_view pattern,
                    std::vector<std::string>& out) {
  for (const auto name : known)
    if (isWeak(kind, name) && matchesPattern(pattern, name)) out.emplace_back(name);
}

struct AlgorithmKeyword {
  SshAlgorithmKind kind;
  std::string_view keyword;
  std::string_view expected;
};

constexpr std::array<AlgorithmKeyword, 3> kKeywords = {{
    {SshAlgorithmKind::Cipher, "Ciphers", "no CBC, 3DES or arcfour cipher"},
    {SshAlgorithmKind::Mac, "MACs", "no hmac-md5 or hmac-sha1 MAC (incl. -96 and -etm variants)"},
    {SshAlgorithmKind::Kex, "KexAlgorithms", "no SHA-1 key exchange (group1, group14-sha1, group-exchange-sha1)"},
}};

}  // namespace

std::vector<std::string> weakSshAlgorithms(SshAlgorithmKind kind, std::string_view value) {
  value = text::trim(value);
  if (value.empty() || value.front() == '-') return {};  // "-list" removes algorithms from the default set
  if (value.front() == '+' || value.front() == '^') value.remove_prefix(1);
  std::vector<std::string> weak;
  for (const auto& raw : text::split(value, ',')) {
    const auto entry = text::trim(raw);
    if (entry.empty() || entry.front() == '!') continue;
    if (entry.find_first_of("*?[") == std::string_view::npos) {
      if (isWeak(kind, entry)) weak.emplace_back(entry);
      continue;
    }
    switch (kind) {
      case SshAlgorithmKind::Cipher: addWeakMatches(kCiphers, kind, entry, weak); break;
      case SshAlgorithmKind::Mac: addWeakMatches(kMacs, kind, entry, weak); break;
      case SshAlgorithmKind::Kex: addWeakMatches(kKex, kind, entry, weak); break;
    }
  }
  std::vector<std::string> unique;
  for (auto& name : weak)
    if (std::find(unique.begin(), unique.end(), name) == unique.end()) unique.push_back(std::move(name));
  return unique;
}

Outcome evaluateStrongCrypto(const SshdFacts& facts) {
  if (auto unavailable = sshdUnavailable(facts)) return *unavailable;
  // Ciphers, MACs and KexAlgorithms are not allowed in Match blocks: the global value is the only one.
  const SshdSettings settings(facts.config);
  std::vector<Evidence> evidence;
  std::vector<std::string> weak;
  std::vector<std::string> defaults;
  for (const auto& keyword : kKeywords) {
    const std::string name(keyword.keyword);
    evidence.push_back(sshdEvidence(settings, {keyword.keyword}, "OpenSSH default list", std::string(keyword.expected)));
    const auto* setting = settings.find({keyword.keyword});
    if (!setting) {
      defaults.push_back(name);
      continue;
    }
    for (auto& algorithm : weakSshAlgorithms(keyword.kind, setting->value)) weak.push_back(std::move(algorithm));
  }
  if (!weak.empty())
    return Outcome::fail("sshd enables weak algorithms: " + text::join(weak, ", "), evidence);
  return Outcome::pass(defaults.size() == kKeywords.size()
                           ? "sshd uses OpenSSH's default algorithms (no weak cipher, MAC or key exchange is added)"
                           : "sshd enables no weak cipher, MAC or key exchange",
                       evidence);
}

namespace {

constexpr CheckSpec kStrongCrypto{
    "ssh.strong_crypto",
    "SSH offers only strong ciphers, MACs and key exchanges",
    Severity::Medium,
    "Remote administration traffic must be protected with cryptography that is not known to be weak (A.8.24) to keep "
    "network services secure (A.8.20). CBC-mode and arcfour ciphers, MD5/SHA-1 MACs and SHA-1 key exchanges have "
    "practical attacks or deprecated strength.",
    "Remove CBC, arcfour, hmac-md5/hmac-sha1 and SHA-1 key exchange names from Ciphers, MACs and KexAlgorithms in "
    "/etc/ssh/sshd_config (or its drop-ins / crypto policy), or drop the lines to use OpenSSH's defaults; reload sshd.",
};

Outcome runStrongCrypto(const CheckContext& ctx) { return evaluateStrongCrypto(probeSshd(ctx, false)); }

ANNEXA_REGISTER_CHECK(kStrongCrypto, runStrongCrypto);

}  // namespace
}  // namespace annexa::agent::checks
