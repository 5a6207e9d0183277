// What the ImGui views share: the snapshot of this frame, the table models, selections; and small widgets
// (status badges with a shape and a word, charts drawn with ImDrawList). Each view lives in its own file.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "dashboard/data_source.hpp"
#include "dashboard/export_client.hpp"
#include "dashboard/isms_view_model.hpp"
#include "dashboard/options.hpp"
#include "dashboard/view_model.hpp"

struct ImVec2;
typedef unsigned int ImU32;  // as in imgui.h

namespace annexa::dashboard {

// The Export view's inputs (ImGui edits them in place); filled with defaults on the view's first frame.
struct ExportInputs {
  bool filled = false;
  char from[40] = {};
  char to[40] = {};
  char at[40] = {};
  char hosts[128] = {};
  char folder[512] = {};
  std::string formError;  // the last Export press was refused at once: why
};

struct UiState {
  explicit UiState(SnapshotProvider& source) : provider(source) {}

  SnapshotProvider& provider;
  std::shared_ptr<const Snapshot> snapshot;  // swapped in at the start of each frame, never mid-frame
  ViewId view = ViewId::Overview;
  std::optional<ViewId> switchTo;  // a view asked to show another one (or --view); applied by the tab bar

  HostTableModel hosts;
  ControlTableModel controls;
  std::string selectedControl;
  std::string selectedHost;

  // Filter inputs (ImGui edits them in place).
  char hostFilter[128] = {};
  bool hostStaleOnly = false;
  char controlFilter[128] = {};
  char findingFilter[128] = {};
  int findingMinSeverity = 3;  // index into Severity: Low = everything

  // Cached per fleet (recomputed when the fleet pointer changes, never per frame).
  const FleetData* derivedFor = nullptr;
  std::vector<FailingCheck> topFailing;
  DayChange dayChange;
  Chart themeChart;
  const ControlHistory* controlChartFor = nullptr;
  Chart controlChart;
  const ControlDetail* controlRowsFor = nullptr;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> controlRows;  // (host, result) of the selected control
  const HostDetail* hostOrderFor = nullptr;
  std::vector<std::uint32_t> hostOrder;
  std::vector<FindingGroup> findingGroups;
  std::string findingsKey;  // filter + severity the groups were built for

  // ISMS views: filter inputs, and row orders cached per registers (and SoA filter).
  char soaText[128] = {};
  int soaTheme = 0;  // 0 = all themes, else index + 1 into the themes present
  bool soaFlaggedOnly = false;
  const IsmsData* ismsFor = nullptr;
  SoaFilter soaKey;
  std::vector<std::string> soaThemes;
  std::vector<std::uint32_t> soaRows;
  std::vector<std::uint32_t> exceptionRows;
  std::vector<std::uint32_t> riskRows;
  std::vector<std::uint32_t> ncRows;

  // Export view: the client runs the export off the UI thread; null when there is no collector (benchmarks).
  ExportClient* exporter = nullptr;
  ExportInputs exportInputs;

  void selectControl(const std::string& id);
  void selectHost(const std::string& id);
  // Recomputes what is cached per fleet; called once per frame, cheap when nothing changed.
  void updateDerived();
  void updateIsms();
};

// ---- the views (one file each) ----
void drawOverview(UiState& ui);
void drawAnnexA(UiState& ui);
void drawHosts(UiState& ui);
void drawHostDetail(UiState& ui);
void drawFindings(UiState& ui);
void drawTrends(UiState& ui);
void drawSoa(UiState& ui);
void drawExceptions(UiState& ui);
void drawRisks(UiState& ui);
void drawNonConformities(UiState& ui);
void drawReadiness(UiState& ui);
void drawExport(UiState& ui);

// ---- widgets (widgets.cpp) ----
// A length given for the 13 px default font, scaled with the font (DPI scale: see app.cpp).
float scaled(float pixels);
ImU32 statusColor(ControlStatus status);
ImU32 resultColor(ResultStatus status);
ImU32 severityColor(Severity severity);
// A shape (filled circle, cross, half disc, ring, dash) followed by the status word, in the status colour.
void statusBadge(ControlStatus status);
void resultBadge(ResultStatus status);
void severityText(Severity severity);
// "Nothing to show yet" text when the fleet has not arrived.
bool requireFleet(const UiState& ui);
// The same for the ISMS registers; also shows why a register is missing (an older collector, an error).
bool requireIsms(const UiState& ui);
// "Read-only: change it with ..." under an ISMS view's title.
void readOnlyNote(const char* how);
ImU32 riskLevelColor(RiskLevel level);
// The readiness band ("high_risk", "moderate_risk", "low_risk", "well_prepared"); unknown reads as high risk.
ImU32 readinessLevelColor(std::string_view level);
// READY (filled disc) or NOT READY (cross), in a box: shape and word, not only colour.
void readyBadge(bool ready);
// A scrolling register table with a frozen header row; a column with a weight stretches, others fit their text.
struct TableColumn {
  const char* name;
  float stretch = 0.0f;
};
bool beginRegisterTable(const char* id, std::initializer_list<TableColumn> columns);
// Draws only the rows in view (ImGuiListClipper; every row one line high): `draw` gets each visible row's index.
void clippedRows(const std::vector<std::uint32_t>& rows, const std::function<void(std::uint32_t)>& draw);
// A word on a coloured rounded box (flags such as "NO EVIDENCE", "OVERDUE").
void flagChip(const char* text, ImU32 color);
// A line chart: one polyline per series, each with its own marker shape; legend underneath.
void lineChart(const char* id, const Chart& chart, const char* unit, float height);
// Markers by series index: circle, square, triangle, diamond, cross.
void seriesMarker(int series, float x, float y, float radius, ImU32 color);
ImU32 seriesColor(int series);

}  // namespace annexa::dashboard
