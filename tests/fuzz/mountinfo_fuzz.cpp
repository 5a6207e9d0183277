// Mount and swap tables (agent/facts/mounts.hpp): /proc/self/mountinfo, /etc/fstab, /proc/swaps, /etc/crypttab,
// and the lookups the disk checks make in the table.
#include "agent/facts/mounts.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace annexa::agent;
  const auto text = annexa::fuzz::asText(data, size);
  MountTable table;
  table.mounts = parseMountinfo(text);
  for (const auto& mount : table.mounts) {
    ANNEXA_FUZZ_CHECK(table.find(mount.mountPoint) != nullptr);
    (void)table.containing(mount.mountPoint + "/x");
    (void)mount.readOnly();
    (void)splitLvmMapperName(baseName(mount.source));
  }
  for (const auto& mount : parseFstab(text)) (void)splitLvmMapperName(baseName(mount.source));
  (void)parseProcSwaps(text);
  (void)parseCrypttabNames(text);
  return 0;
}
