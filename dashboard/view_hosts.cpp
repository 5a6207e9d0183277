// Hosts: every enrolled host in a sortable, filterable table. The row order comes from HostTableModel,
// which sorts only when the data, filter or sort spec changed; ImGuiListClipper submits only visible rows.
#include <imgui.h>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {

void drawHosts(UiState& ui) {
  if (!requireFleet(ui)) return;
  ImGui::SetNextItemWidth(scaled(300.0f));
  ImGui::InputTextWithHint("##host-filter", "filter: hostname, OS, id", ui.hostFilter, sizeof ui.hostFilter);
  ImGui::SameLine();
  ImGui::Checkbox("stale only", &ui.hostStaleOnly);
  ui.hosts.setFilter(ui.hostFilter);
  ui.hosts.setStaleOnly(ui.hostStaleOnly);

  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_Sortable | ImGuiTableFlags_SizingFixedFit;
  // Table first so the sort spec is applied before rows() is read; the count is drawn afterwards.
  const ImVec2 tableSize(0, ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing());
  std::size_t shown = 0;
  if (ImGui::BeginTable("hosts", 6, flags, tableSize)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Hostname", ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_WidthStretch, 0.0f,
                            static_cast<ImGuiID>(HostColumn::Hostname));
    ImGui::TableSetupColumn("OS", ImGuiTableColumnFlags_WidthStretch, 0.0f, static_cast<ImGuiID>(HostColumn::Os));
    ImGui::TableSetupColumn("Last seen (UTC)", 0, 0.0f, static_cast<ImGuiID>(HostColumn::LastSeen));
    ImGui::TableSetupColumn("Pass", ImGuiTableColumnFlags_PreferSortDescending, 0.0f, static_cast<ImGuiID>(HostColumn::Pass));
    ImGui::TableSetupColumn("Fail", ImGuiTableColumnFlags_PreferSortDescending, 0.0f, static_cast<ImGuiID>(HostColumn::Fail));
    ImGui::TableSetupColumn("Stale", 0, 0.0f, static_cast<ImGuiID>(HostColumn::Stale));
    ImGui::TableHeadersRow();
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
      if (specs->SpecsCount > 0)
        ui.hosts.setSort(static_cast<HostColumn>(specs->Specs[0].ColumnUserID),
                         specs->Specs[0].SortDirection == ImGuiSortDirection_Ascending);
      specs->SpecsDirty = false;
    }
    const auto& rows = ui.hosts.rows();
    shown = rows.size();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const auto& h = ui.hosts.host(rows[static_cast<std::size_t>(i)]);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::PushID(i);
        if (ImGui::Selectable(h.hostname.c_str(), h.id == ui.selectedHost, ImGuiSelectableFlags_SpanAllColumns)) {
          ui.selectHost(h.id);
          ui.switchTo = ViewId::Host;
        }
        ImGui::PopID();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(h.os.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(h.lastSeenText.c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%d", h.pass);
        ImGui::TableNextColumn();
        if (h.fail > 0) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(resultColor(ResultStatus::Fail)), "%d", h.fail);
        else ImGui::TextUnformatted("0");
        ImGui::TableNextColumn();
        if (h.stale) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Partial)), "STALE");
        else ImGui::TextDisabled("-");
      }
    }
    ImGui::EndTable();
  }
  ImGui::TextDisabled("%zu of %zu hosts shown; click a host for its results", shown, ui.snapshot->fleet->hosts.size());
}

}  // namespace annexa::dashboard
