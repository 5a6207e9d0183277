// A collector API in memory for dashboard tests: answers the GETs the data source makes with JSON shaped
// like collector/api_views.cpp produces, for a fleet of `hosts` generated hosts.
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "common/text.hpp"

namespace annexa::dashboard::test {

class FakeApi {
 public:
  explicit FakeApi(int hosts) : hostCount(hosts) {}

  int hostCount;
  bool down = false;
  std::atomic<int> requests{0};
  std::vector<std::string> targets;

  static nlohmann::json posture() {
    auto controls = nlohmann::json::array();
    controls.push_back({{"id", "A.5.1"}, {"theme", "Organizational"}, {"title", "Policies for information security"},
                        {"iso2013", {"A.5.1.1", "A.5.1.2"}}, {"status", "not_evidenced"}, {"checks", nlohmann::json::array()},
                        {"hosts", {{"passing", 0}, {"failing", 0}, {"error", 0}, {"stale", 0}, {"not_applicable", 0}}}});
    controls.push_back({{"id", "A.8.5"}, {"theme", "Technological"}, {"title", "Secure authentication"},
                        {"iso2013", {"A.9.4.2"}}, {"status", "failing"}, {"checks", {"ssh.permit_root_login"}},
                        {"hosts", {{"passing", 2}, {"failing", 1}, {"error", 0}, {"stale", 0}, {"not_applicable", 0}}}});
    controls.push_back({{"id", "A.8.24"}, {"theme", "Technological"}, {"title", "Use of cryptography"},
                        {"iso2013", {"A.10.1.1", "A.10.1.2"}}, {"status", "passing"}, {"checks", {"disk.encryption"}},
                        {"hosts", {{"passing", 3}, {"failing", 0}, {"error", 0}, {"stale", 0}, {"not_applicable", 0}}}});
    controls.push_back({{"id", "A.7.4"}, {"theme", "Physical"}, {"title", "Physical security monitoring"},
                        {"iso2013", nlohmann::json::array()}, {"status", "partial"}, {"checks", {"x.y"}},
                        {"hosts", {{"passing", 1}, {"failing", 0}, {"error", 1}, {"stale", 1}, {"not_applicable", 0}}}});
    return {{"computed_at", "2026-11-23T09:00:00Z"},
            {"summary",
             {{"hosts", {{"total", 3}, {"online", 2}, {"stale", 1}}},
              {"controls", {{"passing", 1}, {"failing", 1}, {"partial", 1}, {"not_evidenced", 1}, {"not_applicable", 0}}},
              {"themes",
               {{{"theme", "Organizational"}, {"passing", 0}, {"failing", 0}, {"partial", 0}, {"not_evidenced", 1}, {"not_applicable", 0}},
                {{"theme", "People"}, {"passing", 0}, {"failing", 0}, {"partial", 0}, {"not_evidenced", 0}, {"not_applicable", 0}},
                {{"theme", "Physical"}, {"passing", 0}, {"failing", 0}, {"partial", 1}, {"not_evidenced", 0}, {"not_applicable", 0}},
                {{"theme", "Technological"}, {"passing", 1}, {"failing", 1}, {"partial", 0}, {"not_evidenced", 0}, {"not_applicable", 0}}}}}},
            {"controls", controls}};
  }

  nlohmann::json host(int i) const {
    return {{"id", "host-" + std::to_string(i)},
            {"hostname", "web-" + std::to_string(1000 + (i * 7919) % hostCount) + ".corp"},
            {"os", {{"id", "debian"}, {"version", "12"}, {"pretty_name", i % 3 == 0 ? "Ubuntu 24.04 LTS" : "Debian GNU/Linux 12"}}},
            {"kernel", "6.1.0"},
            {"agent_version", "0.1.0"},
            {"enrolled_at", "2026-11-01T00:00:00Z"},
            {"last_seen", i % 10 == 9 ? nlohmann::json(nullptr) : nlohmann::json("2026-11-23T0" + std::to_string(i % 9) + ":00:00Z")},
            {"interval_seconds", 900},
            {"stale", i % 4 == 0},
            {"revoked", false},
            {"results", {{"pass", 40 - i % 5}, {"fail", i % 5}, {"error", 0}, {"not_applicable", 1}}}};
  }

  static nlohmann::json findings() {
    return nlohmann::json::parse(R"({"by_severity": {"critical": 5, "high": 2, "medium": 0, "low": 1},
      "controls": [
        {"id": "A.8.5", "title": "Secure authentication", "theme": "Technological", "checks": [
          {"check": "ssh.permit_root_login", "title": "Root login", "severity": "critical", "hosts": 5, "first_seen": "2026-11-20T10:00:00Z"},
          {"check": "pam.mfa", "title": "MFA", "severity": "high", "hosts": 2, "first_seen": "2026-11-21T10:00:00Z"}]},
        {"id": "A.8.9", "title": "Configuration management", "theme": "Technological", "checks": [
          {"check": "ssh.permit_root_login", "title": "Root login", "severity": "critical", "hosts": 5, "first_seen": "2026-11-20T10:00:00Z"},
          {"check": "files.shadow_mode", "title": "shadow", "severity": "low", "hosts": 1, "first_seen": "2026-11-19T10:00:00Z"}]}]})");
  }

  static nlohmann::json history() {
    return nlohmann::json::parse(R"({"from": "2026-10-24", "to": "2026-11-23", "control": null, "series": [
      {"day": "2026-11-22", "theme": "Technological", "passing": 10, "failing": 5, "partial": 4, "not_evidenced": 15, "not_applicable": 0},
      {"day": "2026-11-22", "theme": "People", "passing": 0, "failing": 0, "partial": 0, "not_evidenced": 8, "not_applicable": 0},
      {"day": "2026-11-23", "theme": "Technological", "passing": 12, "failing": 3, "partial": 4, "not_evidenced": 15, "not_applicable": 0},
      {"day": "2026-11-23", "theme": "People", "passing": 1, "failing": 0, "partial": 0, "not_evidenced": 7, "not_applicable": 0}]})");
  }

  Result<std::string> operator()(const std::string& target) {
    ++requests;
    targets.push_back(target);
    if (down) return makeError("cannot connect to https://127.0.0.1:1: Connection refused");
    if (target == "/api/v1/posture") return posture().dump();
    if (text::startsWith(target, "/api/v1/hosts?")) {
      int offset = 0, limit = 100;
      for (const auto& part : text::split(target.substr(target.find('?') + 1), '&')) {
        long long v = 0;
        if (text::startsWith(part, "offset=") && text::parseInt(part.substr(7), v)) offset = static_cast<int>(v);
        if (text::startsWith(part, "limit=") && text::parseInt(part.substr(6), v)) limit = static_cast<int>(v);
      }
      auto hosts = nlohmann::json::array();
      for (int i = offset; i < std::min(hostCount, offset + limit); ++i) hosts.push_back(host(i));
      return nlohmann::json{{"total", hostCount}, {"offset", offset}, {"limit", limit}, {"hosts", hosts}}.dump();
    }
    if (text::startsWith(target, "/api/v1/hosts/")) {
      auto h = host(std::stoi(target.substr(target.rfind('-') + 1)));
      h["results"] = nlohmann::json::parse(R"([
        {"check": "ssh.permit_root_login", "title": "Root login", "status": "fail", "severity": "critical", "controls": ["A.8.5", "A.8.9"],
         "message": "PermitRootLogin yes", "remediation": "Set PermitRootLogin no",
         "evidence": [{"source": "sshd -T", "observed": "permitrootlogin yes", "expected": "permitrootlogin no"}],
         "since": "2026-11-20T10:00:00Z", "report_id": "r1"},
        {"check": "disk.encryption", "title": "Disk", "status": "pass", "severity": "high", "controls": ["A.8.24"],
         "message": "LUKS2", "remediation": "", "evidence": [], "since": "2026-11-20T10:00:00Z", "report_id": "r1"},
        {"check": "files.shadow_mode", "title": "shadow", "status": "error", "severity": "low", "controls": ["A.8.9"],
         "message": "permission denied", "remediation": "", "evidence": [], "since": "2026-11-20T10:00:00Z", "report_id": "r1"}])");
      return h.dump();
    }
    if (text::startsWith(target, "/api/v1/controls/")) {
      auto c = posture()["controls"][1];
      c["host_results"] = nlohmann::json::parse(R"([{"id": "host-1", "hostname": "web-1", "stale": false, "results": [
        {"check": "ssh.permit_root_login", "title": "Root login", "status": "fail", "severity": "critical", "controls": ["A.8.5"],
         "message": "PermitRootLogin yes", "remediation": "Set it", "evidence": [], "since": "2026-11-20T10:00:00Z", "report_id": "r1"}]}])");
      return c.dump();
    }
    if (target == "/api/v1/findings") return findings().dump();
    if (target == "/api/v1/history") return history().dump();
    if (text::startsWith(target, "/api/v1/history?control=")) {
      const auto id = target.substr(target.find('=') + 1);
      return nlohmann::json{{"from", "2026-10-24"}, {"to", "2026-11-23"}, {"control", id},
                            {"series", {{{"day", "2026-11-22"}, {"status", "failing"}, {"passing", 1}, {"failing", 2}, {"error", 0}, {"stale", 0}},
                                        {{"day", "2026-11-23"}, {"status", "failing"}, {"passing", 2}, {"failing", 1}, {"error", 0}, {"stale", 0}}}}}
          .dump();
    }
    return makeError("GET " + target + ": HTTP 404");
  }
};

}  // namespace annexa::dashboard::test
