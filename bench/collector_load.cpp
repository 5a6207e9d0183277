#include "bench/collector_load.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/catalog.hpp"
#include "common/clock.hpp"
#include "common/model.hpp"
#include "common/pki.hpp"
#include "common/random.hpp"
#include "common/result_digest.hpp"

namespace annexa::bench {
namespace {

// Forks and execs argv with stdout/stderr sent to `outputFd`; returns the child's pid.
pid_t forkExec(const std::vector<std::string>& argv, int outputFd) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  dup2(outputFd, 1);
  dup2(outputFd, 2);
  std::vector<char*> raw;
  for (const auto& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
  raw.push_back(nullptr);
  execv(raw[0], raw.data());
  _exit(127);
}

std::string describeStatus(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// Evidence vocabulary per check family, so reports read like a real Linux host's.
struct Family {
  std::string_view prefix, source, secondSource, good, bad, remediation;
};
constexpr std::array<Family, 23> kFamilies{{
    {"accounts", "/etc/passwd", "getent passwd", "only root has UID 0", "root, toor have UID 0", "Lock or remove extra UID 0 accounts; give service accounts /usr/sbin/nologin."},
    {"auth", "/etc/login.defs", "/etc/pam.d/common-password", "ENCRYPT_METHOD SHA512, PASS_MAX_DAYS 90", "ENCRYPT_METHOD MD5, PASS_MAX_DAYS 99999", "Set ENCRYPT_METHOD SHA512 and PASS_MAX_DAYS 90; enable pam_pwquality and pam_faillock."},
    {"backup", "systemctl list-timers --all", "/var/log/restic/last-run.json", "restic-backup.timer active, last success 14h ago", "no backup timer", "Schedule a daily backup job and test a restore every quarter."},
    {"boot", "mokutil --sb-state", "/sys/firmware/efi/efivars", "SecureBoot enabled", "SecureBoot disabled", "Enable UEFI Secure Boot in the firmware setup and enrol the distribution keys."},
    {"capacity", "statvfs /", "statvfs /var", "41% used, 112 GiB free", "97% used, 1.2 GiB free", "Free or extend the filesystem before it fills; alert at 85%."},
    {"desktop", "gsettings get org.gnome.desktop.screensaver", "/etc/dconf/db/local.d/00-screensaver", "lock-enabled=true idle-delay=300", "lock-enabled=false", "Lock the session after 5 minutes idle via a dconf lock file."},
    {"disk", "lsblk -o NAME,TYPE,FSTYPE,MOUNTPOINT", "/etc/crypttab", "nvme0n1p3 crypto_LUKS (LUKS2, aes-xts-plain64)", "nvme0n1p3 ext4 (not encrypted)", "Reinstall with full-disk encryption (LUKS2) or migrate data to an encrypted volume."},
    {"files", "stat -c '%a %U:%G'", "/etc/shadow", "0640 root:shadow", "0644 root:root", "Restore ownership and mode with chown/chmod; audit who changed them."},
    {"firewall", "nft list ruleset", "systemctl is-active nftables", "inet filter input policy drop", "no input chain policy", "Enable nftables or ufw with a default-deny inbound policy."},
    {"kernel", "/proc/sys/kernel/randomize_va_space", "sysctl --system", "2", "0", "Set the value in /etc/sysctl.d/60-hardening.conf and reload with sysctl --system."},
    {"logging", "systemctl is-active auditd", "/etc/audit/rules.d/annexa.rules", "active, 48 rules loaded", "inactive", "Install auditd, load the CIS rule set and forward logs to the SIEM."},
    {"malware", "systemctl is-active clamav-daemon", "/var/log/clamav/freshclam.log", "active, signatures 2h old", "not installed", "Install an endpoint protection agent and keep signatures under 24h old."},
    {"monitoring", "systemctl is-active node_exporter", "pgrep -a osqueryd", "node_exporter active", "no monitoring agent", "Deploy the monitoring agent from the configuration management baseline."},
    {"network", "/proc/sys/net/ipv4/ip_forward", "ss -tlnp", "0", "1", "Disable forwarding and insecure listeners unless the host is a router."},
    {"packages", "dpkg-query -W -f '${Package} ${Version}'", "/etc/apt/sources.list.d", "telnetd, rsh-server, nis absent", "telnetd 0.17-44 installed", "Purge the insecure package and pin repositories with signed-by keys."},
    {"pam", "/etc/pam.d/sshd", "/etc/pam.d/common-auth", "auth required pam_u2f.so", "no second factor module", "Add pam_u2f or pam_google_authenticator to the SSH PAM stack."},
    {"ssh", "sshd -T", "/etc/ssh/sshd_config.d/50-cloud-init.conf", "no", "yes", "Set the option in /etc/ssh/sshd_config.d/ and reload sshd."},
    {"sudo", "/etc/sudoers", "/etc/sudoers.d/90-cloud-init-users", "Defaults use_pty, logfile=/var/log/sudo.log", "ubuntu ALL=(ALL) NOPASSWD:ALL", "Remove NOPASSWD rules and log sudo sessions."},
    {"time", "timedatectl show", "chronyc tracking", "NTPSynchronized=yes, offset 0.8 ms", "NTPSynchronized=no", "Enable chrony or systemd-timesyncd against the corporate NTP servers."},
    {"tls", "/etc/ssl/openssl.cnf", "update-crypto-policies --show", "MinProtocol = TLSv1.2", "MinProtocol = TLSv1", "Raise the system-wide minimum to TLS 1.2 in the crypto policy."},
    {"updates", "apt-get -s dist-upgrade", "/var/run/reboot-required", "0 security updates pending, last apt run 6h ago", "17 security updates pending", "Enable unattended-upgrades for the security pocket and reboot within 7 days."},
    {"usb", "/etc/modprobe.d/usb-storage.conf", "lsmod", "install usb-storage /bin/false", "usb_storage loaded", "Blacklist usb-storage via modprobe.d or the endpoint management policy."},
    {"", "/etc/annexa/facts", "uname -a", "compliant", "non-compliant", "Follow the hardening baseline for this setting."},
}};

const Family& familyOf(const std::string& checkId) {
  const auto prefix = checkId.substr(0, checkId.find('.'));
  for (const auto& f : kFamilies)
    if (f.prefix == prefix) return f;
  return kFamilies.back();
}

// "ssh.permit_root_login" → "permit root login"
std::string settingName(const std::string& checkId) {
  auto name = checkId.substr(checkId.find('.') + 1);
  std::replace(name.begin(), name.end(), '_', ' ');
  return name;
}

// The 50 check ids the simulated agent runs, with their mapped controls (from the built-in mapping).
const std::vector<std::pair<std::string, std::vector<std::string>>>& simulatedChecks() {
  static const auto checks = [] {
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    for (const auto& [id, controls] : CheckMapping::builtin().entries()) {
      if (out.size() == 50) break;
      out.emplace_back(id, controls);
    }
    return out;
  }();
  return checks;
}

}  // namespace

Result<std::string> runCommand(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return makeError("pipe failed");
  const pid_t pid = forkExec(argv, fds[1]);
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    return makeError("fork failed");
  }
  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[4096];
  bool timedOut = false;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timedOut = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    output.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  if (timedOut) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (timedOut) return makeError(argv[1] + " timed out after " + std::to_string(timeout.count()) + " s");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return makeError("`" + argv[0] + " " + argv[1] + "` failed (" + describeStatus(status) + "): " + output);
  return output;
}

Result<pid_t> spawnProcess(const std::vector<std::string>& argv, const std::filesystem::path& logFile) {
  const int log = open(logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log < 0) return makeError("cannot open " + logFile.string());
  const pid_t pid = forkExec(argv, log);
  close(log);
  if (pid < 0) return makeError("fork failed");
  return pid;
}

bool processRunning(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == 0;
}

std::string stopProcess(pid_t pid, std::chrono::seconds grace) {
  kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return describeStatus(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return "killed after " + std::to_string(grace.count()) + " s (" + describeStatus(status) + ")";
}

ProcessUsage usageOf(pid_t pid) {
  ProcessUsage usage;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) usage.currentRssKb = std::atol(line.c_str() + 6);
    if (line.rfind("VmHWM:", 0) == 0) usage.peakRssKb = std::atol(line.c_str() + 6);
    if (line.rfind("RssAnon:", 0) == 0) usage.anonRssKb = std::atol(line.c_str() + 8);
    if (line.rfind("RssFile:", 0) == 0) usage.fileRssKb = std::atol(line.c_str() + 8);
  }
  std::ifstream statFile("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(statFile)), std::istreambuf_iterator<char>());
  // Fields after "(comm)": state is field 3, utime 14, stime 15.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::vector<std::string> values;
  for (std::string v; fields >> v && values.size() < 13;) values.push_back(v);
  if (values.size() == 13)
    usage.cpuSeconds = static_cast<double>(std::stoll(values[11]) + std::stoll(values[12])) /
                       static_cast<double>(sysconf(_SC_CLK_TCK));
  return usage;
}

double ownCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

Result<AgentIdentity> makeIdentity(std::size_t index) {
  auto key = pki::generateKey();
  if (!key) return makeError("key generation: " + key.error());
  const std::string hostname = "bench-host-" + std::to_string(index) + ".corp.example";
  auto csr = pki::createCsrPem(key->get(), hostname);
  if (!csr) return makeError("CSR: " + csr.error());
  const auto id = randomBytes(16);
  return AgentIdentity{hostname, toHex(id.data(), id.size()), pki::privateKeyPem(key->get()), std::move(*csr)};
}

Result<EnrolledAgent> enroll(const ServerEndpoint& endpoint, const std::string& caPem, const std::string& token,
                             const AgentIdentity& identity, std::size_t index) {
  const nlohmann::json request = {
      {"token", token},
      {"csr", identity.csrPem},
      {"host",
       {{"hostname", identity.hostname},
        {"machine_id", identity.machineId},
        {"os", {{"id", "ubuntu"}, {"version", "24.04"}, {"pretty_name", "Ubuntu 24.04.1 LTS"}}}}},
      {"interval_seconds", 3600}};
  HttpsClient client(endpoint, ClientTls{caPem, "", "", ""}, std::chrono::seconds(30));
  auto response = client.request("POST", "/api/v1/enroll", request.dump());
  if (!response) return makeError("enrollment: " + response.error());
  if (response->status != 201)
    return makeError("enrollment refused: HTTP " + std::to_string(response->status) + " " + response->body);
  const auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (body.is_discarded() || !body.contains("agent_id") || !body.contains("certificate"))
    return makeError("enrollment: unexpected response " + response->body);
  EnrolledAgent agent;
  agent.index = index;
  agent.agentId = body["agent_id"].get<std::string>();
  agent.hostname = identity.hostname;
  agent.machineId = identity.machineId;
  agent.tls = ClientTls{caPem, "", body["certificate"].get<std::string>(), identity.privateKeyPem};
  return agent;
}

namespace {

Report simulatedReport(const EnrolledAgent& agent, std::uint64_t sequence) {
  Report report;
  report.reportId = "bench-" + std::to_string(agent.index) + "-" + std::to_string(sequence) + "-" + agent.agentId.substr(0, 8);
  report.agentVersion = "0.1.0";
  report.agentId = agent.agentId;
  report.host = {agent.hostname, {"ubuntu", "24.04", "Ubuntu 24.04.1 LTS"}, "6.8.0-45-generic", agent.machineId};
  report.startedAt = formatRfc3339(unixNow());
  report.durationMs = 850 + static_cast<std::int64_t>((agent.index * 37 + sequence * 11) % 400);
  const auto& checks = simulatedChecks();
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const auto& [id, controls] = checks[i];
    const Family& family = familyOf(id);
    // A stable per-host baseline (~80% pass) plus three checks that flip on every report.
    const std::size_t roll = (agent.index * 131 + i * 29) % 100;
    CheckStatus status = roll < 80 ? CheckStatus::Pass : roll < 92 ? CheckStatus::Fail : roll < 97 ? CheckStatus::NotApplicable : CheckStatus::Error;
    for (std::uint64_t k = 0; k < 3; ++k)
      if ((sequence * 7 + k * 17 + agent.index) % checks.size() == i)
        status = status == CheckStatus::Pass ? CheckStatus::Fail : CheckStatus::Pass;
    const bool pass = status == CheckStatus::Pass;
    const std::string setting = settingName(id);
    CheckResult r;
    r.check = id;
    r.title = std::string(1, static_cast<char>(std::toupper(setting[0]))) + setting.substr(1) + " meets the baseline";
    r.status = status;
    r.severity = static_cast<Severity>((i * 7) % 4);
    r.controls = controls;
    r.evidence.push_back({std::string(family.source), setting + ": " + std::string(pass ? family.good : family.bad),
                          setting + ": " + std::string(family.good)});
    if (i % 2 == 0)
      r.evidence.push_back({std::string(family.secondSource), pass ? "consistent with " + std::string(family.source) : "differs from the baseline",
                            "consistent with " + std::string(family.source)});
    r.message = status == CheckStatus::Error ? "could not read " + std::string(family.source) + ": permission denied"
                : pass ? setting + " is configured as required"
                       : setting + " is not configured as required (" + std::string(family.bad) + ")";
    r.remediation = pass ? "" : std::string(family.remediation);
    report.results.push_back(std::move(r));
  }
  return report;
}

}  // namespace

std::string reportBody(const EnrolledAgent& agent, std::uint64_t sequence) {
  return toJson(simulatedReport(agent, sequence)).dump();
}

namespace {
constexpr std::size_t kSequenceDigits = 12;
constexpr char kSequencePlaceholder[] = "SEQUENCE----";
constexpr char kReferencePlaceholder[] = "REFERENCE---";  // a short report's same_as: its full report's sequence
constexpr char kStartedPlaceholder[] = "STARTED-AT-STARTED-Z";  // as wide as "2026-11-23T18:30:00Z"

void stampSequence(std::string& body, std::size_t at, std::uint64_t sequence) {
  for (std::size_t i = kSequenceDigits; i-- > 0; sequence /= 10) body[at + i] = static_cast<char>('0' + sequence % 10);
}
}  // namespace

ReportTemplate::ReportTemplate(Report report) {
  report.reportId += "-" + std::string(kSequencePlaceholder) + "-" + report.agentId.substr(0, 8);
  report.startedAt = kStartedPlaceholder;
  idPattern_ = report.reportId;
  resultsDigest_ = digestResults(report.results).resultsDigest;
  body_ = toJson(report).dump();
  sequenceAt_ = body_.find(kSequencePlaceholder);
  startedAt_ = body_.find(kStartedPlaceholder);
  referenceAt_ = body_.find(kReferencePlaceholder);
  if (sequenceAt_ == std::string::npos || startedAt_ == std::string::npos)
    throw std::runtime_error("bench report placeholders not rendered");
}

ReportTemplate::ReportTemplate(const EnrolledAgent& agent, std::uint64_t variant)
    : ReportTemplate([&] {
        auto report = simulatedReport(agent, variant);
        report.reportId = "bench-" + std::to_string(agent.index);
        return report;
      }()) {}

ReportTemplate ReportTemplate::unchangedSince(const EnrolledAgent& agent, const ReportTemplate& full) {
  auto report = simulatedReport(agent, 0);
  report.reportId = "bench-unchanged-" + std::to_string(agent.index);
  report.results.clear();
  std::string sameAs = full.idPattern_;
  sameAs.replace(sameAs.find(kSequencePlaceholder), std::strlen(kReferencePlaceholder), kReferencePlaceholder);
  report.unchangedSince = UnchangedSince{std::move(sameAs), full.resultsDigest_};
  return ReportTemplate(std::move(report));
}

std::string ReportTemplate::body(std::uint64_t sequence, std::uint64_t reference) const {
  std::string out = body_;
  stampSequence(out, sequenceAt_, sequence);
  if (referenceAt_ != std::string::npos) stampSequence(out, referenceAt_, reference);
  // Stamped now, as an agent's report is: a report never looks older than the one the host sent before it.
  const std::string now = formatRfc3339(unixNow());
  out.replace(startedAt_, now.size(), now);
  return out;
}

HandshakeClient::HandshakeClient(const EnrolledAgent& agent, const std::string& caPem) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free);
  if (!ctx) throw std::runtime_error(pki::opensslError("SSL_CTX_new"));
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);  // the chain against the CA (the bench's own server)
  auto ca = pki::parseCertificatePem(caPem);
  auto cert = pki::parseCertificatePem(agent.tls.certificatePem);
  auto key = pki::parsePrivateKeyPem(agent.tls.privateKeyPem);
  if (!ca || !cert || !key) throw std::runtime_error("agent " + agent.agentId + ": unreadable certificate or key");
  if (X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), ca->get()) != 1 ||
      SSL_CTX_use_certificate(ctx.get(), cert->get()) != 1 || SSL_CTX_use_PrivateKey(ctx.get(), key->get()) != 1)
    throw std::runtime_error(pki::opensslError("agent " + agent.agentId + ": cannot set up its TLS context"));
  ctx_ = ctx.release();
}

HandshakeClient::~HandshakeClient() { SSL_CTX_free(ctx_); }

VoidResult HandshakeClient::healthz(const ServerEndpoint& endpoint) const {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return makeError(std::string("socket: ") + std::strerror(errno));
  timeval timeout{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  const int noDelay = 1;  // the request follows the handshake's last flight: no Nagle wait for its ACK
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &noDelay, sizeof noDelay);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(endpoint.port);
  if (::inet_pton(AF_INET, endpoint.host.c_str(), &address.sin_addr) != 1) {
    ::close(fd);
    return makeError("HandshakeClient needs an IPv4 address, not " + endpoint.host);
  }
  SSL* ssl = nullptr;
  const auto done = [&](VoidResult result) {
    if (ssl) SSL_free(ssl);
    ::close(fd);
    ERR_clear_error();
    return result;
  };
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    return done(makeError(std::string("connect: ") + std::strerror(errno)));
  ssl = SSL_new(ctx_);
  if (!ssl || SSL_set_fd(ssl, fd) != 1) return done(makeError(pki::opensslError("SSL_new")));
  if (SSL_connect(ssl) != 1) return done(makeError(pki::opensslError("TLS handshake failed")));
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: " + endpoint.host + "\r\nConnection: close\r\n\r\n";
  if (SSL_write(ssl, request.data(), static_cast<int>(request.size())) != static_cast<int>(request.size()))
    return done(makeError(pki::opensslError("TLS write failed")));
  std::string response;
  char buffer[1024];
  for (int n; (n = SSL_read(ssl, buffer, sizeof buffer)) > 0;) response.append(buffer, static_cast<std::size_t>(n));
  if (response.rfind("HTTP/1.1 200", 0) != 0) return done(makeError("healthz: " + response.substr(0, 80)));
  SSL_shutdown(ssl);
  return done(success());
}

VoidResult sendReport(HttpsClient& client, const std::string& body) {
  auto response = client.request("POST", "/api/v1/reports", body);
  if (!response) return makeError(response.error());
  if (response->status != 200) return makeError("report refused: HTTP " + std::to_string(response->status) + " " + response->body);
  if (response->body.find("\"stored\"") == std::string::npos) return makeError("report not stored: " + response->body);
  return success();
}

LatencySummary summarize(std::vector<double> millis) {
  LatencySummary s;
  s.count = millis.size();
  if (millis.empty()) return s;
  std::sort(millis.begin(), millis.end());
  // Nearest-rank percentiles.
  const auto at = [&](double p) {
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(millis.size())));
    return millis[std::clamp<std::size_t>(rank, 1, millis.size()) - 1];
  };
  s.p50 = at(0.50);
  s.p90 = at(0.90);
  s.p99 = at(0.99);
  s.max = millis.back();
  return s;
}

PhaseTally runThreads(int threads, const std::function<void(int, ThreadTally&)>& body) {
  std::vector<ThreadTally> tallies(static_cast<std::size_t>(threads));
  const auto start = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> workers;
    for (int t = 0; t < threads; ++t) workers.emplace_back([&, t] { body(t, tallies[static_cast<std::size_t>(t)]); });
  }
  PhaseTally phase;
  phase.wallSeconds = millisSince(start) / 1000.0;
  for (auto& t : tallies) {
    phase.latenciesMs.insert(phase.latenciesMs.end(), t.latenciesMs.begin(), t.latenciesMs.end());
    if (t.errors > 0 && phase.errors == 0) phase.firstError = t.firstError;
    phase.errors += t.errors;
  }
  return phase;
}

double millisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace annexa::bench
