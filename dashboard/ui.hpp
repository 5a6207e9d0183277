// What the ImGui views share: the snapshot of this frame, the table models, selections; and small widgets
// (status badges with a shape and a word, charts drawn with ImDrawList). Each view lives in its own file.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "dashboard/data_source.hpp"
#include "dashboard/drilldown.hpp"
#include "dashboard/edit_form.hpp"
#include "dashboard/export_client.hpp"
#include "dashboard/isms_view_model.hpp"
#include "dashboard/options.hpp"
#include "dashboard/register_writer.hpp"
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

// Where clickable items and shown texts were drawn in the last frame, by name: the render tests click and
// read through it. Null (and free) outside tests.
struct ItemRect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  std::string text;
};
using ItemTracker = std::map<std::string, ItemRect>;

// Which check of which control the Findings view shows expanded (set by Overview's top failing checks too).
struct FindingFocus {
  std::string control;
  std::string check;
  bool scroll = false;  // scroll it into view on the next frame
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
  ControlResultModel controlResults;  // the selected control's (host, result) rows, failures first
  std::string selectedResultHost;      // the row shown in Annex A's detail pane: host id and check
  std::string selectedResultCheck;
  FindingFocus findingFocus;
  const ControlDetail* failingFor = nullptr;  // failingHosts is of this detail and findingFocus.check
  std::string failingCheck;
  std::vector<ResultRef> failingHosts;
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
  ExceptionCover cover;                // the valid exceptions, for ACCEPTED in Findings, Overview, Host detail
  std::set<std::string> excluded;      // controls the SoA excludes: N/A wherever a status is shown
  std::vector<ThemeCounts> shownThemes;  // the fleet's theme counts with the exclusions applied
  const FleetData* themesFor = nullptr;
  // The selected row of each register view (its detail pane), by id.
  std::string selectedSoa;
  std::int64_t selectedException = 0;
  std::int64_t selectedRisk = 0;
  std::int64_t selectedNc = 0;
  std::string selectedReadiness;
  EditForms forms;

  // Register edits: the writer posts them off the UI thread; null when there is no collector (benchmarks).
  RegisterWriter* writer = nullptr;
  ItemTracker* tracker = nullptr;

  // Export view: the client runs the export off the UI thread; null when there is no collector (benchmarks).
  ExportClient* exporter = nullptr;
  ExportInputs exportInputs;

  void selectControl(const std::string& id);
  void selectHost(const std::string& id);
  // Findings with `check` of `control` expanded and in view (Overview's chips and top failing checks).
  void openFinding(const std::string& control, const std::string& check);
  bool canEdit() const;  // connected with an admin certificate
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
// Under an ISMS view's title: whether this operator may edit (admin certificate) or only read, and why.
void editNote(const UiState& ui, const char* what);
// Records the last item's rectangle (and a text) under `name` when a tracker is attached (render tests).
void track(const UiState& ui, const std::string& name, std::string_view text = {});
// A register row's id as a selectable spanning the row (tracked as "VIEW:row:ID"); true when clicked.
bool selectableId(const UiState& ui, const char* view, std::int64_t id, std::int64_t selected);
// A label and a value that wraps, for detail panes.
void detailField(const char* label, const std::string& value);
// A master table and its detail pane: side by side when the view is wide, stacked otherwise.
// beginMaster opens the table's child; beginDetail closes it and opens the pane's; endDetail closes that.
void beginMaster(const char* id, float detailShare = 0.4f);
void beginDetail();
void endDetail();
// ---- register forms (widgets_form.cpp) ----
// Draws the form (inputs disabled unless editable) with its last write's outcome: a collector error next to the
// field it names, else beside the button. True when the action button was pressed.
bool editForm(UiState& ui, const std::string& formKey, EditForm& form, bool editable, const char* action = "Save");
// "/api/v1/" and plain id segments only ([A-Za-z0-9._-], no "." or ".."): a route built from the collector's ids.
bool safeTarget(const std::string& target);
// Hands a write to the RegisterWriter; a body that could not be built, or an unsafe route, is the form's error.
void submitWrite(UiState& ui, const std::string& formKey, const char* method, const std::string& target,
                 const Result<nlohmann::json>& body);
// Replaces the form when `fresh` is of another row (selection moved, or the row was saved and came back).
void reloadForm(UiState& ui, const std::string& formKey, EditForm& form, EditForm fresh);
// True once after a write of this form succeeded (a "new ..." form then starts empty again).
bool takeSaved(UiState& ui, const std::string& formKey);
// The ACCEPTED badge (outlined diamond and the word) with the exception id.
void acceptedBadge(const ExceptionRow& exception);
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
bool beginRegisterTable(const char* id, std::initializer_list<TableColumn> columns, float height = 0.0f);
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
