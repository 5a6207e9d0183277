// systemd unit-file syntax (agent/facts/schedule.hpp; timers, services, journald.conf) and crontabs, which the
// schedule facts read next to the timers.
#include "agent/facts/schedule.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace annexa::agent;
  const auto text = annexa::fuzz::asText(data, size);
  (void)parseSystemdIni(text);
  (void)parseCrontab(text, true);
  (void)parseCrontab(text, false);
  return 0;
}
