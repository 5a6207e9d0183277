// Annex A: the 93 controls as a filterable table; the selected control's hosts, results and evidence below.
#include <imgui.h>

#include "common/text.hpp"
#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

// One line per result (so the clipper can skip rows by height): the first evidence item, the rest in a tooltip.
void evidenceCell(const ResultRow& r) {
  if (r.evidence.empty()) {
    ImGui::TextDisabled("-");
    return;
  }
  const auto& e = r.evidence.front();
  ImGui::Text("%s  (want: %s)%s", e.observed.c_str(), e.expected.c_str(), r.evidence.size() > 1 ? "  [+]" : "");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    for (const auto& item : r.evidence)
      ImGui::Text("%s\n  observed: %s\n  expected: %s", item.source.c_str(), item.observed.c_str(), item.expected.c_str());
    ImGui::EndTooltip();
  }
}

void controlDetail(UiState& ui) {
  const auto& detail = ui.snapshot->control;
  if (ui.selectedControl.empty()) {
    ImGui::TextDisabled("Select a control to see its hosts, results and evidence.");
    return;
  }
  if (!detail || detail->control.id != ui.selectedControl) {
    ImGui::TextDisabled("Loading %s ...", ui.selectedControl.c_str());
    return;
  }
  const auto& c = detail->control;
  ImGui::Text("%s  %s", c.id.c_str(), c.title.c_str());
  ImGui::SameLine(0, scaled(20.0f));
  statusBadge(c.status);
  ImGui::TextDisabled("%s theme; ISO 27001:2013: %s; mapped checks: %zu", c.theme.c_str(), c.iso2013Text.c_str(),
                      c.checks.size());
  ImGui::TextDisabled("%s", controlHostCounts(c).c_str());
  if (c.status == ControlStatus::Accepted)
    ImGui::TextWrapped("Accepted: every failure on this control is covered by a valid exception (see Exceptions). "
                       "It is not passing; when the exception expires the failure counts again.");
  if (!c.checks.empty()) ImGui::TextWrapped("Mapped checks: %s", text::join(c.checks, ", ").c_str());
  if (c.checks.empty()) {
    ImGui::TextWrapped("No check maps to this control: it is not evidenced by Annexa and needs a manual (documentary) control.");
    return;
  }
  if (detail->hosts.empty()) {
    ImGui::TextWrapped("No host has reported a result for the mapped checks yet.");
    return;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("control-hosts", 5, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Host", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn("Check", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("Message", ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableSetupColumn("Evidence (observed / expected)", ImGuiTableColumnFlags_WidthStretch, 2.4f);
  ImGui::TableHeadersRow();
  // Flattened (host, result) rows of equal height through a clipper: a control on 10,000 hosts stays smooth.
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(ui.controlRows.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const auto [hostIndex, resultIndex] = ui.controlRows[static_cast<std::size_t>(i)];
      const auto& host = detail->hosts[hostIndex];
      const auto& r = host.results[resultIndex];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushID(i);
      if (ImGui::Selectable(host.hostname.c_str(), false)) {
        ui.selectHost(host.id);
        ui.switchTo = ViewId::Host;
      }
      ImGui::PopID();
      if (host.stale) {
        ImGui::SameLine();
        ImGui::TextDisabled("(stale)");
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.check.c_str());
      ImGui::TableNextColumn();
      resultBadge(r.status);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.message.c_str());
      if (ImGui::IsItemHovered() && !r.remediation.empty()) ImGui::SetTooltip("Remediation: %s", r.remediation.c_str());
      ImGui::TableNextColumn();
      evidenceCell(r);
    }
  }
  ImGui::EndTable();
}

}  // namespace

void drawAnnexA(UiState& ui) {
  if (!requireFleet(ui)) return;
  ImGui::SetNextItemWidth(scaled(260.0f));
  ImGui::InputTextWithHint("##filter", "filter: id, title, theme, 2013 id", ui.controlFilter, sizeof ui.controlFilter);
  ui.controls.setFilter(ui.controlFilter);
  for (const auto s : kAllControlStatuses) {
    ImGui::SameLine(0, scaled(14.0f));
    bool shown = ui.controls.statusShown(s);
    ImGui::PushID(static_cast<int>(s));
    if (ImGui::Checkbox("##shown", &shown)) ui.controls.setStatusShown(s, shown);
    ImGui::PopID();
    ImGui::SameLine(0, scaled(4.0f));
    statusBadge(s);
  }
  const auto& rows = ui.controls.rows();
  ImGui::SameLine(0, scaled(14.0f));
  ImGui::TextDisabled("%zu of %zu controls", rows.size(), ui.snapshot->fleet->controls.size());

  const float tableHeight = ImGui::GetContentRegionAvail().y * 0.55f;
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
  if (ImGui::BeginTable("controls", 8, flags, ImVec2(0, tableHeight))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("ID");
    ImGui::TableSetupColumn("Title", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("2013");
    ImGui::TableSetupColumn("Status");
    ImGui::TableSetupColumn("Hosts pass");
    ImGui::TableSetupColumn("Hosts fail");
    ImGui::TableSetupColumn("Hosts accepted");
    ImGui::TableSetupColumn("Checks");
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const auto& c = ui.controls.control(rows[static_cast<std::size_t>(i)]);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        if (ImGui::Selectable(c.id.c_str(), c.id == ui.selectedControl, ImGuiSelectableFlags_SpanAllColumns))
          ui.selectControl(c.id);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(c.title.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(c.iso2013Text.c_str());
        ImGui::TableNextColumn();
        statusBadge(c.status);
        ImGui::TableNextColumn();
        ImGui::Text("%d", c.hostsPassing);
        ImGui::TableNextColumn();
        ImGui::Text("%d", c.hostsFailing);
        ImGui::TableNextColumn();
        ImGui::Text("%d", c.hostsAccepted);
        ImGui::TableNextColumn();
        ImGui::Text("%zu", c.checks.size());
        if (!c.checks.empty() && ImGui::IsItemHovered()) {
          ImGui::BeginTooltip();
          for (const auto& check : c.checks) ImGui::TextUnformatted(check.c_str());
          ImGui::EndTooltip();
        }
      }
    }
    ImGui::EndTable();
  }
  ImGui::Separator();
  controlDetail(ui);
}

}  // namespace annexa::dashboard
