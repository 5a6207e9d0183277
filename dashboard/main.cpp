// annexa-dashboard: the desktop view of a collector's posture (see dashboard/options.cpp for the usage).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "dashboard/app.hpp"

using namespace annexa::dashboard;

// Under LeakSanitizer (scripts/test's sanitizer pass): the OpenGL driver (Mesa), X11 and fontconfig keep
// process-lifetime allocations that are not ours to free.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libGLX\nleak:libGL\nleak:libgallium\nleak:dri.so\nleak:swrast\nleak:libLLVM\nleak:libX11\nleak:libxcb\n"
         "leak:libglfw\nleak:libdbus\nleak:libfontconfig\n";
}

int main(int argc, char** argv) {
  auto options = parseOptions(std::vector<std::string>(argv + 1, argv + argc));
  if (!options) {
    std::fprintf(stderr, "annexa-dashboard: %s\n\n%s", options.error().c_str(), kUsage);
    return 2;
  }
  if (options->help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!displayAvailable()) {
    std::fprintf(stderr, "annexa-dashboard: no display (DISPLAY/WAYLAND_DISPLAY unset). Run it on a desktop, or headless "
                         "with: xvfb-run -a annexa-dashboard ... --screenshot FILE.png --view overview\n");
    return 4;
  }
  auto fetch = makeHttpsFetch(options->connection);
  if (!fetch) {
    std::fprintf(stderr, "annexa-dashboard: %s\n", fetch.error().c_str());
    return 2;
  }
  DataSourceOptions sourceOptions;
  sourceOptions.refreshInterval = options->connection.refreshInterval;
  sourceOptions.serverLabel = options->connection.serverUrl;
  auto source = std::make_unique<DataSource>(std::move(*fetch), sourceOptions, annexa::unixNow);
  auto exchange = makeHttpsExchange(options->connection);  // its own connection: exports run on their own thread
  if (!exchange) {
    std::fprintf(stderr, "annexa-dashboard: %s\n", exchange.error().c_str());
    return 2;
  }
  auto exporter = std::make_unique<ExportClient>(std::move(*exchange));
  auto writeExchange = makeHttpsExchange(options->connection);  // register edits: a third connection
  if (!writeExchange) {
    std::fprintf(stderr, "annexa-dashboard: %s\n", writeExchange.error().c_str());
    return 2;
  }
  DataSource* sourcePtr = source.get();
  auto writer = std::make_unique<RegisterWriter>(std::move(*writeExchange), [sourcePtr] { sourcePtr->refresh(); });

  WindowOptions windowOptions;
  windowOptions.width = options->width;
  windowOptions.height = options->height;
  windowOptions.vsync = options->screenshot.empty();
  auto window = DashboardWindow::open(*source, windowOptions);
  if (!window) {
    std::fprintf(stderr, "annexa-dashboard: %s\n", window.error().c_str());
    return 4;
  }
  DashboardWindow* raw = window->get();
  raw->ui().switchTo = options->view;  // --view also chooses the first view of an interactive session
  source->onPublish([raw] { raw->wakeUp(); });
  raw->ui().exporter = exporter.get();
  exporter->onChange([raw] { raw->wakeUp(); });
  raw->ui().writer = writer.get();
  writer->onChange([raw] { raw->wakeUp(); });
  const int code = options->screenshot.empty()
                       ? runInteractive(*raw)
                       : runScreenshot(*raw, options->view, options->screenshot, options->frames, options->timeout);
  writer.reset();  // joins the workers before the window (and GLFW) go away; the writer refreshes the source
  source.reset();
  exporter.reset();
  return code;
}
