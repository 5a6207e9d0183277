// The collector's configuration (collector/app/data_dir.hpp, DATA/collector.json), read from a scratch data directory.
#include "collector/app/data_dir.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const annexa::fuzz::ScratchDir scratch;
  const annexa::collector::DataDir dir{scratch.path()};
  scratch.write("collector.json", annexa::fuzz::asText(data, size));
  if (const auto config = annexa::collector::loadCollectorConfig(dir)) {
    ANNEXA_FUZZ_CHECK(config->server.threads >= 1);
  }
  return 0;
}
