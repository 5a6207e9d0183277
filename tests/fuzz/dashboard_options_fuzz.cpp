// The dashboard's settings (dashboard/options.hpp): its --config file (first byte even) or its command line
// (first byte odd; the rest split at NUL bytes into arguments).
#include <string>
#include <vector>

#include "dashboard/options.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const annexa::fuzz::ScratchDir scratch;
  if (size == 0) return 0;
  const auto text = annexa::fuzz::asText(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    const auto file = scratch.write("dashboard.json", text);
    if (const auto config = annexa::dashboard::connectionFromConfigFile(file))
      ANNEXA_FUZZ_CHECK(config->refreshInterval.count() > 0);
    return 0;
  }
  std::vector<std::string> args;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\0') {
      args.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  (void)annexa::dashboard::parseOptions(args);
  return 0;
}
