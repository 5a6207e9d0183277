#include "agent/checks/kernel.hpp"

#include "agent/checks/check_helpers.hpp"

namespace annexa::agent::checks {

// ---- kernel.aslr -------------------------------------------------------------------------------------------------

Outcome evaluateAslr(const SysctlValue& value, bool liveSystem) {
  const std::string expected = "2 (full randomisation: stack, mmap, heap)";
  const auto observed = effectiveSysctl(value, "kernel.randomize_va_space", liveSystem, "2");
  if (!observed.value) return Outcome::error(observed.evidence.observed, {observed.evidence});
  Evidence evidence = observed.evidence;
  evidence.expected = expected;
  if (*observed.value == "2") return Outcome::pass("Full address space layout randomisation is on", {evidence});
  return Outcome::fail("kernel.randomize_va_space is " + *observed.value + "; memory layout is predictable to exploits",
                       {evidence});
}

namespace {

constexpr CheckSpec kAslr{
    "kernel.aslr",
    "Kernel address space layout randomisation is full",
    Severity::Medium,
    "Full ASLR (randomize_va_space = 2) is part of a hardened secure configuration of the operating system (A.8.9): "
    "it makes memory-corruption exploits unreliable.",
    "Set kernel.randomize_va_space = 2 in /etc/sysctl.d/99-hardening.conf and run `sysctl --system`.",
};

Outcome runAslr(const CheckContext& ctx) {
  return evaluateAslr(ctx.facts.sysctl("kernel.randomize_va_space"), ctx.system.isLive());
}

ANNEXA_REGISTER_CHECK(kAslr, runAslr);

}  // namespace
}  // namespace annexa::agent::checks
