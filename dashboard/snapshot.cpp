#include "dashboard/snapshot.hpp"

#include "common/clock.hpp"
#include "common/text.hpp"
#include "dashboard/json_read.hpp"

namespace annexa::dashboard {
namespace {

using namespace json_read;

ControlRow controlRow(const json& c) {
  ControlRow row;
  row.id = str(c, "id");
  row.theme = str(c, "theme");
  row.title = str(c, "title");
  row.iso2013 = strings(c, "iso2013");
  row.iso2013Text = row.iso2013.empty() ? "new in 2022" : text::join(row.iso2013, ", ");
  row.status = parseControlStatus(str(c, "status"));
  row.checks = strings(c, "checks");
  if (const auto h = c.find("hosts"); h != c.end() && h->is_object()) {
    row.hostsPassing = num(*h, "passing");
    row.hostsFailing = num(*h, "failing");
    row.hostsError = num(*h, "error");
    row.hostsStale = num(*h, "stale");
    row.hostsNotApplicable = num(*h, "not_applicable");
    row.hostsAccepted = num(*h, "accepted");
    row.hostsFailingStale = num(*h, "failing_stale");
    row.hostsAcceptedStale = num(*h, "accepted_stale");
  }
  return row;
}

HostRow hostRow(const json& h) {
  HostRow row;
  row.id = str(h, "id");
  row.hostname = str(h, "hostname");
  if (const auto os = h.find("os"); os != h.end() && os->is_object()) {
    row.os = str(*os, "pretty_name");
    if (row.os.empty()) {
      const std::string fallback = str(*os, "id") + " " + str(*os, "version");
      row.os = std::string(text::trim(fallback));
    }
  }
  row.lastSeenText = str(h, "last_seen");
  if (const auto t = parseRfc3339(row.lastSeenText)) row.lastSeen = *t;
  if (row.lastSeenText.empty()) row.lastSeenText = "never";
  row.stale = flag(h, "stale");
  row.revoked = flag(h, "revoked");
  if (const auto r = h.find("results"); r != h.end() && r->is_object()) {
    row.pass = num(*r, "pass");
    row.fail = num(*r, "fail");
    row.error = num(*r, "error");
    row.notApplicable = num(*r, "not_applicable");
  }
  return row;
}

ResultRow resultRow(const json& r) {
  ResultRow row;
  row.check = str(r, "check");
  row.title = str(r, "title");
  row.status = parseResultStatus(str(r, "status"));
  row.severity = parseSeverity(str(r, "severity"));
  row.controls = strings(r, "controls");
  row.controlsText = text::join(row.controls, ", ");
  row.message = str(r, "message");
  row.remediation = str(r, "remediation");
  for (const auto& e : array(r, "evidence"))
    if (e.is_object()) row.evidence.push_back({str(e, "source"), str(e, "observed"), str(e, "expected")});
  row.since = str(r, "since");
  return row;
}

}  // namespace

ControlStatus parseControlStatus(std::string_view t) {
  if (t == "passing") return ControlStatus::Passing;
  if (t == "failing") return ControlStatus::Failing;
  if (t == "partial") return ControlStatus::Partial;
  if (t == "not_applicable") return ControlStatus::NotApplicable;
  if (t == "accepted") return ControlStatus::Accepted;
  return ControlStatus::NotEvidenced;
}

ResultStatus parseResultStatus(std::string_view t) {
  if (t == "pass") return ResultStatus::Pass;
  if (t == "fail") return ResultStatus::Fail;
  if (t == "not_applicable") return ResultStatus::NotApplicable;
  return ResultStatus::Error;
}

Severity parseSeverity(std::string_view t) {
  if (t == "critical") return Severity::Critical;
  if (t == "high") return Severity::High;
  if (t == "low") return Severity::Low;
  return Severity::Medium;
}

std::string_view label(ControlStatus s) {
  switch (s) {
    case ControlStatus::Passing: return "PASS";
    case ControlStatus::Failing: return "FAIL";
    case ControlStatus::Partial: return "PARTIAL";
    case ControlStatus::NotEvidenced: return "NO EVIDENCE";
    case ControlStatus::NotApplicable: return "N/A";
    case ControlStatus::Accepted: return "ACCEPTED";
  }
  return "?";
}

int ThemeCounts::count(ControlStatus s) const {
  switch (s) {
    case ControlStatus::Passing: return passing;
    case ControlStatus::Failing: return failing;
    case ControlStatus::Partial: return partial;
    case ControlStatus::NotEvidenced: return notEvidenced;
    case ControlStatus::NotApplicable: return notApplicable;
    case ControlStatus::Accepted: return accepted;
  }
  return 0;
}

std::string_view label(ResultStatus s) {
  switch (s) {
    case ResultStatus::Pass: return "PASS";
    case ResultStatus::Fail: return "FAIL";
    case ResultStatus::Error: return "ERROR";
    case ResultStatus::NotApplicable: return "N/A";
  }
  return "?";
}

std::string_view label(Severity s) {
  switch (s) {
    case Severity::Critical: return "critical";
    case Severity::High: return "high";
    case Severity::Medium: return "medium";
    case Severity::Low: return "low";
  }
  return "?";
}

Result<FleetData> parsePosture(std::string_view text) {
  return parseWith<FleetData>(text, "/api/v1/posture", [](const json& doc) -> Result<FleetData> {
    FleetData fleet;
    fleet.computedAt = str(doc, "computed_at");
    const auto summary = doc.find("summary");
    if (summary == doc.end() || !summary->is_object()) return makeError("/api/v1/posture: no summary");
    if (const auto hosts = summary->find("hosts"); hosts != summary->end() && hosts->is_object()) {
      fleet.hostsTotal = num(*hosts, "total");
      fleet.hostsOnline = num(*hosts, "online");
      fleet.hostsStale = num(*hosts, "stale");
    }
    for (const auto& t : array(*summary, "themes"))
      fleet.themes.push_back({str(t, "theme"), num(t, "passing"), num(t, "failing"), num(t, "partial"),
                              num(t, "not_evidenced"), num(t, "not_applicable"), num(t, "accepted")});
    for (const auto& c : array(doc, "controls")) fleet.controls.push_back(controlRow(c));
    if (fleet.controls.empty()) return makeError("/api/v1/posture: no controls");
    return fleet;
  });
}

Result<HostPage> parseHostPage(std::string_view text) {
  return parseWith<HostPage>(text, "/api/v1/hosts", [](const json& doc) -> Result<HostPage> {
    HostPage page;
    page.total = num(doc, "total");
    for (const auto& h : array(doc, "hosts")) page.hosts.push_back(hostRow(h));
    return page;
  });
}

Result<Findings> parseFindings(std::string_view text) {
  return parseWith<Findings>(text, "/api/v1/findings", [](const json& doc) -> Result<Findings> {
    Findings findings;
    if (const auto s = doc.find("by_severity"); s != doc.end() && s->is_object())
      for (const auto& [name, count] : s->items())
        if (count.is_number()) findings.hostsBySeverity[parseSeverity(name)] += count.get<int>();
    for (const auto& c : array(doc, "controls")) {
      FindingControl control{str(c, "id"), str(c, "title"), str(c, "theme"), {}};
      for (const auto& k : array(c, "checks"))
        control.checks.push_back({str(k, "check"), str(k, "title"), parseSeverity(str(k, "severity")), num(k, "hosts"),
                                  num(k, "hosts_stale"), str(k, "first_seen")});
      findings.controls.push_back(std::move(control));
    }
    return findings;
  });
}

Result<std::vector<ThemeDay>> parseThemeHistory(std::string_view text) {
  return parseWith<std::vector<ThemeDay>>(text, "/api/v1/history", [](const json& doc) -> Result<std::vector<ThemeDay>> {
    std::vector<ThemeDay> days;
    for (const auto& p : array(doc, "series"))
      days.push_back({str(p, "day"), str(p, "theme"), num(p, "passing"), num(p, "failing"), num(p, "partial"),
                      num(p, "not_evidenced"), num(p, "not_applicable"), num(p, "accepted")});
    return days;
  });
}

Result<ControlHistory> parseControlHistory(std::string_view text) {
  return parseWith<ControlHistory>(text, "/api/v1/history?control", [](const json& doc) -> Result<ControlHistory> {
    ControlHistory history;
    history.controlId = str(doc, "control");
    for (const auto& p : array(doc, "series"))
      history.days.push_back({str(p, "day"), parseControlStatus(str(p, "status")), num(p, "passing"), num(p, "failing"),
                              num(p, "error"), num(p, "stale")});
    return history;
  });
}

Result<HostDetail> parseHostDetail(std::string_view text) {
  return parseWith<HostDetail>(text, "/api/v1/hosts/{id}", [](const json& doc) -> Result<HostDetail> {
    HostDetail detail;
    detail.host = hostRow(doc);
    detail.kernel = str(doc, "kernel");
    detail.agentVersion = str(doc, "agent_version");
    detail.enrolledAt = str(doc, "enrolled_at");
    for (const auto& r : array(doc, "results")) {
      detail.results.push_back(resultRow(r));
      switch (detail.results.back().status) {  // the detail carries results, not counts
        case ResultStatus::Pass: ++detail.host.pass; break;
        case ResultStatus::Fail: ++detail.host.fail; break;
        case ResultStatus::Error: ++detail.host.error; break;
        case ResultStatus::NotApplicable: ++detail.host.notApplicable; break;
      }
    }
    return detail;
  });
}

Result<ControlDetail> parseControlDetail(std::string_view text) {
  return parseWith<ControlDetail>(text, "/api/v1/controls/{id}", [](const json& doc) -> Result<ControlDetail> {
    ControlDetail detail;
    detail.control = controlRow(doc);
    for (const auto& h : array(doc, "host_results")) {
      ControlHost host{str(h, "id"), str(h, "hostname"), flag(h, "stale"), {}};
      for (const auto& r : array(h, "results")) host.results.push_back(resultRow(r));
      detail.hosts.push_back(std::move(host));
    }
    return detail;
  });
}

}  // namespace annexa::dashboard
