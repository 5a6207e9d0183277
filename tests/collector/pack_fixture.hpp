// A hand-built evidence pack: three hosts (one with a hostile hostname), passing, failing and accepted controls,
// an exception, a risk linked to a failing control, an NC, and a collector key + certificate under a test CA.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "collector/isms/isms_fleet.hpp"
#include "collector/pack/pack_writers.hpp"
#include "common/digest.hpp"
#include "common/pki.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::collector::pack::test {

inline constexpr std::int64_t kAt = 1795424427;  // 2026-11-23T09:00:27Z
inline constexpr const char* kHostileHostname = "<script>alert(1)</script>";
// Evidence with every character CSV must quote.
inline constexpr const char* kAwkwardObserved = "PasswordAuthentication yes, \"forced\"\nsecond line";

struct CollectorKeys {
  pki::KeyPtr caKey = pki::generateKey().value();
  pki::CertPtr caCert = pki::createCaCertificate(caKey.get(), "Annexa pack test CA").value();
  pki::KeyPtr key = pki::generateKey().value();
  pki::CertPtr cert = issue(key.get(), caCert.get(), caKey.get());

  static pki::CertPtr issue(EVP_PKEY* key, X509* ca, EVP_PKEY* caKey) {
    pki::IssueOptions options;
    options.subject = {"annexa-collector", pki::Role::Server};
    options.subjectAltNames = {"DNS:localhost"};
    options.serverAuth = true;
    return pki::issueCertificate(key, options, ca, caKey).value();
  }
};

inline PackResult result(const std::string& agent, const std::string& check, CheckStatus status,
                         std::vector<Evidence> evidence = {}) {
  PackResult r;
  r.agentId = agent;
  r.result.check = check;
  r.result.title = "Title of " + check;
  r.result.status = status;
  r.result.severity = Severity::High;
  r.observedAt = kAt - 600;
  r.since = kAt - 5 * isms::kDay;
  r.result.evidence = std::move(evidence);
  r.reportId = "report-" + agent;
  r.reportSha256 = sha256Hex("report body of " + agent);
  return r;
}

// With `thirdHostStale`, agent-3 (whose root disk fails) has been silent for three days at the posture instant.
inline PackData samplePack(const CollectorKeys& keys, bool thirdHostStale = false) {
  PackData d;
  d.generatedAt = kAt + 60;
  d.periodFrom = kAt - 30 * isms::kDay;
  d.periodTo = kAt;
  d.at = kAt;
  d.scope = "all hosts";
  d.collector = {pki::certificatePem(keys.cert.get()), pki::certificatePem(keys.caCert.get()),
                 pki::fingerprint(keys.caCert.get())};
  d.hosts = {{"agent-1", "web-1", "Debian GNU/Linux 12", kAt - 600, false},
             {"agent-2", "db-1", "Debian GNU/Linux 12", kAt - 600, false},
             {"agent-3", kHostileHostname, "Ubuntu 24.04", thirdHostStale ? kAt - 3 * isms::kDay : kAt - 600,
              thirdHostStale}};
  const Evidence keyEvidence{"/etc/ssh/sshd_config", kAwkwardObserved, "PasswordAuthentication no"};
  d.results = {result("agent-1", "disk.root_encrypted", CheckStatus::Pass, {{"/proc/mounts", "luks", "luks"}}),
               result("agent-2", "disk.root_encrypted", CheckStatus::Pass),
               result("agent-3", "disk.root_encrypted", CheckStatus::Fail, {{"/proc/mounts", "ext4 <plain>", "luks"}}),
               result("agent-1", "ssh.password_authentication", CheckStatus::Pass),
               result("agent-2", "ssh.password_authentication", CheckStatus::Fail, {keyEvidence}),
               result("agent-1", "sudo.nopasswd", CheckStatus::Pass),
               result("agent-2", "sudo.nopasswd", CheckStatus::Pass),
               result("agent-3", "sudo.nopasswd", CheckStatus::Pass)};

  isms::RiskAcceptance exception;
  exception.id = 7;
  exception.scope = isms::ExceptionScope::HostCheck;
  exception.agentId = "agent-2";
  exception.checkId = "ssh.password_authentication";
  exception.justification = "Legacy backup job, replaced in Q1";
  exception.approver = "CISO";
  exception.validFrom = kAt - 10 * isms::kDay;
  exception.expiresAt = kAt + 20 * isms::kDay;
  d.exceptions = {exception};

  std::vector<AgentRecord> agents;
  std::vector<StatusRow> statuses;
  for (const auto& h : d.hosts) {
    AgentRecord a;
    a.id = h.agentId;
    a.hostname = h.hostname;
    a.lastSeen = h.lastSeen;
    agents.push_back(a);
  }
  for (const auto& r : d.results)
    statuses.push_back({r.agentId, r.result.check, r.result.status, r.result.severity, r.since});
  d.posture = computePosture(Catalog::builtin(), CheckMapping::builtin(), agents, statuses, kAt,
                             isms::acceptanceAt(d.exceptions, kAt));

  for (const auto& c : Catalog::builtin().controls()) {
    isms::SoaEntry s;
    s.controlId = c.id;
    s.applicable = c.id != "A.7.10";
    s.justification = s.applicable ? "Required by the risk assessment" : "No removable storage media, cloud only";
    s.implementation = isms::Implementation::Implemented;
    s.owner = "IT, Security";
    d.soa.push_back(s);
  }

  isms::Risk linked;
  linked.id = 1;
  linked.title = "Stolen disk exposes customer data";
  linked.assets = "Servers";
  linked.threat = "Theft";
  linked.vulnerability = "Unencrypted disk";
  linked.likelihood = 3;
  linked.impact = 5;
  linked.controls = {"A.8.24"};
  linked.owner = "CTO";
  linked.dueDate = kAt + 60 * isms::kDay;
  isms::Risk unlinked = linked;
  unlinked.id = 2;
  unlinked.title = "Key person leaves";
  unlinked.controls = {};
  d.risks = {{linked, isms::assess(linked, d.posture)}, {unlinked, isms::assess(unlinked, d.posture)}};

  isms::NonConformity nc;
  nc.id = 3;
  nc.title = "Root disk not encrypted, on one host";
  nc.controlId = "A.8.24";
  nc.checks = {"disk.root_encrypted"};
  nc.createdAt = kAt - 2 * isms::kDay;
  nc.updatedAt = nc.createdAt;
  d.nonConformities = {nc};

  d.readinessScore = 20;
  for (const auto* day : {"2026-11-21", "2026-11-22", "2026-11-23"})
    for (const auto& c : d.posture.controls) d.daily.push_back({day, c.control->id, std::string(toString(c.status))});
  d.evidenceLog = {1, 42, sha256Hex("entry 42"),
                   SignedLogHead{42, sha256Hex("entry 42"), kAt, pki::fingerprint(keys.cert.get()), "c2lnbmF0dXJl"}};
  return d;
}

template <typename Writer>
std::string written(const PackData& d, Writer write) {
  std::ostringstream out;
  write(d, out);
  return out.str();
}

struct CommandResult {
  int exitCode = -1;
  std::string output;  // stdout and stderr
};

inline CommandResult runCommand(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer{};
  while (const auto n = std::fread(buffer.data(), 1, buffer.size(), pipe)) r.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Runs tests/support/validate_oscal.py (python3-jsonschema) on the document; the exit code and what it printed.
inline CommandResult validateOscal(const std::string& documentText) {
  annexa::test::FixtureRoot dir;
  const auto document = dir.path() / "assessment-results.json";
  std::ofstream(document, std::ios::binary) << documentText;
  const std::string schema = ANNEXA_OSCAL_SCHEMA_DIR "/oscal_assessment-results_schema.json";
  if (!std::filesystem::exists(schema)) return {2, "the OSCAL schema is missing: " + schema};
  return runCommand("python3 '" ANNEXA_SOURCE_DIR "/tests/support/validate_oscal.py' '" + schema + "' '" +
                    document.string() + "'");
}

}  // namespace annexa::collector::pack::test
