// The agent's configuration (agent/config.hpp, /etc/annexa/agent.json).
#include "agent/config.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto config = annexa::agent::parseAgentConfig(annexa::fuzz::asText(data, size));
  if (config)
    for (const auto& id : config->disabledChecks) ANNEXA_FUZZ_CHECK(config->isDisabled(id));
  return 0;
}
