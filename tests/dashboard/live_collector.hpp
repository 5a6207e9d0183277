// A real collector for the dashboard's tests: the in-process collector of tests/collector (real TLS on
// loopback, a real SQLite file) with the ISMS API attached as `annexa-collector serve` attaches it, a simulated
// fleet whose reports fail some real mapped checks, and a child-process runner for the dashboard binary.
// Header-only: the test glob compiles *_test.cpp files only.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "collector/isms/isms_service.hpp"
#include "collector/isms/isms_store.hpp"
#include "common/text.hpp"
#include "dashboard/options.hpp"
#include "tests/collector/collector_harness.hpp"

extern char** environ;

namespace annexa::dashboard::test {

// Runs argv to completion (stdout and stderr into `log`), killing it after `timeout`; its output, or an error
// "exit N: output" for another exit status.
inline Result<std::string> runCommand(const std::vector<std::string>& argv, const std::filesystem::path& log,
                                      std::chrono::seconds timeout) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return makeError("cannot start " + argv[0] + ": " + std::strerror(spawned));
  int status = 0;
  const bool exited = annexa::test::waitFor([&] { return waitpid(pid, &status, WNOHANG) == pid; },
                                            std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return makeError(argv[0] + " timed out: " + annexa::test::readFileOrEmpty(log));
  }
  const auto output = annexa::test::readFileOrEmpty(log);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return makeError("exit " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) + ": " + output);
  return output;
}

inline std::string findOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  for (const auto& dir : annexa::text::split(path ? path : "/usr/bin:/bin", ':'))
    if (!dir.empty() && access((std::filesystem::path(dir) / name).c_str(), X_OK) == 0)
      return (std::filesystem::path(dir) / name).string();
  return {};
}

// The checks the simulated fleet runs: the first `count` of the mapping, so every one evidences a control.
inline std::vector<std::string> fleetChecks(std::size_t count = 24) {
  std::vector<std::string> checks;
  for (const auto& [id, controls] : CheckMapping::builtin().entries()) {
    if (checks.size() == count) break;
    checks.push_back(id);
  }
  return checks;
}

// Host `host` fails check `k` on a fixed pattern (about a third of the pairs), and errs on a few others.
inline CheckStatus fleetStatus(std::size_t host, std::size_t k) {
  const auto v = (host * 7 + k * 3) % 10;
  return v < 3 ? CheckStatus::Fail : v == 9 && k % 4 == 1 ? CheckStatus::Error : CheckStatus::Pass;
}

// "web-01.example" for host 0.
inline std::string fleetHostname(std::size_t host) {
  const auto n = std::to_string(host + 1);
  return "web-" + std::string(n.size() < 2 ? 2 - n.size() : 0, '0') + n + ".example";
}

class LiveCollector {
 public:
  LiveCollector()
      : collector(annexa::test::InProcessCollector::fastOptions(), {}, [this](annexa::test::InProcessCollector& c) {
          ismsStore_ = collector::isms::IsmsStore::open(c.data().database());
          service_ = std::make_unique<collector::isms::IsmsService>(c.store(), *ismsStore_, Catalog::builtin(),
                                                                    CheckMapping::builtin(), collector::isms::IsmsOptions{});
          return collector::ApiExtras{service_.get(), nullptr};
        }) {
    admin_ = collector.admin();  // operators/admin.{crt,key}: what `annexa-dashboard --data DIR` presents
  }

 private:
  // Made while `collector` is constructed, so declared before it (and destroyed after it).
  std::unique_ptr<collector::isms::IsmsStore> ismsStore_;
  std::unique_ptr<collector::isms::IsmsService> service_;

 public:
  annexa::test::InProcessCollector collector;

  const std::filesystem::path& dataDir() const { return collector.data().root; }
  ConnectionConfig connection(const std::string& operatorName = "admin") const {
    return {collector.url(), collector.data().operatorCertificate(operatorName), collector.data().operatorKey(operatorName),
            collector.data().caCertificate(), std::chrono::seconds(3600)};
  }

  // Enrolls `count` hosts named web-01.example … and sends one report from each; returns their agent ids.
  std::vector<std::string> enrollFleet(std::size_t count) {
    const auto checks = fleetChecks();
    const auto token = collector.createToken(static_cast<std::int64_t>(count));
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < count; ++i) {
      const std::string hostname = fleetHostname(i);
      auto key = pki::generateKey();
      auto csr = pki::createCsrPem(key->get(), "annexa-agent");
      const nlohmann::json body = {{"token", token}, {"csr", *csr},
                                   {"host", {{"hostname", hostname}, {"machine_id", uuid4()}, {"os", {{"id", "debian"}, {"version", "12"}, {"pretty_name", "Debian GNU/Linux 12 (bookworm)"}}}}}};
      auto enrolled = collector.client(collector.anonymous())->request("POST", "/api/v1/enroll", body.dump());
      if (!enrolled || enrolled->status != 201) throw std::runtime_error("enrollment failed: " + (enrolled ? enrolled->body : enrolled.error()));
      const auto reply = nlohmann::json::parse(enrolled->body);
      const std::string id = reply.at("agent_id").get<std::string>();
      const ClientTls tls{collector.anonymous().caPem, "", reply.at("certificate").get<std::string>(),
                          pki::privateKeyPem(key->get())};
      Report report;
      report.reportId = uuid4();
      report.agentId = id;
      report.agentVersion = "test";
      report.host.hostname = hostname;
      report.host.machineId = body["host"]["machine_id"].get<std::string>();
      report.startedAt = formatRfc3339(collector.now());
      for (std::size_t k = 0; k < checks.size(); ++k) {
        CheckResult r;
        r.check = checks[k];
        r.title = checks[k] + " meets the baseline";
        r.status = fleetStatus(i, k);
        r.severity = k % 3 == 0 ? annexa::Severity::Critical : k % 3 == 1 ? annexa::Severity::High : annexa::Severity::Medium;
        r.message = r.status == CheckStatus::Fail ? "not configured as required" : "configured as required";
        r.remediation = "Set the option for " + checks[k] + " in its drop-in file and reload the service.";
        r.evidence = {{"/etc/" + checks[k], r.status == CheckStatus::Fail ? "value " + std::to_string(i) : "expected value",
                       "expected value"}};
        report.results.push_back(std::move(r));
      }
      auto sent = collector.client(tls)->request("POST", "/api/v1/reports", toJson(report).dump());
      if (!sent || sent->status != 200) throw std::runtime_error("report refused: " + (sent ? sent->body : sent.error()));
      ids.push_back(id);
    }
    return ids;
  }

  // An admin request that must answer `expectStatus`.
  nlohmann::json call(const std::string& method, const std::string& target, const nlohmann::json& body, int expectStatus) {
    auto response = collector.client(admin_)->request(method, target, body.is_null() ? std::string() : body.dump());
    EXPECT_TRUE(response) << method << " " << target << ": " << (response ? "" : response.error());
    if (!response) return {};
    EXPECT_EQ(response->status, expectStatus) << method << " " << target << ": " << response->body;
    return nlohmann::json::parse(response->body, nullptr, false);
  }

  static std::string day(std::int64_t now, int days) {
    return formatRfc3339(now + static_cast<std::int64_t>(days) * 86400).substr(0, 10);
  }

 private:
  ClientTls admin_;
};

}  // namespace annexa::dashboard::test
