// Overview: controls per status (donut for all 93, a stacked bar per theme), hosts online/stale,
// the ten checks failing on most hosts, and the change since the previous recorded day.
#include <imgui.h>

#include <cmath>
#include <cstdio>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

// The collector's posture rules (collector/posture.cpp), in the order it applies them.
constexpr const char* kPostureRules =
    "FAIL: an in-scope host fails a mapped check.  PARTIAL: no host fails, but some report an error or are "
    "stale (silence is not compliance).  ACCEPTED: the only failures are covered by valid exceptions (not a "
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

}  // namespace

void drawOverview(UiState& ui) {
  if (!requireFleet(ui)) return;
  const FleetData& fleet = *ui.snapshot->fleet;

  ThemeCounts total{"All", 0, 0, 0, 0, 0, 0};
  for (const auto& t : fleet.themes) {
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
  ImGui::SameLine(0, scaled(30.0f));
  ImGui::TextDisabled("posture computed %s", fleet.computedAt.c_str());
  ImGui::Separator();

  const float radius = 95.0f * ImGui::GetFontSize() / 13.0f;
  ImGui::BeginGroup();
  donut(total, radius);
  ImGui::EndGroup();
  ImGui::SameLine(0, scaled(30.0f));
  ImGui::BeginGroup();
  const float labelWidth = ImGui::CalcTextSize("Technological  ").x;
  const float barWidth = std::max(120.0f, ImGui::GetContentRegionAvail().x - labelWidth - 10.0f);
  for (const auto& t : fleet.themes) {
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
      ImGui::PushID(static_cast<int>(row));  // the same control button may appear in several rows
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%d", f.hosts);
      ImGui::TableNextColumn();
      severityText(f.severity);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(f.check.c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", f.title.c_str());
      ImGui::TableNextColumn();
      for (std::size_t i = 0; i < f.controls.size(); ++i) {
        if (i > 0) ImGui::SameLine();
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::SmallButton(f.controls[i].c_str())) {
          ui.selectControl(f.controls[i]);
          ui.switchTo = ViewId::AnnexA;
        }
        ImGui::PopID();
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("change", ImVec2(0, 0), false);
  ImGui::TextUnformatted("Change since yesterday (controls)");
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
