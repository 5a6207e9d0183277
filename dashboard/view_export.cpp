// Export: asks the collector for an audit evidence pack (period, posture instant, host filter), follows the
// job with a progress bar, downloads and verifies every file into a local folder, and offers to open it.
// All network and disk work happens on the ExportClient's thread; this file only draws its status.
#include <imgui.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/clock.hpp"
#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

const ImVec4 kWarning(1.0f, 0.86f, 0.47f, 1.0f);

template <std::size_t N>
void copyInto(char (&buffer)[N], const std::string& value) {
  std::snprintf(buffer, N, "%s", value.c_str());
}

void fillDefaults(ExportInputs& in) {
  const char* home = std::getenv("HOME");
  const auto form = defaultExportForm(unixNow(), home && *home ? home : ".");
  copyInto(in.from, form.from);
  copyInto(in.to, form.to);
  copyInto(in.at, form.at);
  copyInto(in.hosts, form.hosts);
  copyInto(in.folder, form.folder.string());
  in.filled = true;
}

ImU32 phaseColor(ExportPhase phase) {
  switch (phase) {
    case ExportPhase::Done: return statusColor(ControlStatus::Passing);
    case ExportPhase::Failed: return statusColor(ControlStatus::Failing);
    case ExportPhase::Cancelled: return statusColor(ControlStatus::Partial);
    default: return IM_COL32(86, 180, 233, 255);  // sky blue: in progress, or ready
  }
}

void labelledInput(const char* label, const char* id, const char* hint, char* buffer, std::size_t size, float width) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  ImGui::SameLine(scaled(110.0f));
  ImGui::SetNextItemWidth(scaled(width));
  ImGui::InputTextWithHint(id, hint, buffer, size);
}

void drawForm(UiState& ui, bool working) {
  auto& in = ui.exportInputs;
  ImGui::BeginDisabled(working);
  labelledInput("Period from", "##export-from", "YYYY-MM-DD or RFC 3339", in.from, sizeof in.from, 220.0f);
  ImGui::SameLine(0, scaled(14.0f));
  ImGui::TextUnformatted("to");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(scaled(220.0f));
  ImGui::InputTextWithHint("##export-to", "YYYY-MM-DD or RFC 3339", in.to, sizeof in.to);
  labelledInput("Posture at", "##export-at", "now", in.at, sizeof in.at, 220.0f);
  ImGui::SameLine(0, scaled(14.0f));
  ImGui::TextDisabled("the instant whose posture the pack states (empty: now)");
  labelledInput("Hosts", "##export-hosts", "all hosts (or a filter: name, id, OS)", in.hosts, sizeof in.hosts, 460.0f);
  labelledInput("Folder", "##export-folder", "destination folder (new or empty)", in.folder, sizeof in.folder, 460.0f);
  ImGui::EndDisabled();
}

void drawButtons(UiState& ui, const ExportStatus& status) {
  auto& in = ui.exportInputs;
  ImGui::BeginDisabled(status.working() || ui.exporter == nullptr);
  if (ImGui::Button("Export")) {
    auto started = ui.exporter->start({in.from, in.to, in.at, in.hosts, in.folder});
    in.formError = started ? std::string() : started.error();
  }
  ImGui::EndDisabled();
  if (status.working() && status.phase != ExportPhase::Opening) {
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ui.exporter->cancel();
  }
  if (ui.exporter && status.phase == ExportPhase::Done) {
    ImGui::SameLine();
    if (ImGui::Button("Open folder")) ui.exporter->openFolder();
  }
  track(ui, "export:button");
  if (!ui.exporter) {
    ImGui::SameLine();
    ImGui::TextDisabled("Exporting needs a connection to a collector.");
    track(ui, "export:no-collector", "Exporting needs a connection to a collector.");
  }
  if (!in.formError.empty()) ImGui::TextColored(kWarning, "Not started: %s", in.formError.c_str());
}

void drawProgress(const ExportStatus& status) {
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(phaseColor(status.phase)), "%s", std::string(phaseWord(status.phase)).c_str());
  ImGui::SameLine();
  char overlay[160];
  if (status.phase == ExportPhase::Idle)
    std::snprintf(overlay, sizeof overlay, "nothing exported yet in this session");
  else if (status.phase == ExportPhase::Downloading || status.phase == ExportPhase::Done || status.phase == ExportPhase::Opening)
    std::snprintf(overlay, sizeof overlay, "files %zu / %zu verified", status.filesDone, status.filesTotal);
  else
    std::snprintf(overlay, sizeof overlay, "%s  %zu / %zu", status.stage.c_str(), status.done, status.total);
  ImGui::ProgressBar(status.fraction(), ImVec2(scaled(460.0f), 0), overlay);
  if (!status.jobId.empty()) ImGui::TextDisabled("collector job %s", status.jobId.c_str());
  if (status.phase == ExportPhase::Failed || status.phase == ExportPhase::Cancelled)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(phaseColor(status.phase)), "%s: %s",
                       std::string(phaseWord(status.phase)).c_str(), status.error.c_str());
  if (!status.openError.empty()) ImGui::TextColored(kWarning, "Could not open the folder: %s", status.openError.c_str());
}

// What an auditor receives, shown until an export is done (then the files themselves are listed).
void drawPackContents() {
  static const std::pair<const char*, const char*> kContents[] = {
      {"assessment-results.json", "posture, controls and per-host results for the period and instant"},
      {"*.csv", "the same as tables (controls, hosts, findings) for spreadsheets"},
      {"report.html", "a readable report for the audit file"},
      {"manifest.json, SHA256SUMS", "every file with its SHA-256"},
      {"manifest.sig, collector.crt, ca.crt", "the collector's signature over the manifest and the certificates to verify it"}};
  ImGui::Spacing();
  ImGui::TextDisabled("A pack contains:");
  if (!ImGui::BeginTable("export-contents", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit))
    return;
  for (const auto& [file, what] : kContents) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(file);
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", what);
  }
  ImGui::EndTable();
}

void drawFiles(const ExportStatus& status) {
  if (status.phase != ExportPhase::Done && status.phase != ExportPhase::Opening) return drawPackContents();
  ImGui::Text("Saved in %s", status.folder.c_str());
  if (!ImGui::BeginTable("export-files", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit))
    return;
  ImGui::TableSetupColumn("File");
  ImGui::TableSetupColumn("Bytes");
  ImGui::TableSetupColumn("SHA-256");
  ImGui::TableSetupColumn("Check");
  ImGui::TableHeadersRow();
  for (const auto& f : status.files) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(f.name.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%llu", static_cast<unsigned long long>(f.size));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(f.sha256.c_str());
    ImGui::TableNextColumn();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Passing)), "verified");
  }
  ImGui::EndTable();
}

}  // namespace

void drawExport(UiState& ui) {
  if (!ui.exportInputs.filled) fillDefaults(ui.exportInputs);
  const ExportStatus status = ui.exporter ? ui.exporter->status() : ExportStatus{};
  ImGui::TextUnformatted("Audit evidence pack");
  ImGui::TextDisabled("The collector builds the pack (as `annexa-collector export` does); every file is checked against "
                      "its SHA-256 before it is saved here.");
  ImGui::Spacing();
  drawForm(ui, status.working());
  ImGui::Spacing();
  drawButtons(ui, status);
  ImGui::Separator();
  drawProgress(status);
  drawFiles(status);
}

}  // namespace annexa::dashboard
