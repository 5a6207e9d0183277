// sshd probe, shared helpers and the single-keyword checks: root login, empty passwords, authentication attempts.
#include "agent/checks/ssh.hpp"

#include <functional>

#include "agent/facts/host_facts.hpp"
#include "common/text.hpp"

namespace annexa::agent::checks {

// ---- probe and shared helpers ------------------------------------------------------------------------------------

SshdFacts probeSshd(const CheckContext& ctx, bool withVersion) {
  SshdFacts facts;
  const auto packageVersion = [&]() -> std::string {
    const auto& packages = ctx.facts.packages();  // read only when needed: the database is large
    if (!packages) return "";
    const auto it = packages->versions.find("openssh-server");
    return it == packages->versions.end() ? "" : it->second;
  };
  if (!ctx.system.exists(kSshdConfigPath)) {
    const bool packaged = !packageVersion().empty();
    if (!packaged && !ctx.system.exists("/usr/sbin/sshd")) {
      facts.installed = false;
      return facts;
    }
    facts.readError = std::string(kSshdConfigPath) + " is missing although sshd is installed (sshd will not start)";
    return facts;
  }
  auto config = loadSshdConfig(ctx.system);
  if (!config) facts.readError = config.error();
  else facts.config = std::move(*config);
  if (withVersion) facts.packageVersion = packageVersion();
  return facts;
}

std::optional<std::pair<int, int>> parseOpenSshVersion(std::string_view version) {
  if (const auto colon = version.find(':'); colon != std::string_view::npos) version.remove_prefix(colon + 1);
  const auto dot = version.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::size_t end = dot + 1;
  while (end < version.size() && version[end] >= '0' && version[end] <= '9') ++end;
  long long major = 0;
  long long minor = 0;
  if (!text::parseInt(version.substr(0, dot), major) || !text::parseInt(version.substr(dot + 1, end - dot - 1), minor))
    return std::nullopt;
  return std::pair<int, int>{static_cast<int>(major), static_cast<int>(minor)};
}

std::optional<Outcome> sshdUnavailable(const SshdFacts& facts) {
  if (!facts.installed)
    return Outcome::notApplicable(
        "The OpenSSH server is not installed (no sshd_config, openssh-server package or sshd binary)",
        {{std::string(kSshdConfigPath), "missing; openssh-server not installed", "an installed sshd"}});
  if (!facts.readError.empty())
    return Outcome::error("Cannot read the sshd configuration: " + facts.readError,
                          {{facts.config.mainFile, facts.readError, "a readable sshd configuration"}});
  return std::nullopt;
}

std::vector<SshdSettings> sshdContexts(const SshdConfig& config, const std::vector<std::string_view>& keywords) {
  std::vector<SshdSettings> contexts{SshdSettings(config)};
  for (const auto& block : config.matchBlocks)
    if (SshdSettings(config, &block).blockSets(keywords)) contexts.emplace_back(config, &block);
  return contexts;
}

std::string contextSuffix(const SshdSettings& settings) {
  if (!settings.block()) return "";
  return " for connections matching `Match " + settings.block()->criteria + "` (" + settings.block()->location() + ")";
}

Evidence sshdEvidence(const SshdSettings& settings, const std::vector<std::string_view>& aliases,
                      const std::string& defaultValue, const std::string& expected) {
  if (const auto* setting = settings.find(aliases)) {
    const bool fromBlock = settings.blockSets(aliases);
    return {setting->location(),
            (fromBlock ? "Match " + settings.block()->criteria + ": " : std::string()) + setting->text(), expected};
  }
  return {settings.config().mainFile, std::string(aliases.front()) + " not set (default " + defaultValue + ")",
          expected};
}

std::string sshdValue(const SshdSettings& settings, const std::vector<std::string_view>& aliases,
                      const std::string& defaultValue) {
  const auto* setting = settings.find(aliases);
  if (!setting) return defaultValue;
  const auto words = text::splitWords(setting->value);
  return words.empty() ? std::string() : text::toLower(words.front());
}

PamServiceStack sshdPamStack(const SystemView& system) {
  auto stack = loadPamServiceStack(system, "sshd", PamType::Auth);
  if (stack.present) return stack;
  auto other = loadPamServiceStack(system, "other", PamType::Auth);  // Linux-PAM's fallback service
  return other.present ? other : stack;
}

// ---- single-keyword checks ---------------------------------------------------------------------------------------

namespace {

enum class Verdict { Good, Bad, Unknown };

struct KeywordRule {
  std::vector<std::string_view> aliases;
  std::string defaultValue;
  std::string expected;
  std::function<Verdict(const std::string& value)> judge;
};

struct KeywordFindings {
  std::vector<Evidence> evidence;
  std::vector<std::string> bad;  // "PermitRootLogin yes for connections matching …"
  std::string unknown;           // a value sshd would not accept
  std::string globalValue;
};

KeywordFindings inspectKeyword(const SshdConfig& config, const KeywordRule& rule) {
  KeywordFindings findings;
  for (const auto& settings : sshdContexts(config, rule.aliases)) {
    const auto value = sshdValue(settings, rule.aliases, rule.defaultValue);
    if (!settings.block()) findings.globalValue = value;
    findings.evidence.push_back(sshdEvidence(settings, rule.aliases, rule.defaultValue, rule.expected));
    const auto verdict = rule.judge(value);
    if (verdict == Verdict::Bad) findings.bad.push_back(std::string(rule.aliases.front()) + " " + value + contextSuffix(settings));
    if (verdict == Verdict::Unknown && findings.unknown.empty())
      findings.unknown = std::string(rule.aliases.front()) + " \"" + value + "\"" + contextSuffix(settings);
  }
  return findings;
}

Verdict yesNo(const std::string& value, bool yesIsGood) {
  if (value == "yes") return yesIsGood ? Verdict::Good : Verdict::Bad;
  if (value == "no") return yesIsGood ? Verdict::Bad : Verdict::Good;
  return Verdict::Unknown;
}

}  // namespace

Outcome evaluatePermitRootLogin(const SshdFacts& facts) {
  if (auto unavailable = sshdUnavailable(facts)) return *unavailable;
  // OpenSSH 7.0 changed the default from yes to prohibit-password.
  const auto version = parseOpenSshVersion(facts.packageVersion);
  const std::string fallback = version && version->first < 7 ? "yes" : "prohibit-password";
  const KeywordRule rule{{"PermitRootLogin"}, fallback, "no, prohibit-password or forced-commands-only",
                         [](const std::string& v) {
                           if (v == "no" || v == "prohibit-password" || v == "without-password" ||
                               v == "forced-commands-only")
                             return Verdict::Good;
                           return v == "yes" ? Verdict::Bad : Verdict::Unknown;
                         }};
  const auto findings = inspectKeyword(facts.config, rule);
  if (!findings.unknown.empty())
    return Outcome::error("Unrecognised " + findings.unknown + " (sshd refuses such a configuration)",
                          findings.evidence);
  if (!findings.bad.empty())
    return Outcome::fail("Root can log in over SSH with a password: " + text::join(findings.bad, "; "),
                         findings.evidence);
  return Outcome::pass(findings.globalValue == "no" ? "Root cannot log in over SSH (PermitRootLogin no)"
                                                    : "Root can log in over SSH only with a key (PermitRootLogin " +
                                                          findings.globalValue + ")",
                       findings.evidence);
}

Outcome evaluatePermitEmptyPasswords(const SshdFacts& facts) {
  if (auto unavailable = sshdUnavailable(facts)) return *unavailable;
  const KeywordRule rule{{"PermitEmptyPasswords"}, "no", "PermitEmptyPasswords no",
                         [](const std::string& v) { return yesNo(v, false); }};
  const auto findings = inspectKeyword(facts.config, rule);
  if (!findings.unknown.empty())
    return Outcome::error("Unrecognised " + findings.unknown + " (sshd refuses such a configuration)",
                          findings.evidence);
  if (!findings.bad.empty())
    return Outcome::fail("SSH accepts accounts with an empty password: " + text::join(findings.bad, "; "),
                         findings.evidence);
  return Outcome::pass("SSH refuses accounts with an empty password (PermitEmptyPasswords no)", findings.evidence);
}

Outcome evaluateMaxAuthTries(const SshdFacts& facts, long long maxTries) {
  if (auto unavailable = sshdUnavailable(facts)) return *unavailable;
  const KeywordRule rule{{"MaxAuthTries"}, "6", "MaxAuthTries " + std::to_string(maxTries) + " or less",
                         [maxTries](const std::string& v) {
                           long long n = 0;
                           if (!text::parseInt(v, n) || n < 0) return Verdict::Unknown;
                           return n <= maxTries ? Verdict::Good : Verdict::Bad;
                         }};
  const auto findings = inspectKeyword(facts.config, rule);
  if (!findings.unknown.empty())
    return Outcome::error("Unparseable " + findings.unknown + " (sshd refuses such a configuration)",
                          findings.evidence);
  if (!findings.bad.empty())
    return Outcome::fail("SSH allows more than " + std::to_string(maxTries) +
                             " authentication attempts per connection: " + text::join(findings.bad, "; "),
                         findings.evidence);
  return Outcome::pass("SSH allows at most " + findings.globalValue + " authentication attempts per connection",
                       findings.evidence);
}

// ---- registration ------------------------------------------------------------------------------------------------

namespace {

constexpr CheckSpec kPermitRootLogin{
    "ssh.permit_root_login",
    "SSH does not accept root's password",
    Severity::High,
    "Logging in directly as root with a password bypasses individual accountability and exposes the most privileged "
    "account to password guessing. Limiting root to key-based or no SSH login restricts privileged access rights "
    "(A.8.2) and supports secure authentication (A.8.5).",
    "Set `PermitRootLogin no` (or prohibit-password) at the top of /etc/ssh/sshd_config or in a drop-in read first, "
    "remove Match overrides that set yes, and reload sshd.",
};

constexpr CheckSpec kPermitEmptyPasswords{
    "ssh.permit_empty_passwords",
    "SSH refuses accounts with empty passwords",
    Severity::Critical,
    "With PermitEmptyPasswords yes anyone can log in over the network as an account that has no password, which "
    "defeats secure authentication (A.8.5).",
    "Set `PermitEmptyPasswords no` (or remove the line: no is the default) in /etc/ssh/sshd_config and its Match "
    "blocks, and reload sshd.",
};

constexpr CheckSpec kMaxAuthTries{
    "ssh.max_auth_tries",
    "SSH limits authentication attempts per connection",
    Severity::Low,
    "A low MaxAuthTries slows online password and key guessing and makes attacks visible in the logs sooner, part "
    "of a secure log-on procedure (A.8.5).",
    "Set `MaxAuthTries 4` (or the configured threshold) in /etc/ssh/sshd_config and reload sshd.",
};

Outcome runPermitRootLogin(const CheckContext& ctx) { return evaluatePermitRootLogin(probeSshd(ctx, true)); }
Outcome runPermitEmptyPasswords(const CheckContext& ctx) { return evaluatePermitEmptyPasswords(probeSshd(ctx, false)); }
Outcome runMaxAuthTries(const CheckContext& ctx) {
  return evaluateMaxAuthTries(probeSshd(ctx, false), ctx.config.thresholds.sshMaxAuthTries);
}

ANNEXA_REGISTER_CHECK(kPermitRootLogin, runPermitRootLogin);
ANNEXA_REGISTER_CHECK(kPermitEmptyPasswords, runPermitEmptyPasswords);
ANNEXA_REGISTER_CHECK(kMaxAuthTries, runMaxAuthTries);

}  // namespace
}  // namespace annexa::agent::checks
