// Findings: failing results grouped by control and severity, with host counts and when first seen.
#include <imgui.h>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {

void drawFindings(UiState& ui) {
  if (!requireFleet(ui)) return;
  const auto& findings = ui.snapshot->fleet->findings;
  ImGui::TextUnformatted("Failing host-checks:");
  for (const auto& [severity, count] : findings.hostsBySeverity) {
    ImGui::SameLine(0, scaled(16.0f));
    severityText(severity);
    ImGui::SameLine(0, scaled(4.0f));
    ImGui::Text("%d", count);
  }
  ImGui::SetNextItemWidth(scaled(260.0f));
  ImGui::InputTextWithHint("##finding-filter", "filter: control or check", ui.findingFilter, sizeof ui.findingFilter);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(scaled(160.0f));
  const char* severities[] = {"critical only", "high and above", "medium and above", "all severities"};
  ImGui::Combo("##min-severity", &ui.findingMinSeverity, severities, 4);
  ui.updateDerived();  // the filter may have changed this frame
  ImGui::SameLine();
  ImGui::TextDisabled("%zu groups", ui.findingGroups.size());

  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("findings", 5, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Control / check", ImGuiTableColumnFlags_WidthStretch, 3.0f);
  ImGui::TableSetupColumn("Severity", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("Hosts failing", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("Checks", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("First seen", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableHeadersRow();
  for (std::size_t g = 0; g < ui.findingGroups.size(); ++g) {
    const auto& group = ui.findingGroups[g];
    ImGui::PushID(static_cast<int>(g));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const bool open = ImGui::TreeNodeEx("group", ImGuiTreeNodeFlags_SpanFullWidth, "%s  %s", group.controlId.c_str(),
                                        group.controlTitle.c_str());
    ImGui::TableNextColumn();
    severityText(group.severity);
    ImGui::TableNextColumn();
    ImGui::Text("up to %d", group.maxHosts);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%d failing host-checks in this group", group.hostChecks);
    ImGui::TableNextColumn();
    ImGui::Text("%zu", group.checks.size());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(group.firstSeen.c_str());
    if (open) {
      for (const auto& check : group.checks) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Indent();
        ImGui::TextUnformatted(check.check.c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", check.title.c_str());
        ImGui::Unindent();
        ImGui::TableNextColumn();
        severityText(check.severity);
        ImGui::TableNextColumn();
        if (check.hostsStale > 0) {
          ImGui::Text("%d (%d stale)", check.hosts, check.hostsStale);
          if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%d of these hosts are silent: their last known result fails, and still counts",
                              check.hostsStale);
        } else {
          ImGui::Text("%d", check.hosts);
        }
        ImGui::TableNextColumn();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(check.firstSeen.c_str());
      }
      ImGui::TreePop();
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

}  // namespace annexa::dashboard
