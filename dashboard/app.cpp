#include "dashboard/app.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace annexa::dashboard {
namespace {

double threadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

const char* tabLabel(ViewId view) {
  switch (view) {
    case ViewId::Overview: return "Overview";
    case ViewId::AnnexA: return "Annex A";
    case ViewId::Hosts: return "Hosts";
    case ViewId::Host: return "Host detail";
    case ViewId::Findings: return "Findings";
    case ViewId::Trends: return "Trends";
    case ViewId::Soa: return "SoA";
    case ViewId::Exceptions: return "Exceptions";
    case ViewId::Risks: return "Risks";
    case ViewId::Nc: return "Non-conformities";
    case ViewId::Readiness: return "Readiness";
    case ViewId::Export: return "Export";
  }
  return "?";
}

void drawView(UiState& ui, ViewId view) {
  switch (view) {
    case ViewId::Overview: return drawOverview(ui);
    case ViewId::AnnexA: return drawAnnexA(ui);
    case ViewId::Hosts: return drawHosts(ui);
    case ViewId::Host: return drawHostDetail(ui);
    case ViewId::Findings: return drawFindings(ui);
    case ViewId::Trends: return drawTrends(ui);
    case ViewId::Soa: return drawSoa(ui);
    case ViewId::Exceptions: return drawExceptions(ui);
    case ViewId::Risks: return drawRisks(ui);
    case ViewId::Nc: return drawNonConformities(ui);
    case ViewId::Readiness: return drawReadiness(ui);
    case ViewId::Export: return drawExport(ui);
  }
}

bool hadInput(const ImGuiIO& io) {
  if (io.MouseDelta.x != 0 || io.MouseDelta.y != 0 || io.MouseWheel != 0 || io.InputQueueCharacters.Size > 0) return true;
  for (const bool down : io.MouseDown)
    if (down) return true;
  for (const bool down : io.KeysDown)
    if (down) return true;
  return false;
}

}  // namespace

bool displayAvailable() {
  const char* x11 = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  return (x11 && *x11) || (wayland && *wayland);
}

struct DashboardWindow::Impl {
  GLFWwindow* window = nullptr;
  bool imguiReady = false;
  int fbWidth = 0;
  int fbHeight = 0;
  float scale = 0.0f;  // the scale the fonts and style are built at
  std::function<void(ImGuiIO&)> inputHook;
};

float uiScaleFor(int framebufferWidth, int framebufferHeight, float contentScale) {
  const float content = std::clamp(contentScale, 1.0f, 4.0f);
  const float logicalWidth = static_cast<float>(framebufferWidth) / content;
  const float logicalHeight = static_cast<float>(framebufferHeight) / content;
  const float size = std::clamp(std::min(logicalWidth / 1280.0f, logicalHeight / 800.0f), 1.0f, 2.0f);
  return content * std::floor(size * 4.0f) / 4.0f;
}

float DashboardWindow::uiScale() const { return impl_->scale; }

void DashboardWindow::setInputHook(std::function<void(ImGuiIO&)> hook) { impl_->inputHook = std::move(hook); }

void DashboardWindow::applyScale() {
  float xscale = 1.0f, yscale = 1.0f;
  glfwGetWindowContentScale(impl_->window, &xscale, &yscale);
  int w = 0, h = 0;
  glfwGetFramebufferSize(impl_->window, &w, &h);
  const float scale = uiScaleFor(w, h, std::max(xscale, yscale));
  if (scale == impl_->scale) return;
  const bool rebuild = impl_->scale > 0.0f;
  impl_->scale = scale;
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig font;
  font.SizePixels = 13.0f * scale;  // the built-in font rendered at the scaled size: crisp, not stretched
  io.Fonts->AddFontDefault(&font);
  if (rebuild) {  // the first atlas is uploaded by the backend's first frame
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  ImGui::StyleColorsDark(&style);
  style.ScaleAllSizes(scale);
  style.WindowRounding = 0.0f;
  style.CellPadding.y = 3.0f * scale;
}

DashboardWindow::DashboardWindow(SnapshotProvider& provider) : ui_(provider), impl_(std::make_unique<Impl>()) {}

Result<std::unique_ptr<DashboardWindow>> DashboardWindow::open(SnapshotProvider& provider, const WindowOptions& options) {
  if (!displayAvailable())
    return makeError("no display: DISPLAY and WAYLAND_DISPLAY are unset (for headless use: xvfb-run -a annexa-dashboard --screenshot ...)");
  glfwSetErrorCallback([](int code, const char* description) { std::fprintf(stderr, "annexa-dashboard: GLFW error %d: %s\n", code, description); });
  if (!glfwInit()) return makeError("cannot initialise GLFW (is the display reachable?)");
  std::unique_ptr<DashboardWindow> self(new DashboardWindow(provider));
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  self->impl_->window = glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
  if (!self->impl_->window) return makeError("cannot create an OpenGL 3.0 window");
  glfwMakeContextCurrent(self->impl_->window);
  glfwSwapInterval(options.vsync ? 1 : 0);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini next to wherever the dashboard was started
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  self->applyScale();
  ImGui_ImplGlfw_InitForOpenGL(self->impl_->window, true);
  ImGui_ImplOpenGL3_Init("#version 130");
  self->impl_->imguiReady = true;
  return self;
}

DashboardWindow::~DashboardWindow() {
  if (impl_->imguiReady) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
  }
  if (impl_->window) glfwDestroyWindow(impl_->window);
  // No glfwTerminate(): it unloads libGL and the Mesa driver, whose still-allocated globals then look like
  // leaks (from an unmapped module) to LeakSanitizer. The process is about to end; the OS closes the display.
}

bool DashboardWindow::shouldClose() const { return glfwWindowShouldClose(impl_->window) != 0; }

void DashboardWindow::waitEvents(double timeoutSeconds) {
  if (timeoutSeconds <= 0) glfwPollEvents();
  else glfwWaitEventsTimeout(timeoutSeconds);
}

void DashboardWindow::wakeUp() { glfwPostEmptyEvent(); }

FrameTiming DashboardWindow::frame(bool swap) {
  const double start = threadCpuMs();
  ui_.snapshot = ui_.provider.current();  // the only place the UI takes a new snapshot
  ui_.updateDerived();
  applyScale();  // the window may have been resized or moved to another monitor
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (impl_->inputHook) impl_->inputHook(ImGui::GetIO());
  ImGui::NewFrame();
  drawFrame();
  ImGui::Render();
  const double uiDone = threadCpuMs();
  glfwGetFramebufferSize(impl_->window, &impl_->fbWidth, &impl_->fbHeight);
  glViewport(0, 0, impl_->fbWidth, impl_->fbHeight);
  glClearColor(0.09f, 0.09f, 0.11f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (swap) glfwSwapBuffers(impl_->window);
  else glFinish();
  return {uiDone - start, threadCpuMs() - start};
}

void DashboardWindow::drawFrame() {
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsKeyPressed(GLFW_KEY_F5, false)) ui_.provider.refresh();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("Annexa", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::TextUnformatted("Annexa");
  ImGui::SameLine();
  ImGui::TextDisabled("ISO/IEC 27001:2022 Annex A - continuous compliance");
  const float buttonWidth = ImGui::CalcTextSize("Refresh (F5)").x + ImGui::GetStyle().FramePadding.x * 2;
  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - buttonWidth);
  if (ImGui::Button("Refresh (F5)")) ui_.provider.refresh();

  // The connection banner: honest about how current the data is.
  const auto& connection = ui_.snapshot->connection;
  const std::string banner = connectionBanner(connection);
  if (!connection.connected) {  // a full-width band behind the banner: impossible to miss in front of an auditor
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x - 4.0f, p.y - 1.0f),
                                              ImVec2(p.x + ImGui::GetContentRegionAvail().x + 4.0f, p.y + ImGui::GetTextLineHeight() + 1.0f),
                                              IM_COL32(90, 40, 0, 255));
  }
  if (connection.connected) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Passing)), "ONLINE");
  } else {
    ImGui::TextColored(ImVec4(1.0f, 0.86f, 0.47f, 1.0f), ui_.snapshot->stale() ? "STALE" : "OFFLINE");
  }
  ImGui::SameLine();
  ImGui::TextUnformatted(banner.c_str());

  if (ImGui::BeginTabBar("views")) {
    for (const auto view : kAllViews) {
      const ImGuiTabItemFlags flags = ui_.switchTo == view ? ImGuiTabItemFlags_SetSelected : 0;
      if (ImGui::BeginTabItem(tabLabel(view), nullptr, flags)) {
        ui_.view = view;
        ImGui::BeginChild("view", ImVec2(0, 0), false);
        drawView(ui_, view);
        ImGui::EndChild();
        ImGui::EndTabItem();
      }
    }
    ImGui::EndTabBar();
  }
  if (ui_.switchTo == ui_.view) ui_.switchTo.reset();
  ImGui::End();
}

VoidResult DashboardWindow::capture(const std::filesystem::path& png) {
  const int w = impl_->fbWidth, h = impl_->fbHeight;
  if (w <= 0 || h <= 0) return makeError("nothing rendered yet");
  std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  if (const GLenum error = glGetError(); error != GL_NO_ERROR) return makeError("glReadPixels failed: GL error " + std::to_string(error));
  // OpenGL's rows run bottom-up: write from the last row with a negative stride.
  const int stride = w * 3;
  if (!stbi_write_png(png.c_str(), w, h, 3, pixels.data() + static_cast<std::size_t>(h - 1) * static_cast<std::size_t>(stride), -stride))
    return makeError("cannot write " + png.string());
  return success();
}

namespace {

// The first row of each register view selected, so its detail pane shows in a screenshot.
void selectFirstRows(UiState& ui) {
  const auto& isms = *ui.snapshot->isms;
  ui.updateIsms();
  if (ui.selectedSoa.empty() && !ui.soaRows.empty()) ui.selectedSoa = isms.soa.rows[ui.soaRows.front()].control;
  if (ui.selectedException == 0 && !ui.exceptionRows.empty()) ui.selectedException = isms.exceptions.rows[ui.exceptionRows.front()].id;
  if (ui.selectedRisk == 0 && !ui.riskRows.empty()) ui.selectedRisk = isms.risks[ui.riskRows.front()].id;
  if (ui.selectedNc == 0 && !ui.ncRows.empty()) ui.selectedNc = isms.nonConformities.rows[ui.ncRows.front()].id;
  if (ui.selectedReadiness.empty() && !isms.readiness.areas.empty() && !isms.readiness.areas.front().items.empty())
    ui.selectedReadiness = isms.readiness.areas.front().items.front().id;
}

}  // namespace

bool prepareView(UiState& ui, ViewId view) {
  const auto& snapshot = ui.snapshot;
  if (!snapshot || !snapshot->fleet) return false;
  const auto& fleet = *snapshot->fleet;
  if (isIsmsView(view)) {
    if (snapshot->isms) selectFirstRows(ui);
    return snapshot->isms != nullptr;
  }
  if (view == ViewId::Host) {
    if (fleet.hosts.empty()) return true;  // nothing to pick: the view says so
    if (ui.selectedHost.empty()) {
      const HostRow* worst = &fleet.hosts.front();
      for (const auto& h : fleet.hosts)
        if (h.fail > worst->fail) worst = &h;
      ui.selectHost(worst->id);
    }
    return snapshot->host && snapshot->host->host.id == ui.selectedHost;
  }
  if (view == ViewId::Findings) {  // the check failing on most hosts, expanded
    ui.updateDerived();
    if (ui.topFailing.empty() || ui.topFailing.front().controls.empty()) return true;
    if (ui.findingFocus.check.empty()) ui.openFinding(ui.topFailing.front().controls.front(), ui.topFailing.front().check);
    return snapshot->control && snapshot->control->control.id == ui.findingFocus.control && snapshot->isms;
  }
  if (view == ViewId::AnnexA || view == ViewId::Trends) {
    if (ui.selectedControl.empty()) {
      const ControlRow* pick = nullptr;
      for (const auto& c : fleet.controls)
        if (!pick && c.status == ControlStatus::Failing) pick = &c;
      for (const auto& c : fleet.controls)
        if (!pick && !c.checks.empty()) pick = &c;
      if (!pick) return true;
      ui.selectControl(pick->id);
    }
    const bool ready = snapshot->control && snapshot->control->control.id == ui.selectedControl && snapshot->controlHistory &&
                       snapshot->controlHistory->controlId == ui.selectedControl;
    if (ready && view == ViewId::AnnexA && ui.selectedResultHost.empty()) {  // its first (failing) row in the pane
      ui.controlResults.setData(snapshot->control);
      ui.controlResults.takeControlChanged();
      if (const auto& rows = ui.controlResults.rows(); !rows.empty()) {
        const auto& host = snapshot->control->hosts[rows.front().host];
        ui.selectedResultHost = host.id;
        ui.selectedResultCheck = host.results[rows.front().result].check;
      }
    }
    return ready;
  }
  return true;
}

int runInteractive(DashboardWindow& window) {
  int busyFrames = 10;
  while (!window.shouldClose()) {
    // Render continuously while the user interacts; otherwise sleep until input, new data, or half a second
    // (the banner's clock and the stale marker still move).
    window.waitEvents(busyFrames > 0 ? 0.0 : 0.5);
    window.frame();
    busyFrames = hadInput(ImGui::GetIO()) ? 30 : std::max(0, busyFrames - 1);
  }
  return 0;
}

int runScreenshot(DashboardWindow& window, ViewId view, const std::filesystem::path& png, int frames,
                  std::chrono::seconds timeout) {
  auto& ui = window.ui();
  ui.switchTo = view;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool ready = false;
  while (!ready && std::chrono::steady_clock::now() < deadline) {
    window.frame();
    ui.snapshot = ui.provider.current();
    ready = prepareView(ui, view) && ui.view == view;
    if (!ready) window.waitEvents(0.05);  // woken early by each published snapshot
  }
  for (int i = 0; i < frames; ++i) window.frame(i + 1 < frames);
  if (auto written = window.capture(png); !written) {
    std::fprintf(stderr, "annexa-dashboard: %s\n", written.error().c_str());
    return 2;
  }
  if (!ready) {
    std::fprintf(stderr, "annexa-dashboard: the data for view %s did not arrive within %lld s (%s); wrote %s anyway\n",
                 std::string(viewName(view)).c_str(), static_cast<long long>(timeout.count()),
                 connectionBanner(ui.provider.current()->connection).c_str(), png.c_str());
    return 3;
  }
  std::printf("annexa-dashboard: wrote %s (view %s)\n", png.c_str(), std::string(viewName(view)).c_str());
  return 0;
}

}  // namespace annexa::dashboard
