// The dashboard window: GLFW + OpenGL 3 + Dear ImGui, the frame (header, connection banner, one tab per
// view), the interactive loop and the headless screenshot. GLFW and GL stay inside app.cpp.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "dashboard/options.hpp"
#include "dashboard/ui.hpp"

struct ImGuiIO;

namespace annexa::dashboard {

// False when there is no X11 or Wayland display to open a window on.
bool displayAvailable();

struct WindowOptions {
  int width = 1280;
  int height = 800;
  bool vsync = true;
  std::string title = "Annexa - ISO/IEC 27001:2022 compliance";
};

struct FrameTiming {
  double uiCpuMs = 0;     // building the UI: NewFrame .. ImGui::Render (this thread's CPU time)
  double frameCpuMs = 0;  // the whole frame incl. GL submission and swap (this thread's CPU time)
};

class DashboardWindow {
 public:
  static Result<std::unique_ptr<DashboardWindow>> open(SnapshotProvider& provider, const WindowOptions& options);
  ~DashboardWindow();
  DashboardWindow(const DashboardWindow&) = delete;
  DashboardWindow& operator=(const DashboardWindow&) = delete;

  UiState& ui() { return ui_; }
  bool shouldClose() const;
  // Input, the whole UI from the current snapshot, render, and (unless keepBackBuffer) swap.
  FrameTiming frame(bool swap = true);
  // Waits for input or a published snapshot, at most timeoutSeconds (0: just polls).
  void waitEvents(double timeoutSeconds);
  void wakeUp();  // thread-safe: makes waitEvents return
  // Reads the back buffer just rendered by frame(false) and writes it as an RGB PNG.
  VoidResult capture(const std::filesystem::path& png);
  // Called every frame after the platform backend read the real input and before ImGui sees it: render tests
  // queue their clicks and mouse moves here.
  void setInputHook(std::function<void(ImGuiIO&)> hook);
  // The scale fonts and sizes are built at: the monitor's content scale times a step for large windows.
  float uiScale() const;

 private:
  explicit DashboardWindow(SnapshotProvider& provider);
  void drawFrame();
  void applyScale();  // rebuilds the font atlas and the style when the wanted scale changed

  UiState ui_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Until the window is closed; F5 or the button refreshes. Returns the exit code.
int runInteractive(DashboardWindow& window);
// Renders `view` until its data arrived (or the timeout), then `frames` more, captures and returns 0;
// 3 when the data did not arrive in time (the PNG is still written: it shows why), 2 on capture errors.
int runScreenshot(DashboardWindow& window, ViewId view, const std::filesystem::path& png, int frames,
                  std::chrono::seconds timeout);

// The UI scale for a window: the monitor's content scale, times 1 up to 1280x800 logical pixels and growing in
// quarter steps with the window up to 2 (a 2560x1600 window), so a big window is not half empty.
float uiScaleFor(int framebufferWidth, int framebufferHeight, float contentScale);

// For screenshots: picks a host (the one failing most), a control (the first failing one) and its first row, the
// check failing on most hosts (expanded in Findings) and each register's first row when none is selected yet, so
// detail views and panes have something to show. True when the view's data is present.
bool prepareView(UiState& ui, ViewId view);

}  // namespace annexa::dashboard
