// systemd unit-file syntax (agent/facts/schedule.hpp; timers, services, journald.conf) and crontabs, which the
// schedule facts read next to the timers.
#include "agent/facts/schedule.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace annexa::agent;
  const auto text = annexa::fuzz::asText(data, size);
  for (const auto& entry : parseSystemdIni(text)) ANNEXA_FUZZ_CHECK(!entry.key.empty());
  (void)parseCrontab(text, true);
  (void)parseCrontab(text, false);
  return 0;
}
