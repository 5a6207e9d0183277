// What the dashboard knows about the fleet: plain immutable data parsed from the collector's JSON API.
// Knows nothing of ImGui or the network; the background thread builds these, the UI thread only reads them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/model.hpp"
#include "common/result.hpp"

namespace annexa::dashboard {

// A control's status as the collector's posture engine decided it.
// Accepted: the only failures are covered by valid exceptions (risk acceptances): never counted as passing.
enum class ControlStatus { Passing, Failing, Partial, NotEvidenced, NotApplicable, Accepted };
inline constexpr ControlStatus kAllControlStatuses[] = {ControlStatus::Passing,       ControlStatus::Accepted,
                                                      ControlStatus::Failing,       ControlStatus::Partial,
                                                      ControlStatus::NotEvidenced,  ControlStatus::NotApplicable};
// One check result on one host.
enum class ResultStatus { Pass, Fail, Error, NotApplicable };
enum class Severity { Critical, High, Medium, Low };

ControlStatus parseControlStatus(std::string_view text);  // unknown text → NotEvidenced (never claims a pass)
ResultStatus parseResultStatus(std::string_view text);    // unknown text → Error
Severity parseSeverity(std::string_view text);            // unknown text → Medium
// Short ASCII labels, so status is never carried by colour alone.
std::string_view label(ControlStatus status);  // "PASS", "FAIL", "PARTIAL", "NO EVIDENCE", "N/A", "ACCEPTED"
std::string_view label(ResultStatus status);   // "PASS", "FAIL", "ERROR", "N/A"
std::string_view label(Severity severity);     // "critical", ...

struct ThemeCounts {
  std::string theme;
  int passing = 0;
  int failing = 0;
  int partial = 0;
  int notEvidenced = 0;
  int notApplicable = 0;
  int accepted = 0;
  int total() const { return passing + failing + partial + notEvidenced + notApplicable + accepted; }
  int count(ControlStatus status) const;
};

struct ControlRow {
  std::string id;  // "A.8.24"
  std::string theme;
  std::string title;
  std::vector<std::string> iso2013;
  std::string iso2013Text;  // "A.10.1.1, A.10.1.2" or "new in 2022"
  ControlStatus status = ControlStatus::NotEvidenced;
  std::vector<std::string> checks;
  int hostsPassing = 0;
  int hostsFailing = 0;  // stale hosts whose last results fail included
  int hostsError = 0;
  int hostsStale = 0;  // stale hosts whose last results pass or err: they count for nothing
  int hostsNotApplicable = 0;
  int hostsAccepted = 0;  // failing, but covered by a valid exception
  int hostsFailingStale = 0;
  int hostsAcceptedStale = 0;
};

struct HostRow {
  std::string id;
  std::string hostname;
  std::string os;
  std::int64_t lastSeen = 0;  // unix seconds; 0 = never reported
  std::string lastSeenText;   // RFC 3339 as received, or "never"
  int pass = 0;
  int fail = 0;
  int error = 0;
  int notApplicable = 0;
  bool stale = false;
  bool revoked = false;
};

struct FindingCheck {
  std::string check;
  std::string title;
  Severity severity = Severity::Medium;
  int hosts = 0;
  int hostsStale = 0;  // of `hosts`, silent ones whose last result fails
  std::string firstSeen;
};

struct FindingControl {
  std::string id;
  std::string title;
  std::string theme;
  std::vector<FindingCheck> checks;
};

struct Findings {
  std::map<Severity, int> hostsBySeverity;  // failing (host, check) pairs per severity
  std::vector<FindingControl> controls;     // catalog order
};

// Per day and theme: how many controls were in each status (from /api/v1/history).
struct ThemeDay {
  std::string day;  // YYYY-MM-DD
  std::string theme;
  int passing = 0;
  int failing = 0;
  int partial = 0;
  int notEvidenced = 0;
  int notApplicable = 0;
  int accepted = 0;
};

// Per day for one control (/api/v1/history?control=ID).
struct ControlDay {
  std::string day;
  ControlStatus status = ControlStatus::NotEvidenced;
  int passing = 0;
  int failing = 0;
  int error = 0;
  int stale = 0;
};

// Everything fetched in one refresh: posture, all hosts, findings, theme history.
struct FleetData {
  std::string computedAt;
  int hostsTotal = 0;
  int hostsOnline = 0;
  int hostsStale = 0;
  std::vector<ThemeCounts> themes;
  std::vector<ControlRow> controls;  // catalog order, 93
  std::vector<HostRow> hosts;
  Findings findings;
  std::vector<ThemeDay> history;
};

using Evidence = annexa::Evidence;  // source, observed, expected: the report schema's own

struct ResultRow {
  std::string check;
  std::string title;
  ResultStatus status = ResultStatus::Error;
  Severity severity = Severity::Medium;
  std::vector<std::string> controls;
  std::string controlsText;
  std::string message;
  std::string remediation;
  std::vector<Evidence> evidence;
  std::string since;
};

struct HostDetail {
  HostRow host;
  std::string kernel;
  std::string agentVersion;
  std::string enrolledAt;
  std::vector<ResultRow> results;
};

struct ControlHost {
  std::string id;
  std::string hostname;
  bool stale = false;
  std::vector<ResultRow> results;
};

struct ControlDetail {
  ControlRow control;
  std::vector<ControlHost> hosts;
};

struct ControlHistory {
  std::string controlId;
  std::vector<ControlDay> days;
};

struct IsmsData;  // dashboard/isms_snapshot.hpp

// Connection state as the UI shows it.
struct ConnectionState {
  bool everConnected = false;
  bool connected = false;
  std::int64_t lastSuccess = 0;         // unix seconds of the last complete refresh
  std::int64_t disconnectedSince = 0;   // first failure after the last success; 0 while connected
  std::string lastError;
  std::string server;                   // "https://host:port"
};

// What the UI thread renders. Immutable once published; parts are shared between successive snapshots,
// so fetching one host's detail does not copy 10,000 host rows.
struct Snapshot {
  std::uint64_t generation = 0;  // increases with every publication
  ConnectionState connection;
  std::shared_ptr<const FleetData> fleet;  // null until the first refresh succeeds
  std::shared_ptr<const ControlDetail> control;
  std::shared_ptr<const HostDetail> host;
  std::shared_ptr<const ControlHistory> controlHistory;
  std::shared_ptr<const IsmsData> isms;  // the ISMS registers; null until the first refresh got that far
  // Data is shown but not current: the collector could not be reached on the last attempt.
  bool stale() const { return fleet && !connection.connected; }
};

// ---- parsing the collector's JSON (errors name the endpoint and field) ----------------------------------

Result<FleetData> parsePosture(std::string_view json);  // fills summary, themes, controls
struct HostPage {
  int total = 0;
  std::vector<HostRow> hosts;
};
Result<HostPage> parseHostPage(std::string_view json);
Result<Findings> parseFindings(std::string_view json);
Result<std::vector<ThemeDay>> parseThemeHistory(std::string_view json);
Result<ControlHistory> parseControlHistory(std::string_view json);
Result<HostDetail> parseHostDetail(std::string_view json);
Result<ControlDetail> parseControlDetail(std::string_view json);

}  // namespace annexa::dashboard
