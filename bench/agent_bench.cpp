// Agent benchmark: runs `annexa-agent check --format json` N times as a separate process (as it runs on a
// laptop) and prints the median wall time, the in-process check time and the peak RSS.
// Usage: annexa_agent_bench [--runs N] [--agent PATH] [--root DIR]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

struct Sample {
  double wallMs = 0;
  double checksMs = 0;
  long peakRssKb = 0;
  std::size_t results = 0;
};

bool runOnce(const std::string& agent, const std::string& root, Sample& sample) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  std::vector<std::string> args = {agent, "check", "--format", "json"};
  if (!root.empty()) {
    args.emplace_back("--root");
    args.push_back(root);
  }
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(agent.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string output;
  char buffer[65536];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0) output.append(buffer, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  sample.wallMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return false;
  sample.peakRssKb = usage.ru_maxrss;
  const auto report = nlohmann::json::parse(output, nullptr, false);
  if (report.is_discarded()) return false;
  sample.checksMs = report.value("duration_ms", 0.0);
  sample.results = report["results"].size();
  return true;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[index];
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 50;
  std::string agent = (std::filesystem::path(argv[0]).parent_path() / "../agent/annexa-agent").string();
  std::string root;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--agent" && i + 1 < argc) agent = argv[++i];
    else if (arg == "--root" && i + 1 < argc) root = argv[++i];
    else {
      std::fprintf(stderr, "usage: annexa_agent_bench [--runs N] [--agent PATH] [--root DIR]\n");
      return 2;
    }
  }
  std::vector<double> wall, checks, rss;
  std::size_t results = 0;
  for (int i = 0; i < runs; ++i) {
    Sample s;
    if (!runOnce(agent, root, s)) {
      std::fprintf(stderr, "annexa_agent_bench: run %d of %s failed\n", i + 1, agent.c_str());
      return 1;
    }
    wall.push_back(s.wallMs);
    checks.push_back(s.checksMs);
    rss.push_back(static_cast<double>(s.peakRssKb) / 1024.0);
    results = s.results;
  }
  std::printf("agent benchmark: %d runs of `annexa-agent check --format json`%s, %zu results per run\n", runs,
              root.empty() ? " on this machine" : (" --root " + root).c_str(), results);
  std::printf("  wall time (process start to exit): median %.2f ms, p90 %.2f ms, max %.2f ms\n", percentile(wall, 0.5),
              percentile(wall, 0.9), *std::max_element(wall.begin(), wall.end()));
  std::printf("  check time (report duration_ms):   median %.0f ms\n", percentile(checks, 0.5));
  std::printf("  peak RSS:                          median %.2f MB, max %.2f MB\n", percentile(rss, 0.5),
              *std::max_element(rss.begin(), rss.end()));
  std::printf("  targets: median wall < 50 ms, peak RSS < 10 MB -> %s\n",
              percentile(wall, 0.5) < 50 && *std::max_element(rss.begin(), rss.end()) < 10 ? "met" : "NOT met");
  return 0;
}
