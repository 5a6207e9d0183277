#include "agent/checks/time_sync.hpp"

#include <sys/timex.h>

#include <cerrno>
#include <cstring>

#include "common/text.hpp"

namespace annexa::agent::checks {

Outcome evaluateTimeSync(const TimeSyncFacts& facts) {
  std::vector<Evidence> evidence;
  std::vector<std::string> inService;
  for (const auto& daemon : facts.daemons) {
    evidence.push_back(daemon.evidence);
    evidence.back().expected = facts.live ? "NTP client running" : "NTP client enabled";
    if (isInService(daemon, facts.live)) inService.push_back(daemon.name);
  }
  // The kernel's view is evidence in its own right, whatever the daemons look like.
  if (facts.clock) {
    const auto maxError = std::to_string(facts.clock->maxErrorMicros) + " µs";
    evidence.push_back({"adjtimex(2)",
                        facts.clock->synchronized ? "synchronised (STA_UNSYNC clear, maxerror " + maxError + ")"
                                                  : "STA_UNSYNC set (not synchronised, maxerror " + maxError + ")",
                        "STA_UNSYNC clear"});
  }
  if (inService.empty()) {
    if (!facts.processError.empty()) return Outcome::error("Cannot list processes: " + facts.processError, evidence);
    if (facts.daemons.empty())
      evidence.push_back(
          {"/usr/sbin/chronyd, systemd-timesyncd, /usr/sbin/ntpd",
           facts.installed.empty() ? "no NTP client installed"
                                   : "installed (" + text::join(facts.installed, ", ") + ") but no unit enabled" +
                                         (facts.live ? " or running" : ""),
           "chrony, systemd-timesyncd, ntpd/ntpsec or openntpd " + std::string(facts.live ? "running" : "enabled")});
    return Outcome::fail(facts.installed.empty() && facts.daemons.empty()
                             ? "No NTP client is installed"
                             : std::string("No NTP client is ") + (facts.live ? "running" : "enabled"),
                         evidence);
  }
  const auto clients = text::join(inService, ", ");
  if (!facts.live)
    return Outcome::pass(clients + " enabled (offline root: configuration only, clock state not evaluated)", evidence);
  if (!facts.clock) return Outcome::error("Cannot read the kernel clock state: " + facts.clockError, evidence);
  if (!facts.clock->synchronized)
    return Outcome::fail(clients + " running, but the kernel clock is not synchronised", evidence);
  return Outcome::pass(clients + " running and the kernel clock is synchronised", evidence);
}

namespace {

constexpr DaemonSpec kNtpClients[] = {
    {"chrony", {"chronyd"}, {"chrony.service", "chronyd.service"}},
    // comm is cut to 15 characters ("systemd-timesyn"); argv[0]'s basename is whole.
    {"systemd-timesyncd", {"systemd-timesyncd"}, {"systemd-timesyncd.service"}},
    {"ntpd", {"ntpd"}, {"ntp.service", "ntpd.service", "ntpsec.service", "openntpd.service"}},
};

Outcome runTimeSync(const CheckContext& ctx) {
  TimeSyncFacts facts;
  facts.live = ctx.system.isLive();
  facts.processError = processListingError(ctx);
  for (const char* binary : {"/usr/sbin/chronyd", "/lib/systemd/systemd-timesyncd",
                             "/usr/lib/systemd/systemd-timesyncd", "/usr/sbin/ntpd", "/usr/sbin/openntpd"})
    if (ctx.system.exists(binary)) facts.installed.emplace_back(binary);
  for (const auto& client : kNtpClients)
    if (auto sighting = observeDaemon(ctx, client); sighting.state != DaemonState::Absent)
      facts.daemons.push_back(std::move(sighting));
  if (facts.live) {
    // modes = 0 only reads; the state is the running kernel's, which an offline root does not have.
    struct timex tx {};
    if (::adjtimex(&tx) < 0) facts.clockError = std::string("adjtimex: ") + std::strerror(errno);
    else facts.clock = KernelClock{(tx.status & STA_UNSYNC) == 0, static_cast<long long>(tx.maxerror)};
  }
  return evaluateTimeSync(facts);
}

constexpr CheckSpec kTimeSync{
    "time.sync_active",
    "Clock is synchronised to a time source",
    Severity::Medium,
    "Clock synchronisation (A.8.17) makes log timestamps across hosts comparable, which investigations and "
    "correlation of events depend on. The check evidences both that an NTP client runs and that the kernel reports "
    "its clock as synchronised (adjtimex STA_UNSYNC clear), not merely that a package is installed.",
    "Install and enable an NTP client pointed at the organisation's time sources (apt install chrony / dnf install "
    "chrony; systemctl enable --now chronyd), then confirm `chronyc tracking` or `timedatectl` shows the clock "
    "synchronised.",
};

ANNEXA_REGISTER_CHECK(kTimeSync, runTimeSync);

}  // namespace
}  // namespace annexa::agent::checks
