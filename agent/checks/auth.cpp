// Password policy checks: hashing, maximum age, quality, empty passwords.
#include "agent/checks/auth.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/text.hpp"

namespace annexa::agent::checks {
namespace {

// pam_unix's hash options; the last one given wins.
constexpr std::array<std::string_view, 7> kPamUnixHashes = {"md5",      "bigcrypt",      "sha256",  "sha512",
                                                            "blowfish", "gost_yescrypt", "yescrypt"};
// Acceptable schemes: SHA-512 crypt and yescrypt (what current distributions use), and bcrypt.
constexpr std::array<std::string_view, 5> kStrongHashes = {"SHA512", "YESCRYPT", "GOST_YESCRYPT", "BCRYPT",
                                                           "BLOWFISH"};

bool isStrongHash(std::string_view method) {
  return std::any_of(kStrongHashes.begin(), kStrongHashes.end(),
                     [&](std::string_view strong) { return text::iequals(strong, method); });
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string loginDefsSource(const LoginDefs& defs) { return defs.exists ? defs.source : "/etc/login.defs (missing)"; }

struct EncryptMethod {
  std::string method;  // upper case
  Evidence evidence;
};

// ENCRYPT_METHOD, or shadow-utils' fallback (MD5 when MD5_CRYPT_ENAB is yes, else DES).
EncryptMethod encryptMethod(const LoginDefs& defs) {
  const std::string expected = "ENCRYPT_METHOD SHA512 or YESCRYPT";
  if (const auto value = defs.get("ENCRYPT_METHOD"))
    return {upper(value->value), {defs.location(*value), "ENCRYPT_METHOD " + value->value, expected}};
  const auto md5 = defs.get("MD5_CRYPT_ENAB");
  const std::string fallback = md5 && text::iequals(md5->value, "yes") ? "MD5" : "DES";
  return {fallback, {loginDefsSource(defs), "ENCRYPT_METHOD not set (default " + fallback + ")", expected}};
}

// The stack passwd uses to set passwords (Debian common-password, RHEL system-auth through includes).
PamServiceStack passwordStack(const SystemView& system) {
  for (const std::string_view service : {"passwd", "common-password", "system-auth"}) {
    auto stack = loadPamServiceStack(system, service, PamType::Password);
    if (stack.present) return stack;
  }
  PamServiceStack none;
  none.service = "passwd";
  return none;
}

Outcome pamUnavailable(const PamServiceStack& stack) {
  return Outcome::error("Cannot read the PAM password stack: " + stack.readError,
                        {{"/etc/pam.d/" + stack.service, stack.readError, "a readable PAM configuration"}});
}

}  // namespace

// ---- auth.password_hashing ---------------------------------------------------------------------------------------

Outcome evaluatePasswordHashing(const Result<LoginDefs>& loginDefs, const PamServiceStack& passwordStack) {
  if (!loginDefs)
    return Outcome::error("Cannot read login.defs: " + loginDefs.error(),
                          {{std::string(kLoginDefsPath), loginDefs.error(), "ENCRYPT_METHOD SHA512 or YESCRYPT"}});
  if (!passwordStack.readError.empty()) return pamUnavailable(passwordStack);

  const auto defs = encryptMethod(*loginDefs);
  std::vector<Evidence> evidence{defs.evidence};
  std::vector<std::string> weak;
  if (!isStrongHash(defs.method)) weak.push_back("login.defs ENCRYPT_METHOD " + defs.method);

  bool anyPamUnix = false;
  std::vector<std::string> schemes{"login.defs " + defs.method};
  for (const auto& rule : passwordStack.stack.rules) {
    if (rule.moduleName() != "pam_unix") continue;
    anyPamUnix = true;
    std::string method;
    for (const auto& arg : rule.args)
      if (std::find(kPamUnixHashes.begin(), kPamUnixHashes.end(), arg) != kPamUnixHashes.end()) method = arg;
    // Without a hash option pam_unix follows ENCRYPT_METHOD from login.defs (Linux-PAM ≥ 1.4).
    const std::string observed = method.empty() ? rule.text() + " (no hash option: " + defs.method + " from login.defs)"
                                                : rule.text();
    if (method.empty()) method = defs.method;
    evidence.push_back({rule.location(), observed, "pam_unix with sha512 or yescrypt"});
    if (!isStrongHash(method)) weak.push_back("pam_unix " + method + " (" + rule.location() + ")");
    schemes.push_back("pam_unix " + method);
  }
  if (passwordStack.present && !anyPamUnix)
    evidence.push_back({"/etc/pam.d/" + passwordStack.service, "no pam_unix in the password stack",
                        "pam_unix with sha512 or yescrypt"});

  if (!weak.empty())
    return Outcome::fail("New passwords are stored with a weak hash: " + text::join(weak, ", "), evidence);
  return Outcome::pass("New passwords get a strong hash: " + text::join(schemes, ", "), evidence);
}

// ---- auth.password_max_age ---------------------------------------------------------------------------------------

Outcome evaluatePasswordMaxAge(const Result<LoginDefs>& loginDefs, long long maxDays) {
  const std::string expected = "PASS_MAX_DAYS between 0 and " + std::to_string(maxDays);
  if (!loginDefs)
    return Outcome::error("Cannot read login.defs: " + loginDefs.error(),
                          {{std::string(kLoginDefsPath), loginDefs.error(), expected}});
  const auto value = loginDefs->get("PASS_MAX_DAYS");
  if (!value)
    return Outcome::fail("Passwords never expire: PASS_MAX_DAYS is not set",
                         {{loginDefsSource(*loginDefs), "PASS_MAX_DAYS not set (no maximum age)", expected}});
  Evidence evidence{loginDefs->location(*value), "PASS_MAX_DAYS " + value->value, expected};
  // useradd, pwconv, chpasswd and usermod read it with getdef_num("PASS_MAX_DAYS", -1).
  const auto parsed = shadowGetNum(value->value);
  if (!parsed) {
    evidence.observed += " (shadow-utils: \"cannot parse PASS_MAX_DAYS value\", uses -1: no maximum age)";
    return Outcome::fail("Passwords never expire: shadow-utils cannot parse PASS_MAX_DAYS \"" + value->value +
                             "\" (the whole rest of the line is the value) and uses -1, no maximum age",
                         {evidence});
  }
  const long long days = *parsed;
  const std::string asRead = std::to_string(days);
  if (asRead != text::trim(value->value)) evidence.observed += " (read by shadow-utils as " + asRead + ")";
  const std::string note = asRead != text::trim(value->value) ? " (\"" + value->value + "\" as shadow-utils reads it)" : "";
  if (days < 0) return Outcome::fail("Passwords never expire: PASS_MAX_DAYS is " + asRead + note, {evidence});
  if (days > maxDays)
    return Outcome::fail("Passwords expire only after " + asRead + " days" + note + " (more than " +
                             std::to_string(maxDays) + ")",
                         {evidence});
  return Outcome::pass("New accounts' passwords expire after " + asRead + " days" + note, {evidence});
}

// ---- auth.password_quality ---------------------------------------------------------------------------------------

namespace {

constexpr long long kShortestAllowed = 6;  // libpwquality and pam_cracklib raise smaller minlen values to 6

struct QualityRule {
  std::string module;
  long long minimum = 0;  // the shortest password the rule accepts (minlen less the credits it grants)
  bool enforcing = true;
  std::string description;
  std::vector<Evidence> evidence;
  std::string error;
};

QualityRule inspectQualityRule(const PamRule& rule, const ConfFiles& conf, long long minLength) {
  const std::string expected = "passwords of at least " + std::to_string(minLength) + " characters";
  QualityRule out;
  out.module = rule.moduleName();
  out.evidence.push_back({rule.location(), rule.text(), expected});
  const bool pwquality = out.module == "pam_pwquality";
  // pam_cracklib has no config file and grants one credit per character class by default; pwquality grants none.
  const long long defaultMinlen = pwquality ? 8 : 9;
  const long long defaultCredit = pwquality ? 0 : 1;

  std::vector<std::string> sources;
  const auto setting = [&](std::string_view key, long long fallback) -> std::optional<long long> {
    std::string value;
    std::string where;
    if (auto arg = rule.argValue(key)) {
      value = *arg;
      where = rule.location();
    } else if (const auto* conf_setting = pwquality ? conf.last(key) : nullptr) {
      value = conf_setting->value;
      where = conf_setting->location();
      out.evidence.push_back({where, std::string(key) + " = " + value, expected});
    } else {
      return fallback;
    }
    long long n = 0;
    if (!text::parseInt(value, n)) {
      out.error = std::string(key) + " \"" + value + "\" is not a number (" + where + ")";
      return std::nullopt;
    }
    return n;
  };
  const auto minlen = setting("minlen", defaultMinlen);
  long long credits = 0;
  for (const std::string_view key : {"dcredit", "ucredit", "lcredit", "ocredit"}) {
    const auto credit = setting(key, defaultCredit);
    if (credit && *credit > 0) credits += *credit;
  }
  const auto enforcing = pwquality ? setting("enforcing", 1) : std::optional<long long>(1);
  if (!minlen || !enforcing) return out;
  out.enforcing = *enforcing != 0;
  out.minimum = std::max(kShortestAllowed, std::max(*minlen, kShortestAllowed) - credits);
  out.description = out.module + " minlen " + std::to_string(*minlen) +
                    (credits > 0 ? " less " + std::to_string(credits) + " credits" : "") + " accepts " +
                    std::to_string(out.minimum) + " characters";
  return out;
}

}  // namespace

Outcome evaluatePasswordQuality(const PamServiceStack& passwordStack, const ConfFiles& pwqualityConf,
                                long long minLength) {
  const std::string expected = "pam_pwquality or pam_cracklib required, passwords of at least " +
                               std::to_string(minLength) + " characters";
  if (!passwordStack.present)
    return Outcome::notApplicable("PAM is not configured (no passwd, common-password or system-auth file)",
                                  {{"/etc/pam.d", "no password stack", expected}});
  if (!passwordStack.readError.empty()) return pamUnavailable(passwordStack);
  if (!pwqualityConf.readError.empty())
    return Outcome::error("Cannot read the pwquality configuration: " + pwqualityConf.readError,
                          {{"/etc/security/pwquality.conf", pwqualityConf.readError, expected}});

  std::vector<Evidence> evidence;
  std::vector<std::string> problems;
  long long enforcedMinimum = 0;
  std::string enforcedBy;
  for (const auto& rule : passwordStack.stack.rules) {
    const auto name = rule.moduleName();
    if (name != "pam_pwquality" && name != "pam_cracklib") continue;
    auto quality = inspectQualityRule(rule, pwqualityConf, minLength);
    evidence.insert(evidence.end(), quality.evidence.begin(), quality.evidence.end());
    if (!quality.error.empty()) return Outcome::error("Cannot tell the password length rule: " + quality.error, evidence);
    const bool required = !pamStackCanSucceed(passwordStack.stack, [&rule](const PamRule& r) {
      return &r == &rule ? unsigned{kPamFailure} : anyPamOutcome(r);
    });
    if (!required) problems.push_back(name + " is not required (" + rule.control + ")");
    else if (!quality.enforcing) problems.push_back(name + " only warns (enforcing = 0)");
    else if (quality.minimum > enforcedMinimum) {
      enforcedMinimum = quality.minimum;
      enforcedBy = quality.description;
    }
  }
  if (evidence.empty()) {
    evidence.push_back({passwordStack.stack.files.empty() ? "/etc/pam.d/" + passwordStack.service
                                                          : passwordStack.stack.files.front(),
                        "no pam_pwquality or pam_cracklib in the password stack (read: " +
                            text::join(passwordStack.stack.files, ", ") + ")",
                        expected});
    return Outcome::fail("No password quality module (pam_pwquality, pam_cracklib) checks new passwords", evidence);
  }
  if (enforcedMinimum == 0)
    return Outcome::fail("No password quality rule is enforced: " + text::join(problems, "; "), evidence);
  if (enforcedMinimum < minLength)
    return Outcome::fail("Passwords shorter than " + std::to_string(minLength) + " characters are accepted: " +
                             enforcedBy,
                         evidence);
  return Outcome::pass("New passwords need at least " + std::to_string(enforcedMinimum) + " characters (" +
                           enforcedBy + ")",
                       evidence);
}

// ---- auth.empty_passwords ----------------------------------------------------------------------------------------

namespace {

// Accounts whose password field (the second) is empty; NIS "+"/"-" lines are skipped.
std::vector<std::string> accountsWithoutPassword(std::string_view content) {
  std::vector<std::string> out;
  for (const auto line : text::lines(content)) {
    if (line.empty() || line.front() == '+' || line.front() == '-' || line.front() == '#') continue;
    const auto fields = text::split(line, ':');
    if (fields.size() >= 2 && fields[1].empty() && !fields[0].empty()) out.push_back(fields[0]);
  }
  return out;
}

}  // namespace

Outcome evaluateEmptyPasswords(const Result<std::string>& shadow, const Result<std::string>& passwd) {
  const std::string expected = "no account with an empty password field";
  if (!shadow)
    return Outcome::error("Cannot read the password hashes: " + shadow.error() +
                              (text::contains(shadow.error(), "Permission denied") ? " (the check needs root)" : ""),
                          {{"/etc/shadow", "unreadable: " + shadow.error(), expected}});
  if (!passwd)
    return Outcome::error("Cannot read the account list: " + passwd.error(),
                          {{"/etc/passwd", "unreadable: " + passwd.error(), expected}});
  std::vector<Evidence> evidence;
  std::vector<std::string> accounts;
  for (const auto& [path, content] : {std::pair{"/etc/shadow", &*shadow}, std::pair{"/etc/passwd", &*passwd}}) {
    const auto empty = accountsWithoutPassword(*content);
    evidence.push_back({path, empty.empty() ? "no empty password field"
                                            : "empty password field: " + text::truncate(text::join(empty, ", "), 200),
                        expected});
    for (const auto& account : empty)
      if (std::find(accounts.begin(), accounts.end(), account) == accounts.end()) accounts.push_back(account);
  }
  if (!accounts.empty())
    return Outcome::fail(std::to_string(accounts.size()) + " account(s) can log in without a password: " +
                             text::truncate(text::join(accounts, ", "), 200),
                         evidence);
  return Outcome::pass("Every account has a password hash or is locked", evidence);
}

// ---- registration ------------------------------------------------------------------------------------------------

namespace {

constexpr CheckSpec kPasswordHashing{
    "auth.password_hashing",
    "New passwords are stored with a strong hash",
    Severity::High,
    "Stored passwords are authentication information (A.5.17) and must be protected with appropriate cryptography "
    "(A.8.24): SHA-512 crypt or yescrypt make offline cracking of a stolen /etc/shadow slow, MD5 and DES do not.",
    "Set ENCRYPT_METHOD YESCRYPT (or SHA512) in /etc/login.defs and give pam_unix the yescrypt (or sha512) option in "
    "/etc/pam.d/common-password (system-auth and password-auth on RHEL); users get the new hash when they next "
    "change their password.",
};

Outcome runPasswordHashing(const CheckContext& ctx) {
  return evaluatePasswordHashing(loadLoginDefs(ctx.system), passwordStack(ctx.system));
}

constexpr CheckSpec kPasswordMaxAge{
    "auth.password_max_age",
    "Passwords of new accounts expire",
    Severity::Low,
    "A maximum password age limits how long a disclosed password stays useful, part of managing authentication "
    "information (A.5.17) where the password policy requires periodic change.",
    "Set PASS_MAX_DAYS to the policy's maximum (365 days or less) in /etc/login.defs, and apply it to existing "
    "accounts with `chage --maxdays N USER`.",
};

Outcome runPasswordMaxAge(const CheckContext& ctx) {
  return evaluatePasswordMaxAge(loadLoginDefs(ctx.system), ctx.config.thresholds.passwordMaxDays);
}

constexpr CheckSpec kPasswordQuality{
    "auth.password_quality",
    "New passwords must meet a minimum length",
    Severity::Medium,
    "Rejecting short passwords when they are set (pam_pwquality or pam_cracklib, enforced) shows that the quality "
    "rules for authentication information (A.5.17) are applied technically, not only written down.",
    "Install libpam-pwquality, keep `password requisite pam_pwquality.so retry=3` in common-password (system-auth "
    "on RHEL) and set minlen = 12 (or the policy's length) in /etc/security/pwquality.conf.",
};

Outcome runPasswordQuality(const CheckContext& ctx) {
  // libpwquality reads pwquality.conf.d/*.conf first, then pwquality.conf: later values win.
  ConfFiles conf;
  std::vector<std::string> files = ctx.system.glob("/etc/security/pwquality.conf.d/*.conf");
  files.emplace_back("/etc/security/pwquality.conf");
  for (const auto& path : files) {
    if (!ctx.system.exists(path)) continue;
    auto content = ctx.system.readFile(path, 256 * 1024);
    if (!content) {
      conf.readError = content.error();
      break;
    }
    auto settings = parseKeyValueConf(*content, path);
    conf.settings.insert(conf.settings.end(), settings.begin(), settings.end());
  }
  return evaluatePasswordQuality(passwordStack(ctx.system), conf, ctx.config.thresholds.passwordMinLength);
}

constexpr CheckSpec kEmptyPasswords{
    "auth.empty_passwords",
    "No account has an empty password",
    Severity::Critical,
    "An account with an empty password field can be logged into without any secret, defeating secure "
    "authentication (A.8.5) and the handling of authentication information (A.5.17).",
    "Lock the account (`passwd -l USER`) or set a password; remove nullok from pam_unix so empty passwords are "
    "refused.",
};

Outcome runEmptyPasswords(const CheckContext& ctx) {
  return evaluateEmptyPasswords(ctx.system.readFile("/etc/shadow"), ctx.system.readFile("/etc/passwd"));
}

ANNEXA_REGISTER_CHECK(kPasswordHashing, runPasswordHashing);
ANNEXA_REGISTER_CHECK(kPasswordMaxAge, runPasswordMaxAge);
ANNEXA_REGISTER_CHECK(kPasswordQuality, runPasswordQuality);
ANNEXA_REGISTER_CHECK(kEmptyPasswords, runEmptyPasswords);

}  // namespace
}  // namespace annexa::agent::checks
