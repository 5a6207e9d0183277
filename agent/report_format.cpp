#include "agent/report_format.hpp"

#include <algorithm>
#include <iomanip>
#include <map>

#include <nlohmann/json.hpp>

#include "common/text.hpp"

namespace annexa::agent {
namespace {

// Status words carry the meaning; colour only helps (readable for colour-blind users and in logs).
std::string statusLabel(CheckStatus status, bool colour) {
  const char* word = "ERROR";
  const char* code = "\033[35m";
  switch (status) {
    case CheckStatus::Pass: word = "PASS"; code = "\033[32m"; break;
    case CheckStatus::Fail: word = "FAIL"; code = "\033[31m"; break;
    case CheckStatus::NotApplicable: word = "N/A"; code = "\033[90m"; break;
    case CheckStatus::Error: break;
  }
  std::string label = word;
  label.resize(6, ' ');
  return colour ? std::string(code) + label + "\033[0m" : label;
}

std::string primaryTheme(const CheckResult& result) {
  for (const auto& control : result.controls) {
    auto theme = Catalog::themeOf(control);
    if (!theme.empty()) return theme;
  }
  return "Unmapped";
}

std::string pad(std::string_view s, std::size_t width) {
  std::string out(s);
  if (out.size() < width) out.resize(width, ' ');
  return out;
}

}  // namespace

StatusCounts countStatuses(const std::vector<CheckResult>& results) {
  StatusCounts counts;
  for (const auto& r : results) {
    switch (r.status) {
      case CheckStatus::Pass: ++counts.pass; break;
      case CheckStatus::Fail: ++counts.fail; break;
      case CheckStatus::NotApplicable: ++counts.notApplicable; break;
      case CheckStatus::Error: ++counts.error; break;
    }
  }
  return counts;
}

void printReportText(const Report& report, const Catalog& catalog, bool colour, std::ostream& out) {
  out << "Annexa agent " << report.agentVersion << " on " << report.host.hostname;
  if (!report.host.os.prettyName.empty()) out << " (" << report.host.os.prettyName << ")";
  out << ", " << report.results.size() << " checks in " << report.durationMs << " ms\n";

  std::map<std::string, std::vector<const CheckResult*>> byTheme;
  for (const auto& r : report.results) byTheme[primaryTheme(r)].push_back(&r);

  std::vector<std::string> order = Catalog::themes();
  order.emplace_back("Unmapped");
  for (const auto& theme : order) {
    auto it = byTheme.find(theme);
    if (it == byTheme.end()) continue;
    auto& rows = it->second;
    // Failures first, then by severity, so the eye lands on what matters.
    std::stable_sort(rows.begin(), rows.end(), [](const CheckResult* a, const CheckResult* b) {
      const auto rank = [](CheckStatus s) {
        return s == CheckStatus::Fail ? 0 : s == CheckStatus::Error ? 1 : s == CheckStatus::Pass ? 2 : 3;
      };
      if (rank(a->status) != rank(b->status)) return rank(a->status) < rank(b->status);
      return static_cast<int>(a->severity) > static_cast<int>(b->severity);
    });
    const auto counts = [&] {
      std::vector<CheckResult> copy;
      for (const auto* r : rows) copy.push_back(*r);
      return countStatuses(copy);
    }();
    out << "\n" << theme << " — " << counts.pass << " pass, " << counts.fail << " fail\n";
    out << "  " << pad("STATUS", 6) << "  " << pad("SEVERITY", 8) << "  " << pad("CHECK", 30) << "  "
        << pad("CONTROLS", 16) << "  MESSAGE\n";
    for (const auto* r : rows) {
      out << "  " << statusLabel(r->status, colour) << "  " << pad(toString(r->severity), 8) << "  " << pad(r->check, 30)
          << "  " << pad(text::join(r->controls, ","), 16) << "  " << text::truncate(r->message, 100) << "\n";
    }
  }
  (void)catalog;
  const auto total = countStatuses(report.results);
  out << "\nSummary: " << total.pass << " pass, " << total.fail << " fail, " << total.notApplicable
      << " not applicable, " << total.error << " error (" << total.total() << " checks)\n";
}

void printCatalogText(const Catalog& catalog, std::ostream& out) {
  std::string theme;
  for (const auto& c : catalog.controls()) {
    if (c.theme != theme) {
      theme = c.theme;
      out << "\n" << theme << "\n";
    }
    out << "  " << pad(c.id, 7) << "  " << pad(c.title, 70) << "  "
        << (c.newIn2022 ? std::string("new in 2022") : "2013: " + text::join(c.iso2013, ", ")) << "\n";
  }
  out << "\n" << catalog.controls().size() << " controls (" << catalog.legacyControls().size()
      << " ISO/IEC 27001:2013 controls mapped)\n";
}

void printChecksText(const std::vector<CheckDefinition>& checks, const CheckMapping& mapping, std::ostream& out) {
  for (const auto& c : checks) {
    out << pad(c.spec.id, 30) << "  " << pad(toString(c.spec.severity), 8) << "  "
        << pad(text::join(mapping.controlsFor(c.spec.id), ","), 16) << "  " << c.spec.title << "\n";
  }
  out << "\n" << checks.size() << " checks\n";
}

nlohmann::json catalogToJson(const Catalog& catalog) {
  auto out = nlohmann::json::array();
  for (const auto& c : catalog.controls()) {
    out.push_back({{"id", c.id}, {"theme", c.theme}, {"title", c.title}, {"iso2013", c.iso2013},
                   {"new_in_2022", c.newIn2022}});
  }
  return out;
}

nlohmann::json checksToJson(const std::vector<CheckDefinition>& checks, const CheckMapping& mapping) {
  auto out = nlohmann::json::array();
  for (const auto& c : checks) {
    out.push_back({{"id", c.spec.id},
                   {"title", c.spec.title},
                   {"severity", toString(c.spec.severity)},
                   {"controls", mapping.controlsFor(c.spec.id)},
                   {"rationale", c.spec.rationale},
                   {"remediation", c.spec.remediation}});
  }
  return out;
}

}  // namespace annexa::agent
