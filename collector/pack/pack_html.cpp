// report.html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) that prints well.
// Long host lists are capped with a count of the rest; results.csv holds them all.
#include <map>

#include "collector/isms/isms_html.hpp"
#include "collector/pack/pack_writers.hpp"
#include "collector/isms/readiness.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::collector::pack {
namespace {

using isms::htmlEscape;

constexpr std::size_t kMaxHostsListed = 25;

constexpr const char* kStyle =
    "body{font-family:sans-serif;max-width:1200px;margin:1em auto;color:#111}"
    "table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #999;padding:3px 5px;"
    "vertical-align:top;text-align:left;font-size:13px}th{background:#eee}.failing,.bad{color:#b00020}"
    ".passing,.ok{color:#1a7f37}.partial,.accepted{color:#9a6700}.none,.more{color:#666}code{font-size:12px}"
    "@media print{body{max-width:none;margin:0}h2{break-before:auto;break-after:avoid}tr,svg{break-inside:avoid}"
    "th{background:none}}";

std::string time(std::int64_t t) { return formatRfc3339(t); }
std::string time(const std::optional<std::int64_t>& t) { return t ? formatRfc3339(*t) : "—"; }

// A table written row by row; every cell is given already escaped.
class HtmlTable {
 public:
  HtmlTable(std::ostream& out, const std::vector<std::string>& headers) : out_(out) {
    out_ << "<table>\n<tr>";
    for (const auto& h : headers) out_ << "<th>" << htmlEscape(h) << "</th>";
    out_ << "</tr>\n";
  }
  ~HtmlTable() { out_ << "</table>\n"; }
  HtmlTable(const HtmlTable&) = delete;
  HtmlTable& operator=(const HtmlTable&) = delete;
  void row(const std::vector<std::string>& cells) {
    out_ << "<tr>";
    for (const auto& c : cells) out_ << "<td>" << c << "</td>";
    out_ << "</tr>\n";
  }

 private:
  std::ostream& out_;
};

std::string statusCell(std::string_view status) {
  return "<span class=\"" + htmlEscape(status) + "\">" + htmlEscape(status) + "</span>";
}

void header(const PackData& d, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<title>Annexa audit evidence pack</title><style>"
      << kStyle << "</style></head><body>\n<h1>ISO/IEC 27001:2022 audit evidence pack</h1>\n";
  HtmlTable t(out, {"Scope", "Period", "Posture at", "Generated", "Hosts", "Collector CA"});
  t.row({d.scope.empty() ? "whole fleet" : htmlEscape(d.scope), time(d.periodFrom) + " – " + time(d.periodTo),
         "<b>" + time(d.at) + "</b>", time(d.generatedAt), std::to_string(d.hosts.size()),
         "<code>" + htmlEscape(d.collector.caFingerprint) + "</code>"});
}

void readinessAndTrend(const PackData& d, std::ostream& out) {
  const auto& band = isms::readinessBand(d.readinessScore);
  out << "<h2>Audit readiness</h2>\n<p>Readiness <b>" << isms::scoreText(d.readinessScore) << "</b> — "
      << htmlEscape(band.assessment()) << ".</p>\n";
  std::map<std::string, int> counts;
  for (const auto& c : d.posture.controls) ++counts[std::string(toString(c.status))];
  out << "<p>Controls at " << time(d.at) << ":";
  for (const auto& [status, n] : counts) out << " " << statusCell(status) << " " << n << ";";
  out << "</p>\n<h2>Posture trend</h2>\n" << isms::trendSvg(isms::postureTrend(d.daily));
  std::map<std::string, std::map<std::string, int>> statusesByDay;
  for (const auto& row : d.daily) ++statusesByDay[row.day][row.status];
  if (statusesByDay.empty()) return;
  const std::vector<std::string> statuses = {"passing", "failing", "partial", "accepted", "not_evidenced"};
  std::vector<std::string> headers = {"Day"};
  headers.insert(headers.end(), statuses.begin(), statuses.end());
  HtmlTable t(out, headers);
  std::vector<decltype(statusesByDay)::iterator> firstAndLast = {statusesByDay.begin()};
  if (statusesByDay.size() > 1) firstAndLast.push_back(std::prev(statusesByDay.end()));
  for (const auto& day : firstAndLast) {
    std::vector<std::string> cells = {htmlEscape(day->first)};
    for (const auto& status : statuses) cells.push_back(std::to_string(day->second[status]));
    t.row(cells);
  }
}

void statementOfApplicability(const PackData& d, const PackIndex& idx, std::ostream& out) {
  out << "<h2>Statement of Applicability</h2>\n";
  std::map<std::string, const ControlPosture*, std::less<>> postureById;
  for (const auto& c : d.posture.controls)
    if (c.control) postureById.emplace(c.control->id, &c);
  HtmlTable t(out, {"Control", "Title", "Applicable", "Status", "Justification", "Implementation", "Owner",
                    "Manual evidence"});
  for (const auto& s : d.soa) {
    const auto found = postureById.find(s.controlId);
    const ControlPosture* posture = found == postureById.end() ? nullptr : found->second;
    std::vector<std::string> evidence;
    for (const auto& e : s.evidence)
      evidence.push_back(htmlEscape(e.document + " (" + e.location + ", " + e.date + ")"));
    t.row({htmlEscape(s.controlId), posture ? htmlEscape(posture->control->title) : std::string(),
           s.applicable ? "yes" : "<b>no</b>",
           posture && idx.applicable(s.controlId) ? statusCell(toString(posture->status)) : std::string("—"),
           htmlEscape(s.justification), htmlEscape(toString(s.implementation)), htmlEscape(s.owner),
           text::join(evidence, "<br>")});
  }
}

// The results behind a control that are not passing, capped; the rest are counted.
void controlHosts(const ControlPosture& c, const PackIndex& idx, std::ostream& out) {
  std::size_t listed = 0;
  std::size_t more = 0;
  std::vector<std::vector<std::string>> rows;
  for (const auto& check : c.checks) {
    const auto it = idx.resultsByCheck.find(check);
    if (it == idx.resultsByCheck.end()) continue;
    for (const auto* r : it->second) {
      if (r->result.status == CheckStatus::Pass || r->result.status == CheckStatus::NotApplicable) continue;
      if (listed == kMaxHostsListed) {
        ++more;
        continue;
      }
      ++listed;
      std::vector<std::string> observed;
      for (const auto& e : r->result.evidence)
        observed.push_back(htmlEscape(e.source) + ": <code>" + htmlEscape(e.observed) + "</code> (expected <code>" +
                           htmlEscape(e.expected) + "</code>)");
      const std::string staleMark = idx.stale(r->agentId) ? " <i>(stale: last known result)</i>" : "";
      rows.push_back({htmlEscape(idx.hostname(r->agentId)) + staleMark, htmlEscape(r->result.check),
                      statusCell(toString(r->result.status)), htmlEscape(toString(r->result.severity)),
                      time(r->observedAt), text::join(observed, "<br>")});
    }
  }
  if (rows.empty()) return;
  {
    HtmlTable t(out, {"Host", "Check", "Status", "Severity", "Observed at", "Observed evidence"});
    for (const auto& r : rows) t.row(r);
  }
  if (more) out << "<p class=\"more\">… and " << more << " more results not passing (see results.csv).</p>\n";
}

// One table row per applicable control, then the evidence only where a host does not pass: the auditor reads
// the exceptions, not 93 paragraphs.
void controls(const PackData& d, const PackIndex& idx, std::ostream& out) {
  out << "<h2>Controls at " << time(d.at) << "</h2>\n";
  {
    HtmlTable t(out, {"Control", "2013", "Title", "Status", "Passing", "Failing (of which stale)", "Error",
                      "Stale, not failing", "Accepted", "Mapped checks"});
    for (const auto& c : d.posture.controls) {
      if (!c.control || !idx.applicable(c.control->id)) continue;
      t.row({htmlEscape(c.control->id), htmlEscape(text::join(c.control->iso2013, " ")), htmlEscape(c.control->title),
             statusCell(toString(c.status)), std::to_string(c.hostsPassing),
             std::to_string(c.hostsFailing) +
                 (c.hostsFailingStale > 0 ? " (" + std::to_string(c.hostsFailingStale) + ")" : std::string()),
             std::to_string(c.hostsError), std::to_string(c.hostsStale), std::to_string(c.hostsAccepted),
             c.checks.empty() ? "<i>manual evidence only</i>" : htmlEscape(text::join(c.checks, ", "))});
    }
  }
  out << "<h2>Evidence of what does not pass</h2>\n";
  bool any = false;
  for (const auto& c : d.posture.controls) {
    if (!c.control || !idx.applicable(c.control->id)) continue;
    if (c.hostsFailing + c.hostsError + c.hostsStale + c.hostsAccepted == 0) continue;
    any = true;
    out << "<h3>" << htmlEscape(c.control->id + " " + c.control->title) << " — " << statusCell(toString(c.status))
        << "</h3>\n";
    controlHosts(c, idx, out);
  }
  if (!any) out << "<p>Every applicable control with mapped checks passes on every in-scope host.</p>\n";
}

void registers(const PackData& d, const PackIndex& idx, std::ostream& out) {
  out << "<h2>Non-conformities</h2>\n";
  {
    HtmlTable t(out, {"NC", "Kind", "State", "Title", "Control", "Action owner", "Action due", "Raised", "Closed"});
    for (const auto& nc : d.nonConformities)
      t.row({"#" + std::to_string(nc.id), htmlEscape(toString(nc.kind)), htmlEscape(toString(nc.state)),
             htmlEscape(nc.title), htmlEscape(nc.controlId), htmlEscape(nc.actionOwner),
             time(nc.actionDue) + (nc.overdue(d.at) ? " <b class=\"bad\">overdue</b>" : ""), time(nc.createdAt),
             time(nc.closedAt)});
  }
  out << "<h2>Exceptions (risk acceptances)</h2>\n";
  {
    HtmlTable t(out, {"Exception", "Covers", "Justification", "Approver", "Valid from", "Expires", "Valid at posture"});
    for (const auto& x : d.exceptions) {
      const std::string covers = x.scope == isms::ExceptionScope::Control ? x.controlId
                                 : x.scope == isms::ExceptionScope::Check
                                     ? x.checkId + " (all hosts)"
                                     : x.checkId + " on " + std::string(idx.hostname(x.agentId));
      t.row({"#" + std::to_string(x.id), htmlEscape(covers), htmlEscape(x.justification), htmlEscape(x.approver),
             time(x.validFrom), time(x.expiresAt), x.validAt(d.at) ? "yes" : "<b>no</b>"});
    }
  }
  out << "<h2>Risk treatment</h2>\n";
  HtmlTable t(out, {"Risk", "Title", "Score", "Treatment", "Controls", "Owner", "Due", "Treatment effective"});
  for (const auto& [r, a] : d.risks)
    t.row({"#" + std::to_string(r.id), htmlEscape(r.title),
           std::to_string(r.score()) + " (" + std::string(toString(isms::riskLevel(r.score()))) + ")",
           htmlEscape(toString(r.treatment)), htmlEscape(text::join(r.controls, ", ")), htmlEscape(r.owner),
           time(r.dueDate),
           a.treatmentEffective
               ? "yes"
               : "<b class=\"bad\">no</b> (failing: " + htmlEscape(text::join(a.failingControls, ", ")) + ")"});
}

void evidenceLog(const PackData& d, std::ostream& out) {
  const auto& log = d.evidenceLog;
  out << "<h2>Evidence log</h2>\n<p>This pack covers evidence-log entries " << log.firstSeq << " to " << log.lastSeq
      << "; head hash <code>" << htmlEscape(log.headHash) << "</code>.";
  if (log.signedHead)
    out << " Head " << log.signedHead->seq << " (<code>" << htmlEscape(log.signedHead->hash) << "</code>) signed at "
        << time(log.signedHead->signedAt) << ".";
  out << " manifest.json lists every file of the pack with its SHA-256; manifest.sig signs it with the collector's "
         "key (check with <code>annexa-collector verify-pack</code> or openssl).</p>\n";
}

}  // namespace

void writeReportHtml(const PackData& data, std::ostream& out) {
  const PackIndex idx(data);
  header(data, out);
  readinessAndTrend(data, out);
  controls(data, idx, out);
  registers(data, idx, out);
  statementOfApplicability(data, idx, out);
  evidenceLog(data, out);
  out << "</body></html>\n";
}

}  // namespace annexa::collector::pack
