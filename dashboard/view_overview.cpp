// Overview: controls per status (donut for all 93, a stacked bar per theme), hosts online/stale,
// the ten checks failing on most hosts, the change since the previous recorded day, and the audit readiness
// panel (next audit, readiness band, open major NCs, READY / NOT READY; GET /api/v1/calendar).
#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

// The collector's posture rules (collector/posture/posture.cpp), in the order it applies them.
constexpr const char* kPostureRules =
    "FAIL: an in-scope host fails a mapped check (a stale host's last failure still counts).  PARTIAL: no host "
    "fails, but some report an error or are stale (silence is not compliance).  ACCEPTED: the only failures are covered by valid exceptions (not a "
    "pass).  PASS: every in-scope host passes.  NO EVIDENCE: no check maps to the control.";

constexpr const auto& kStatuses = kAllControlStatuses;

int countOf(const ThemeCounts& t, ControlStatus s) { return t.count(s); }

void donut(const ThemeCounts& total, float radius) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImVec2 c(p.x + radius + 4.0f, p.y + radius + 4.0f);
  const float thickness = radius * 0.35f;
  const int sum = total.total();
  float angle = -3.14159265f * 0.5f;
  for (const auto s : kStatuses) {
    const int n = countOf(total, s);
    if (n == 0 || sum == 0) continue;
    const float sweep = 2.0f * 3.14159265f * static_cast<float>(n) / static_cast<float>(sum);
    draw->PathArcTo(c, radius - thickness * 0.5f, angle, angle + sweep, std::max(4, static_cast<int>(sweep * 12)));
    draw->PathStroke(statusColor(s), 0, thickness);
    angle += sweep;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%d", total.passing);
  ImGui::SetWindowFontScale(1.6f);
  const ImVec2 big = ImGui::CalcTextSize(text);
  draw->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(c.x - big.x * 0.5f, c.y - big.y * 0.75f),
                statusColor(ControlStatus::Passing), text);
  ImGui::SetWindowFontScale(1.0f);
  std::snprintf(text, sizeof text, "of %d passing", sum);
  const ImVec2 small = ImGui::CalcTextSize(text);
  draw->AddText(ImVec2(c.x - small.x * 0.5f, c.y + big.y * 0.3f), IM_COL32(200, 200, 200, 255), text);
  ImGui::Dummy(ImVec2(radius * 2.0f + 8.0f, radius * 2.0f + 8.0f));
}

// One horizontal bar, a segment per status with its count written inside when it fits.
void stackedBar(const ThemeCounts& t, float width, float height) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const int sum = t.total();
  float x = p.x;
  for (const auto s : kStatuses) {
    const int n = countOf(t, s);
    if (n == 0 || sum == 0) continue;
    const float w = width * static_cast<float>(n) / static_cast<float>(sum);
    draw->AddRectFilled(ImVec2(x, p.y), ImVec2(x + w - 1.0f, p.y + height), statusColor(s));
    char text[16];
    std::snprintf(text, sizeof text, "%d", n);
    const ImVec2 size = ImGui::CalcTextSize(text);
    if (size.x + 4.0f < w) draw->AddText(ImVec2(x + (w - size.x) * 0.5f, p.y + (height - size.y) * 0.5f), IM_COL32(0, 0, 0, 255), text);
    x += w;
  }
  ImGui::Dummy(ImVec2(width, height));
}

void legend() {
  for (std::size_t i = 0; i < std::size(kStatuses); ++i) {
    if (i > 0) ImGui::SameLine(0, scaled(16.0f));
    statusBadge(kStatuses[i]);
  }
}

std::string inDays(int days) {
  if (days == 0) return "today";
  if (days == 1) return "in 1 day";
  return "in " + std::to_string(days) + " days";
}

void nextAuditText(const AuditDate& d) {
  ImGui::TextDisabled("Next audit:");
  ImGui::SameLine();
  ImGui::Text("%s %s (%s)", d.title.c_str(), d.date.c_str(), inDays(d.days).c_str());
}

// One compact block: READY / NOT READY with the reason, then the next audit, readiness band, open major NCs.
void auditReadiness(const UiState& ui) {
  const auto& isms = ui.snapshot->isms;
  ImGui::TextUnformatted("Audit readiness");
  ImGui::SameLine(0, scaled(12.0f));
  if (!isms) {
    ImGui::TextDisabled("loading ...");
    return;
  }
  const AuditCalendar& c = isms->calendar;
  if (!c.received) {
    ImGui::TextDisabled("not available from this collector (GET /api/v1/calendar)");
    return;
  }
  ImGui::BeginGroup();
  readyBadge(c.ready);
  ImGui::EndGroup();
  ImGui::SameLine(0, scaled(12.0f));
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(0.0f);
  if (c.ready) ImGui::TextUnformatted("No major non-conformity open and the readiness band is Well prepared (26-28).");
  else ImGui::TextWrapped("%s", c.reason.empty() ? "not ready" : c.reason.c_str());
  ImGui::PopTextWrapPos();

  if (c.nextAudit) nextAuditText(*c.nextAudit);
  else if (!c.anyDateSet())
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Partial)),
                       "No audit dates set - annexa-collector calendar set --internal-audit DATE --stage1 DATE ...");
  else ImGui::TextDisabled("Next audit: none planned from today on");
  if (const auto& review = c.nextManagementReview) {
    ImGui::SameLine(0, scaled(24.0f));
    ImGui::TextDisabled("Management review:");
    ImGui::SameLine();
    ImGui::Text("%s (%s)", review->date.c_str(), inDays(review->days).c_str());
  }
  ImGui::TextDisabled("Readiness:");
  ImGui::SameLine();
  const ImU32 band = readinessLevelColor(c.readinessLevel);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(band), "%s", c.readinessText.c_str());
  ImGui::SameLine();
  flagChip(c.readinessLabel.empty() ? c.readinessLevel.c_str() : c.readinessLabel.c_str(), band);
  ImGui::SameLine(0, scaled(24.0f));
  ImGui::TextDisabled("Open major NCs:");
  ImGui::SameLine();
  if (c.openMajorNonConformities > 0)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Failing)), "%d",
                       c.openMajorNonConformities);
  else ImGui::Text("0");
  ImGui::EndGroup();
}

}  // namespace

void drawOverview(UiState& ui) {
  if (!requireFleet(ui)) return;
  const FleetData& fleet = *ui.snapshot->fleet;

  ThemeCounts total{"All", 0, 0, 0, 0, 0, 0};
  for (const auto& t : ui.shownThemes) {  // SoA-excluded controls counted as N/A
    total.passing += t.passing;
    total.failing += t.failing;
    total.partial += t.partial;
    total.notEvidenced += t.notEvidenced;
    total.notApplicable += t.notApplicable;
    total.accepted += t.accepted;
  }

  ImGui::Text("Hosts: %d enrolled, %d reporting, %d stale", fleet.hostsTotal, fleet.hostsOnline, fleet.hostsStale);
  ImGui::SameLine(0, scaled(30.0f));
  ImGui::Text("Controls: %d passing, %d accepted, %d failing, %d partial, %d not evidenced, %d n/a", total.passing,
              total.accepted, total.failing, total.partial, total.notEvidenced, total.notApplicable);
  if (!ui.excluded.empty() && ImGui::IsItemHovered())
    ImGui::SetTooltip("n/a includes the %zu controls the Statement of Applicability excludes", ui.excluded.size());
  ImGui::SameLine(0, scaled(30.0f));
  ImGui::TextDisabled("posture computed %s", fleet.computedAt.c_str());
  ImGui::Separator();
  auditReadiness(ui);
  ImGui::Separator();

  const float radius = 95.0f * ImGui::GetFontSize() / 13.0f;
  ImGui::BeginGroup();
  donut(total, radius);
  ImGui::EndGroup();
  ImGui::SameLine(0, scaled(30.0f));
  ImGui::BeginGroup();
  const float labelWidth = ImGui::CalcTextSize("Technological  ").x;
  const float barWidth = std::max(120.0f, ImGui::GetContentRegionAvail().x - labelWidth - 10.0f);
  for (const auto& t : ui.shownThemes) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(t.theme.c_str());
    ImGui::SameLine(labelWidth);
    stackedBar(t, barWidth, ImGui::GetFrameHeight() * 1.4f);
  }
  ImGui::Spacing();
  legend();
  ImGui::Spacing();
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextDisabled("%s", kPostureRules);
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  ImGui::Separator();

  const float half = ImGui::GetContentRegionAvail().x * 0.62f;
  ImGui::BeginChild("top-failing", ImVec2(half, 0), false);
  ImGui::TextUnformatted("Top 10 failing checks");
  ImGui::SameLine();
  ImGui::TextDisabled("(click a check or a control: its failing hosts)");
  if (ui.topFailing.empty()) {
    ImGui::TextDisabled("No failing checks.");
  } else if (ImGui::BeginTable("top", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("Hosts", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("Severity", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("Check");
    ImGui::TableSetupColumn("Controls");
    ImGui::TableHeadersRow();
    for (std::size_t row = 0; row < ui.topFailing.size(); ++row) {
      const auto& f = ui.topFailing[row];
      ImGui::PushID(static_cast<int>(row));  // the same control chip may appear in several rows
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      // Accepted when an exception covers the check on every control it maps to (scope check, or each control).
      const ExceptionRow* acceptedBy = nullptr;
      for (const auto& control : f.controls) {
        acceptedBy = ui.cover.wholeCheck(f.check, control);
        if (!acceptedBy) break;
      }
      ImGui::Text("%d", f.hosts);
      if (acceptedBy) {
        ImGui::SameLine();
        acceptedBadge(*acceptedBy);
      }
      ImGui::TableNextColumn();
      severityText(f.severity);
      ImGui::TableNextColumn();
      if (ImGui::Selectable(f.check.c_str(), false) && !f.controls.empty()) ui.openFinding(f.controls.front(), f.check);
      if (ui.tracker) track(ui, "overview:top:" + f.check);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s: its failing hosts in Findings", f.title.c_str());
      ImGui::TableNextColumn();
      for (std::size_t i = 0; i < f.controls.size(); ++i) {
        if (i > 0) ImGui::SameLine();
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::SmallButton(f.controls[i].c_str())) ui.openFinding(f.controls[i], f.check);
        if (ui.tracker) track(ui, "overview:chip:" + f.check + ":" + f.controls[i]);
        ImGui::PopID();
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("change", ImVec2(0, 0), false);
  ImGui::TextUnformatted(dayChangeTitle(ui.dayChange, fleet.computedAt.substr(0, 10)).c_str());
  if (!ui.dayChange.available) {
    ImGui::TextDisabled("Not yet: the collector has recorded fewer than two days.");
  } else {
    ImGui::TextDisabled("%s -> %s", ui.dayChange.fromDay.c_str(), ui.dayChange.toDay.c_str());
    if (ImGui::BeginTable("change-table", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
      ImGui::TableSetupColumn("Theme");
      ImGui::TableSetupColumn("Passing");
      ImGui::TableSetupColumn("Failing");
      ImGui::TableHeadersRow();
      for (const auto& t : ui.dayChange.themes) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(t.theme.c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%+d", t.passingDelta);
        ImGui::TableNextColumn();
        ImGui::Text("%+d", t.failingDelta);
      }
      ImGui::EndTable();
    }
  }
  ImGui::Spacing();
  ImGui::TextUnformatted("Failing host-checks by severity");
  for (const auto& [severity, count] : fleet.findings.hostsBySeverity) {
    severityText(severity);
    ImGui::SameLine(scaled(90.0f));
    ImGui::Text("%d", count);
  }
  ImGui::EndChild();
}

}  // namespace annexa::dashboard
