#include "agent/checks/disk.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "common/text.hpp"

namespace annexa::agent::checks {
namespace {

constexpr const char* kEncryptedExpectation = "on dm-crypt (LUKS or plain), directly or beneath LVM/RAID";
constexpr std::size_t kMaxListedMountPoints = 3;

bool isBootMount(std::string_view mountPoint) {
  return mountPoint == "/boot" || mountPoint == "/boot/efi" || mountPoint == "/efi";
}

std::string storageSource(const MountTable& table) {
  return table.fromFstab ? "/etc/fstab, /etc/crypttab" : table.source + ", /sys/block";
}

// "/home (ext4) on /dev/sdb1 [also /srv]: sdb1".
std::string describe(const MountStorage& m) {
  std::string out = m.mount.mountPoint + " (" + m.mount.fsType + ") on " + m.mount.source;
  if (!m.otherMountPoints.empty()) {
    std::vector<std::string> shown(m.otherMountPoints.begin(),
                                   m.otherMountPoints.begin() +
                                       static_cast<long>(std::min(m.otherMountPoints.size(), kMaxListedMountPoints)));
    out += " [also " + text::join(shown, ", ") +
           (m.otherMountPoints.size() > kMaxListedMountPoints ? ", …" : "") + "]";
  }
  return out + ": " + m.storage.description;
}

// Bind mounts show the same device several times; one entry per device (or per source offline).
std::string deviceKey(const MountEntry& mount) {
  if (mount.device && mount.device->major != 0) return mount.device->text();
  return mount.source;
}

std::vector<MountStorage> persistentMounts(const SystemView& system, const MountTable& table,
                                           bool (*include)(const MountEntry&)) {
  const CryptConfig crypt = table.fromFstab ? readCryptConfig(system) : CryptConfig{};
  std::vector<MountStorage> out;
  std::map<std::string, std::size_t> byDevice;
  for (const auto& mount : table.mounts) {
    if (!include(mount)) continue;
    const auto key = deviceKey(mount);
    if (const auto it = byDevice.find(key); it != byDevice.end()) {
      out[it->second].otherMountPoints.push_back(mount.mountPoint);
      continue;
    }
    byDevice[key] = out.size();
    out.push_back({mount, {}, describeMountStorage(system, table, mount, crypt)});
  }
  return out;
}

std::string formatBytes(std::uint64_t bytes) {
  constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
  return buffer;
}

int roundedUpPercent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return 0;
  return static_cast<int>((part * 100 + whole - 1) / whole);
}

}  // namespace

// ---- disk.root_encrypted -----------------------------------------------------------------------------------------

Outcome evaluateRootEncrypted(const Result<RootStorageFacts>& facts) {
  if (!facts) return Outcome::error(facts.error());
  if (!facts->root) return Outcome::error("No filesystem is mounted on / according to " + facts->source,
                                          {{facts->source, "no entry for /", kEncryptedExpectation}});
  const auto& root = *facts->root;
  Evidence evidence{facts->source, describe(root), kEncryptedExpectation};
  if (isVolatileOrRemoteFilesystem(root.mount.fsType))
    return Outcome::notApplicable("/ is a " + root.mount.fsType +
                                      " filesystem with no disk of this host beneath it (a container or network "
                                      "root): encryption at rest must be checked on the host or storage server",
                                  {evidence});
  switch (root.storage.encryption) {
    case Encryption::Encrypted:
      return Outcome::pass("The root filesystem is on an encrypted device", {evidence});
    case Encryption::Unencrypted:
      return Outcome::fail("The root filesystem is stored unencrypted on " + root.mount.source, {evidence});
    case Encryption::Unknown:
      break;
  }
  return Outcome::error("Cannot tell whether the root filesystem is encrypted: " + root.storage.description,
                        {evidence});
}

// ---- disk.all_encrypted ------------------------------------------------------------------------------------------

Outcome evaluateAllEncrypted(const Result<FilesystemStorageFacts>& facts) {
  if (!facts) return Outcome::error(facts.error());
  if (isVolatileOrRemoteFilesystem(facts->rootFsType))
    return Outcome::notApplicable("/ is a " + facts->rootFsType +
                                      " filesystem (a container or network root): the disks belong to the host, "
                                      "whose encryption must be checked there",
                                  {{facts->source, "/ on " + facts->rootFsType, kEncryptedExpectation}});
  if (facts->mounts.empty())
    return Outcome::notApplicable("No persistent local filesystem is mounted",
                                  {{facts->source, "no ext4/xfs/btrfs/… mount", kEncryptedExpectation}});
  std::vector<Evidence> unencrypted;
  std::vector<Evidence> unknown;
  std::vector<Evidence> encrypted;
  for (const auto& m : facts->mounts) {
    Evidence evidence{facts->source, describe(m), kEncryptedExpectation};
    if (m.storage.encryption == Encryption::Encrypted) encrypted.push_back(std::move(evidence));
    else if (m.storage.encryption == Encryption::Unencrypted) unencrypted.push_back(std::move(evidence));
    else unknown.push_back(std::move(evidence));
  }
  std::vector<Evidence> all = unencrypted;
  all.insert(all.end(), unknown.begin(), unknown.end());
  if (!unencrypted.empty())
    return Outcome::fail(std::to_string(unencrypted.size()) + " of " + std::to_string(facts->mounts.size()) +
                             " persistent filesystems are stored unencrypted",
                         all);
  if (!unknown.empty())
    return Outcome::error("Cannot tell whether " + std::to_string(unknown.size()) + " filesystem(s) are encrypted",
                          all);
  return Outcome::pass("All " + std::to_string(encrypted.size()) + " persistent filesystem(s) are on encrypted devices",
                       encrypted);
}

// ---- disk.swap_encrypted -----------------------------------------------------------------------------------------

Outcome evaluateSwapEncrypted(const Result<SwapFacts>& facts) {
  if (!facts) return Outcome::error(facts.error());
  const std::string expected = "no swap, zram, or swap on dm-crypt";
  if (facts->swaps.empty())
    return Outcome::pass("No swap is in use", {{facts->source, "no swap device or file", expected}});
  std::vector<Evidence> bad;
  std::vector<Evidence> unknown;
  std::vector<Evidence> good;
  for (const auto& s : facts->swaps) {
    std::string observed = s.swap.path + " (" + s.swap.type + ")";
    if (s.zram) {
      good.push_back({facts->source, observed + ": zram, compressed RAM", expected});
      continue;
    }
    if (!s.hostMount.empty()) observed += " on the filesystem at " + s.hostMount;
    Evidence evidence{facts->source, observed + ": " + s.storage.description, expected};
    if (s.storage.encryption == Encryption::Encrypted) good.push_back(std::move(evidence));
    else if (s.storage.encryption == Encryption::Unencrypted) bad.push_back(std::move(evidence));
    else unknown.push_back(std::move(evidence));
  }
  std::vector<Evidence> all = bad;
  all.insert(all.end(), unknown.begin(), unknown.end());
  if (!bad.empty())
    return Outcome::fail("Swap is written unencrypted to disk: " + std::to_string(bad.size()) + " swap area(s)", all);
  if (!unknown.empty()) return Outcome::error("Cannot tell whether swap is encrypted", all);
  return Outcome::pass("All swap is encrypted or in compressed RAM", good);
}

// ---- capacity.disk_space -----------------------------------------------------------------------------------------

int usedPercent(const FilesystemUsage& usage) {
  const std::uint64_t used = usage.blocks - std::min(usage.freeBlocks, usage.blocks);
  return roundedUpPercent(used, used + usage.availableBlocks);
}

std::optional<int> inodesUsedPercent(const FilesystemUsage& usage) {
  if (usage.inodes == 0) return std::nullopt;
  return roundedUpPercent(usage.inodes - std::min(usage.freeInodes, usage.inodes), usage.inodes);
}

Outcome evaluateDiskSpace(const Result<CapacityFacts>& facts, long long maxUsedPercent) {
  if (!facts) return Outcome::error(facts.error());
  const std::string expected = "below " + std::to_string(maxUsedPercent) + "% of space and inodes used";
  if (facts->filesystems.empty())
    return Outcome::notApplicable("No writable persistent filesystem is mounted",
                                  {{facts->source, "no writable ext4/xfs/btrfs/… mount", expected}});
  std::vector<Evidence> full;
  std::vector<Evidence> unreadable;
  std::vector<Evidence> fine;
  for (const auto& fs : facts->filesystems) {
    const std::string source = "statvfs(" + fs.mountPoint + ")";
    if (!fs.error.empty()) {
      unreadable.push_back({source, fs.error, expected});
      continue;
    }
    const int space = usedPercent(fs);
    const auto inodes = inodesUsedPercent(fs);
    const std::uint64_t used = (fs.blocks - std::min(fs.freeBlocks, fs.blocks)) * fs.blockSize;
    std::string observed = fs.mountPoint + " (" + fs.fsType + "): " + std::to_string(space) + "% used (" +
                           formatBytes(used) + " of " + formatBytes(fs.blocks * fs.blockSize) + ", " +
                           formatBytes(fs.availableBlocks * fs.blockSize) + " available)";
    if (inodes) observed += ", inodes " + std::to_string(*inodes) + "% used";
    const bool tooFull = space >= maxUsedPercent || (inodes && *inodes >= maxUsedPercent);
    (tooFull ? full : fine).push_back({source, observed, expected});
  }
  if (!full.empty()) {
    auto evidence = full;
    evidence.insert(evidence.end(), unreadable.begin(), unreadable.end());
    return Outcome::fail(std::to_string(full.size()) + " filesystem(s) are at or above " +
                             std::to_string(maxUsedPercent) + "% used",
                         evidence);
  }
  if (!unreadable.empty())
    return Outcome::error("Cannot read the usage of " + std::to_string(unreadable.size()) + " filesystem(s)",
                          unreadable);
  return Outcome::pass("All " + std::to_string(fine.size()) + " filesystem(s) are below " +
                           std::to_string(maxUsedPercent) + "% used",
                       fine);
}

namespace {

// ---- probes ------------------------------------------------------------------------------------------------------

bool isEncryptionRelevant(const MountEntry& mount) {
  return isPersistentLocalFilesystem(mount.fsType) && !isBootMount(mount.mountPoint);
}

// Writable persistent filesystems (a read-only one cannot fill up) and / whatever it is.
bool isCapacityRelevant(const MountEntry& mount) {
  return (isPersistentLocalFilesystem(mount.fsType) || mount.mountPoint == "/") && !mount.readOnly();
}

Result<RootStorageFacts> probeRoot(const SystemView& system) {
  auto table = readMountTable(system);
  if (!table) return makeError(table.error());
  RootStorageFacts facts;
  facts.source = storageSource(*table);
  if (const auto* root = table->find("/")) {
    const CryptConfig crypt = table->fromFstab ? readCryptConfig(system) : CryptConfig{};
    facts.root = MountStorage{*root, {}, {}};
    if (!isVolatileOrRemoteFilesystem(root->fsType))
      facts.root->storage = describeMountStorage(system, *table, *root, crypt);
  }
  return facts;
}

Result<FilesystemStorageFacts> probeFilesystems(const SystemView& system) {
  auto table = readMountTable(system);
  if (!table) return makeError(table.error());
  FilesystemStorageFacts facts;
  facts.source = storageSource(*table);
  if (const auto* root = table->find("/")) facts.rootFsType = root->fsType;
  if (isVolatileOrRemoteFilesystem(facts.rootFsType)) return facts;
  facts.mounts = persistentMounts(system, *table, isEncryptionRelevant);
  return facts;
}

SwapStorage probeSwap(const SystemView& system, const SwapEntry& swap, const Result<MountTable>& table,
                      const CryptConfig& crypt, bool configured) {
  SwapStorage out{swap, false, {}, {}};
  if (swap.type == "file") {
    if (!table) {
      out.storage = {Encryption::Unknown, table.error()};
      return out;
    }
    const auto* mount = table->containing(swap.path);
    if (!mount) {
      out.storage = {Encryption::Unknown, "no mounted filesystem holds " + swap.path};
      return out;
    }
    out.hostMount = mount->mountPoint;
    out.storage = describeMountStorage(system, *table, *mount, crypt);
    return out;
  }
  if (configured) {
    out.zram = text::startsWith(swap.path, "/dev/zram");
    if (!out.zram) out.storage = describeConfiguredSource(system, swap.path, crypt);
    return out;
  }
  const std::string name = kernelDeviceName(system, swap.path);
  out.zram = text::startsWith(name, "zram");
  if (!out.zram) out.storage = describeBlockDevice(system, name);
  return out;
}

Result<SwapFacts> probeSwaps(const SystemView& system) {
  auto swaps = readSwapTable(system);
  if (!swaps) return makeError(swaps.error());
  SwapFacts facts;
  facts.source = swaps->source;
  if (swaps->entries.empty()) return facts;
  const auto table = readMountTable(system);
  const bool configured = swaps->source == "/etc/fstab";
  const CryptConfig crypt = configured || (table && table->fromFstab) ? readCryptConfig(system) : CryptConfig{};
  for (const auto& swap : swaps->entries) facts.swaps.push_back(probeSwap(system, swap, table, crypt, configured));
  return facts;
}

FilesystemUsage measure(const SystemView& system, const MountEntry& mount) {
  FilesystemUsage usage;
  usage.mountPoint = mount.mountPoint;
  usage.fsType = mount.fsType;
  const auto st = system.statFilesystem(mount.mountPoint);
  if (!st) {
    usage.error = st.error();
    return usage;
  }
  usage.blockSize = st->blockSize;
  usage.blocks = st->blocks;
  usage.freeBlocks = st->freeBlocks;
  usage.availableBlocks = st->availableBlocks;
  usage.inodes = st->inodes;
  usage.freeInodes = st->freeInodes;
  return usage;
}

Result<CapacityFacts> probeCapacity(const SystemView& system) {
  auto table = readMountTable(system);
  if (!table) return makeError(table.error());
  CapacityFacts facts;
  facts.source = table->source;
  std::map<std::string, bool> seen;
  for (const auto& mount : table->mounts) {
    if (!isCapacityRelevant(mount) || seen[deviceKey(mount)]) continue;
    seen[deviceKey(mount)] = true;
    facts.filesystems.push_back(measure(system, mount));
  }
  return facts;
}

// ---- registration ------------------------------------------------------------------------------------------------

constexpr CheckSpec kRootEncrypted{
    "disk.root_encrypted",
    "The root filesystem is encrypted at rest",
    Severity::High,
    "Encrypting the root filesystem with dm-crypt/LUKS is use of cryptography to protect stored information "
    "(A.8.24) and keeps data unreadable when a disk or the whole machine leaves the organisation's control, by "
    "theft, repair or disposal (A.7.10).",
    "Reinstall with the installer's \"encrypted LVM\" option, or migrate / onto a LUKS2 volume (cryptsetup "
    "luksFormat, an /etc/crypttab entry, update-initramfs -u). Keep the recovery passphrase in the key escrow.",
};

constexpr CheckSpec kAllEncrypted{
    "disk.all_encrypted",
    "Every persistent local filesystem is encrypted at rest",
    Severity::High,
    "Data filesystems (/home, /var, /srv, extra disks) hold the same information as the root: storing all of them "
    "on dm-crypt applies cryptography to data at rest (A.8.24) and protects storage media that are lost, stolen, "
    "repaired or disposed of (A.7.10). /boot and the EFI partition hold no business data and are excluded.",
    "Move each listed filesystem onto a LUKS2 volume (cryptsetup luksFormat on the partition, an /etc/crypttab "
    "line with a key file on the already encrypted root, /etc/fstab pointing to /dev/mapper/NAME), or use "
    "LVM on LUKS for all volumes.",
};

constexpr CheckSpec kSwapEncrypted{
    "disk.swap_encrypted",
    "Swap is encrypted or not written to disk",
    Severity::Medium,
    "The kernel pages arbitrary process memory (keys, passwords, documents) out to swap; swap on dm-crypt, zram or "
    "no swap keeps that information encrypted at rest (A.8.24).",
    "Put swap inside the encrypted LVM, or use a random-key swap mapping (/etc/crypttab: "
    "\"cryptswap /dev/disk/by-partuuid/… /dev/urandom swap,cipher=aes-xts-plain64,size=512\" and /etc/fstab "
    "\"/dev/mapper/cryptswap none swap sw 0 0\"), or switch to zram (systemd-zram-generator / zram-tools).",
};

constexpr CheckSpec kDiskSpace{
    "capacity.disk_space",
    "Filesystems have free space",
    Severity::Medium,
    "Monitoring that no filesystem is nearly full (space and inodes) is part of capacity management (A.8.6): a "
    "full filesystem stops logging, databases and updates and so threatens availability.",
    "Free space on the listed filesystems (old logs, journal vacuum, package caches, old kernels), grow the "
    "volume, or move data elsewhere; the threshold is capacity.max_used_percent in /etc/annexa/agent.json.",
};

Outcome runRootEncrypted(const CheckContext& ctx) { return evaluateRootEncrypted(probeRoot(ctx.system)); }
Outcome runAllEncrypted(const CheckContext& ctx) { return evaluateAllEncrypted(probeFilesystems(ctx.system)); }
Outcome runSwapEncrypted(const CheckContext& ctx) { return evaluateSwapEncrypted(probeSwaps(ctx.system)); }
Outcome runDiskSpace(const CheckContext& ctx) {
  return evaluateDiskSpace(probeCapacity(ctx.system), ctx.config.thresholds.diskMaxUsedPercent);
}

ANNEXA_REGISTER_CHECK(kRootEncrypted, runRootEncrypted);
ANNEXA_REGISTER_CHECK(kAllEncrypted, runAllEncrypted);
ANNEXA_REGISTER_CHECK(kSwapEncrypted, runSwapEncrypted);
ANNEXA_REGISTER_CHECK(kDiskSpace, runDiskSpace);

}  // namespace
}  // namespace annexa::agent::checks
