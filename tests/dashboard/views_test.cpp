// The views driven by Dear ImGui without any renderer (no window, no GPU): every view draws from a snapshot
// without tripping ImGui's checks, and the big host table is not re-sorted frame after frame.
#include <gtest/gtest.h>
#include <imgui.h>

#include <cstring>

#include "dashboard/data_source.hpp"
#include "dashboard/ui.hpp"
#include "tests/dashboard/fake_api.hpp"

namespace annexa::dashboard {
namespace {

class HeadlessImGui {
 public:
  HeadlessImGui() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 800);
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // builds the atlas; nothing uploads it
  }
  ~HeadlessImGui() { ImGui::DestroyContext(); }

  void frame(UiState& ui, void (*draw)(UiState&)) {
    ui.snapshot = ui.provider.current();
    ui.updateDerived();
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("view");
    draw(ui);
    ImGui::End();
    ImGui::Render();
  }
};

std::shared_ptr<const Snapshot> loadedSnapshot(int hosts) {
  test::FakeApi api(hosts);
  DataSource source([&](const std::string& t) { return api(t); }, DataSourceOptions{std::chrono::hours(1), 1000, "x", false},
                    [] { return std::int64_t{0}; });
  source.selectHost("host-1");
  source.selectControl("A.8.5");
  source.refreshNow();
  return source.current();
}

TEST(Views, EveryViewDrawsFromALoadedSnapshot) {
  HeadlessImGui imgui;
  FixedProvider provider(loadedSnapshot(200));
  UiState ui(provider);
  ui.selectedHost = "host-1";
  ui.selectedControl = "A.8.5";
  for (auto* draw : {&drawOverview, &drawAnnexA, &drawHosts, &drawHostDetail, &drawFindings, &drawTrends, &drawSoa, &drawExceptions,
                     &drawRisks, &drawNonConformities, &drawReadiness, &drawExport})
    for (int i = 0; i < 3; ++i) {
      imgui.frame(ui, draw);
      EXPECT_GT(ImGui::GetDrawData()->TotalVtxCount, 100);
    }
}

TEST(Views, EveryViewCopesWithNoDataYet) {
  HeadlessImGui imgui;
  FixedProvider provider(std::make_shared<Snapshot>());
  UiState ui(provider);
  ItemTracker items;
  ui.tracker = &items;
  for (auto* draw : {&drawOverview, &drawAnnexA, &drawHosts, &drawHostDetail, &drawFindings, &drawTrends, &drawSoa, &drawExceptions,
                     &drawRisks, &drawNonConformities, &drawReadiness}) {
    items.clear();
    imgui.frame(ui, draw);
    ASSERT_TRUE(items.count("no-data"));  // each view says why it is empty instead of drawing a blank table
    EXPECT_EQ(items["no-data"].text, "Loading data from the collector ...");
  }
  // Export is a form that works without fleet data: without a collector client it says exporting needs one.
  items.clear();
  imgui.frame(ui, &drawExport);
  EXPECT_TRUE(items.count("export:button"));
  EXPECT_EQ(items["export:no-collector"].text, "Exporting needs a connection to a collector.");
  EXPECT_TRUE(ui.exportInputs.filled);  // the form got its defaults (the last 30 days, a folder under HOME)
  EXPECT_GT(std::strlen(ui.exportInputs.from), 0u);
}

TEST(Views, HostTableSortsOnceNotEveryFrame) {
  HeadlessImGui imgui;
  FixedProvider provider(loadedSnapshot(10000));
  UiState ui(provider);
  for (int i = 0; i < 60; ++i) imgui.frame(ui, &drawHosts);
  EXPECT_EQ(ui.hosts.rebuilds(), 1u);
  std::snprintf(ui.hostFilter, sizeof ui.hostFilter, "ubuntu");  // typing in the filter box
  for (int i = 0; i < 10; ++i) imgui.frame(ui, &drawHosts);
  EXPECT_EQ(ui.hosts.rebuilds(), 2u);
  EXPECT_EQ(ui.hosts.rows().size(), 3334u);
}

TEST(Views, SelectingAControlAsksTheProviderOnce) {
  struct Recording : SnapshotProvider {
    std::shared_ptr<const Snapshot> snapshot = loadedSnapshot(3);
    std::vector<std::string> controls;
    std::shared_ptr<const Snapshot> current() const override { return snapshot; }
    void refresh() override {}
    void selectControl(const std::string& id) override { controls.push_back(id); }
    void selectHost(const std::string&) override {}
  } provider;
  UiState ui(provider);
  ui.selectControl("A.8.5");
  ui.selectControl("A.8.5");
  ui.selectControl("A.5.1");
  EXPECT_EQ(provider.controls, (std::vector<std::string>{"A.8.5", "A.5.1"}));
}

}  // namespace
}  // namespace annexa::dashboard
