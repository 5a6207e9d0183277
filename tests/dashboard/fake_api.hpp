// A collector API in memory for dashboard tests: answers the GETs the data source makes with JSON shaped
// like collector/api/api_views.cpp produces, for a fleet of `hosts` generated hosts.
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
                        {"hosts", {{"passing", 2}, {"failing", 1}, {"failing_stale", 1}, {"error", 0}, {"stale", 0}, {"not_applicable", 0}}}});
    controls.push_back({{"id", "A.8.24"}, {"theme", "Technological"}, {"title", "Use of cryptography"},
                        {"iso2013", {"A.10.1.1", "A.10.1.2"}}, {"status", "passing"}, {"checks", {"disk.encryption"}},
                        {"hosts", {{"passing", 3}, {"failing", 0}, {"error", 0}, {"stale", 0}, {"not_applicable", 0}}}});
    controls.push_back({{"id", "A.8.8"}, {"theme", "Technological"}, {"title", "Management of technical vulnerabilities"},
                        {"iso2013", {"A.12.6.1"}}, {"status", "accepted"}, {"checks", {"pkg.security_updates"}},
                        {"hosts", {{"passing", 2}, {"failing", 0}, {"error", 0}, {"stale", 0}, {"not_applicable", 0}, {"accepted", 1}}}});
    controls.push_back({{"id", "A.7.4"}, {"theme", "Physical"}, {"title", "Physical security monitoring"},
                        {"iso2013", nlohmann::json::array()}, {"status", "partial"}, {"checks", {"x.y"}},
                        {"hosts", {{"passing", 1}, {"failing", 0}, {"error", 1}, {"stale", 1}, {"not_applicable", 0}}}});
    return {{"computed_at", "2026-11-23T09:00:00Z"},
            {"summary",
             {{"hosts", {{"total", 3}, {"online", 2}, {"stale", 1}}},
              {"controls", {{"passing", 1}, {"failing", 1}, {"partial", 1}, {"not_evidenced", 1}, {"not_applicable", 0}, {"accepted", 1}}},
              {"themes",
               {{{"theme", "Organizational"}, {"passing", 0}, {"failing", 0}, {"partial", 0}, {"not_evidenced", 1}, {"not_applicable", 0}},
                {{"theme", "People"}, {"passing", 0}, {"failing", 0}, {"partial", 0}, {"not_evidenced", 0}, {"not_applicable", 0}},
                {{"theme", "Physical"}, {"passing", 0}, {"failing", 0}, {"partial", 1}, {"not_evidenced", 0}, {"not_applicable", 0}},
                {{"theme", "Technological"}, {"passing", 1}, {"failing", 1}, {"partial", 0}, {"not_evidenced", 0}, {"not_applicable", 0}, {"accepted", 1}}}}}},
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
          {"check": "pam.mfa", "title": "MFA", "severity": "high", "hosts": 2, "hosts_stale": 1, "first_seen": "2026-11-21T10:00:00Z"}]},
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

  // The ISMS registers, shaped as collector/isms/isms_json.cpp, soa.cpp and readiness.cpp write them (abridged).
  static nlohmann::json soa() {
    return nlohmann::json::parse(R"({"summary": {"controls": 3, "applicable": 2, "excluded": 1, "no_evidence": 1, "justification_missing": 1},
      "controls": [
        {"control": "A.5.1", "theme": "Organizational", "title": "Policies for information security", "applicable": true,
         "justification": "", "implementation": "not_implemented", "owner": "", "reviewed_at": null, "manual_evidence": [],
         "fleet": {"status": "not_evidenced", "checks": [], "evidenced": false}, "risks": [], "flags": ["no_evidence", "justification_missing", "not_reviewed"]},
        {"control": "A.7.4", "theme": "Physical", "title": "Physical security monitoring", "applicable": false,
         "justification": "cloud only: no premises", "implementation": "not_implemented", "owner": "ciso", "reviewed_at": "2026-11-01T00:00:00Z",
         "manual_evidence": [], "fleet": {"status": "partial", "checks": [], "evidenced": false}, "risks": [], "flags": []},
        {"control": "A.8.5", "theme": "Technological", "title": "Secure authentication", "applicable": true,
         "justification": "all hosts", "implementation": "implemented", "owner": "ops", "reviewed_at": "2026-11-02T00:00:00Z",
         "manual_evidence": [{"id": 1, "document": "policy", "location": "wiki", "date": "2026-10-01", "reviewer": "ciso"}],
         "fleet": {"status": "failing", "checks": [{"check": "ssh.permit_root_login", "severity": "critical", "hosts_reporting": 3}], "evidenced": true},
         "risks": [1], "flags": []}]})");
  }
  static nlohmann::json exceptions() {
    return nlohmann::json::parse(R"({"expiring_within_30_days": 1, "exceptions": [
      {"id": 1, "scope": "check", "host": "", "check": "pkg.security_updates", "control": "", "justification": "vendor freeze",
       "approver": "ciso", "valid_from": "2026-11-01T00:00:00Z", "expires_at": "2027-03-01T00:00:00Z", "revoked_at": null, "state": "valid", "days_left": 98},
      {"id": 2, "scope": "host_check", "host": "host-1", "check": "ssh.permit_root_login", "control": "", "justification": "legacy tool",
       "approver": "cto", "valid_from": "2026-11-01T00:00:00Z", "expires_at": "2026-12-05T00:00:00Z", "revoked_at": null, "state": "valid", "days_left": 12},
      {"id": 3, "scope": "control", "host": "", "check": "", "control": "A.8.8", "justification": "old",
       "approver": "cto", "valid_from": "2026-01-01T00:00:00Z", "expires_at": "2026-02-01T00:00:00Z", "revoked_at": null, "state": "expired", "days_left": 0}]})");
  }
  static nlohmann::json risks() {
    return nlohmann::json::parse(R"({"bands": [], "risks": [
      {"id": 1, "title": "Root login over SSH", "likelihood": 4, "impact": 5, "score": 20, "level": "critical", "treatment": "mitigate",
       "controls": ["A.8.5"], "owner": "ops", "due_date": "2026-12-31", "residual_score": 6, "treatment_effective": false,
       "failing_controls": ["A.8.5"], "flag": "treatment not effective"},
      {"id": 2, "title": "Laptop theft", "likelihood": 2, "impact": 3, "score": 6, "level": "medium", "treatment": "accept",
       "controls": [], "owner": "it", "due_date": null, "residual_score": null, "treatment_effective": true, "failing_controls": []}]})");
  }
  static nlohmann::json nonConformities() {
    return nlohmann::json::parse(R"({"open": 2, "overdue": 1, "nonconformities": [
      {"id": 1, "kind": "minor", "state": "closed", "title": "Old finding", "control": "A.5.1", "corrective_action": "", "action_owner": "",
       "action_due": null, "reopen_count": 0, "overdue": false},
      {"id": 2, "kind": "major", "state": "corrective_action", "title": "Root login allowed", "control": "A.8.5",
       "corrective_action": "disable it", "action_owner": "ops", "action_due": "2026-11-01", "reopen_count": 1, "overdue": true},
      {"id": 3, "kind": "ofi", "state": "open", "title": "Stale hosts", "control": "A.8.16", "corrective_action": "", "action_owner": "",
       "action_due": null, "reopen_count": 0, "overdue": false}]})");
  }
  static nlohmann::json readiness() {
    return nlohmann::json::parse(R"({"score": 2, "max_score": 3, "level": "high_risk", "assessment": "High risk: significant work needed", "bands": [],
      "items": [
        {"id": "program.scope", "area": "ISMS program", "title": "ISMS scope and objectives defined", "basis": "attestation", "met": true,
         "note": "attested", "stale": false, "attestation": {"item": "program.scope", "met": true, "attested_by": "ciso", "evidence_ref": "DOC-1", "attested_at": "2026-10-01"}},
        {"id": "program.continuity", "area": "ISMS program", "title": "Business continuity plan", "basis": "attestation", "met": false,
         "note": "attestation older than 12 months", "stale": true, "attestation": {"item": "program.continuity", "met": true, "attested_by": "ciso", "evidence_ref": "BCP", "attested_at": "2025-01-01"}},
        {"id": "access.mfa", "area": "Access control", "title": "Multi-factor authentication enabled", "basis": "fleet", "met": true,
         "note": "3 of 3 hosts pass", "evidence": {"checks": ["ssh.mfa_required", "pam.mfa_module"], "hosts_in_scope": 3, "hosts_passing": 3, "threshold": 0.95}}]})");
  }

  // GET /api/v1/calendar as collector/isms/isms_calendar.cpp writes it (docs/isms.md).
  static nlohmann::json calendar() {
    return nlohmann::json::parse(R"json({
      "calendar": {"scope": "Production servers and staff laptops", "internal_audit": "2026-12-01",
                   "management_review": "2026-12-15", "stage1": "2027-01-10", "stage2": "2027-02-15",
                   "updated_at": "2026-11-23T09:00:27Z", "updated_by": "alice"},
      "summary": {"today": "2026-11-23",
                  "next_audit": {"kind": "internal_audit", "title": "Internal audit", "date": "2026-12-01", "days": 8},
                  "next_management_review": {"kind": "management_review", "title": "Management review", "date": "2026-12-15", "days": 22},
                  "last_management_review": "2026-05-04",
                  "readiness": {"score": 20, "max_score": 27, "score_text": "20 / 27", "level": "moderate_risk",
                                "label": "Moderate risk", "assessment": "Moderate risk (key areas require attention)"},
                  "open_major_nonconformities": 1, "ready": false,
                  "reason": "1 major non-conformity open; readiness 20 / 27: Moderate risk (key areas require attention)",
                  "reasons": ["1 major non-conformity open", "readiness 20 / 27: Moderate risk (key areas require attention)"]}})json");
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
    if (target == "/api/v1/soa") return soa().dump();
    if (target == "/api/v1/exceptions") return exceptions().dump();
    if (target == "/api/v1/risks") return risks().dump();
    if (target == "/api/v1/nonconformities") return nonConformities().dump();
    if (target == "/api/v1/readiness") return readiness().dump();
    if (target == "/api/v1/calendar") return calendar().dump();
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
