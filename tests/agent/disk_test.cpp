#include <gtest/gtest.h>

#include <unistd.h>

#include "agent/checks/disk.hpp"
#include "agent/facts/mounts.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

bool anyEvidenceContains(const CheckResult& result, std::string_view needle) {
  for (const auto& e : result.evidence)
    if (e.observed.find(needle) != std::string::npos) return true;
  return false;
}

MountStorage storageOn(std::string mountPoint, std::string fsType, Encryption encryption, std::string chain) {
  MountEntry mount;
  mount.mountPoint = std::move(mountPoint);
  mount.fsType = std::move(fsType);
  mount.source = "/dev/test";
  return {mount, {}, {encryption, std::move(chain)}};
}

// ---- facts: mount table, swaps, device chains --------------------------------------------------------------------

TEST(MountsParse, MountinfoWithOptionalFieldsAndEscapes) {
  const auto mounts = parseMountinfo(
      "22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/mapper/vg-root rw\n"
      "34 22 253:2 /alice /srv/my\\040files rw master:3 shared:4 - ext4 /dev/mapper/vg-home rw\n"
      "garbage line\n"
      "35 22 0:40 / /mnt ro - btrfs /dev/sdc1 ro,space_cache\n");
  ASSERT_EQ(mounts.size(), 3u);
  EXPECT_EQ(mounts[0].mountPoint, "/");
  EXPECT_EQ(mounts[0].fsType, "ext4");
  EXPECT_EQ(mounts[0].source, "/dev/mapper/vg-root");
  ASSERT_TRUE(mounts[0].device.has_value());
  EXPECT_EQ(mounts[0].device->text(), "253:1");
  EXPECT_EQ(mounts[1].mountPoint, "/srv/my files");
  EXPECT_EQ(mounts[1].root, "/alice");
  EXPECT_EQ(mounts[1].fsType, "ext4");
  EXPECT_TRUE(mounts[2].readOnly());
  EXPECT_FALSE(mounts[0].readOnly());
}

TEST(MountsParse, FstabSwapsAndLookups) {
  const auto fstab = parseFstab("# comment\n\nUUID=1 / ext4 defaults 0 1\n/dev/sdb1 /srv xfs\nbroken\n");
  ASSERT_EQ(fstab.size(), 2u);
  EXPECT_EQ(fstab[1].options, "defaults");

  const auto swaps = parseProcSwaps("Filename Type Size Used Priority\n/swap\\040file file 100 0 -2\n");
  ASSERT_EQ(swaps.size(), 1u);
  EXPECT_EQ(swaps[0].path, "/swap file");
  EXPECT_EQ(swaps[0].type, "file");

  MountTable table;
  table.mounts = parseFstab("a / ext4\nb /var ext4\nc /var/lib ext4\nd /variable ext4\n");
  EXPECT_EQ(table.containing("/var/lib/swap")->source, "c");
  EXPECT_EQ(table.containing("/variable/x")->source, "d");
  EXPECT_EQ(table.containing("/varx")->source, "a");
  EXPECT_EQ(table.find("/var")->source, "b");
  EXPECT_EQ(table.find("/nope"), nullptr);
}

TEST(MountsParse, LvmMapperNames) {
  auto split = splitLvmMapperName("debian--vg-root");
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->first, "debian-vg");
  EXPECT_EQ(split->second, "root");
  split = splitLvmMapperName("vg-swap--1");
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->second, "swap-1");
  EXPECT_FALSE(splitLvmMapperName("cryptroot").has_value());
  EXPECT_FALSE(splitLvmMapperName("only--doubled").has_value());
  EXPECT_EQ(parseCrypttabNames("# c\nroot_crypt UUID=1 none luks\nswap /dev/sda2 /dev/urandom swap\n"),
            (std::vector<std::string>{"root_crypt", "swap"}));
}

// Under its systemd unit (ProtectSystem=strict) the agent's own mount namespace has / read-only: the live table is
// PID 1's, so the checks see the system's mounts (tests/packaging/sandbox_test.sh compares both runs).
TEST(MountsLive, ReadsTheSystemsMountNamespace) {
  auto table = readMountTable(SystemView::live());
  ASSERT_TRUE(table.ok()) << table.error();
  const bool pid1Readable = ::access("/proc/1/mountinfo", R_OK) == 0;
  EXPECT_EQ(table->source, pid1Readable ? "/proc/1/mountinfo" : "/proc/self/mountinfo");
  EXPECT_NE(table->find("/"), nullptr);
  // An offline root never reads the running system's table.
  test::FixtureRoot offline;
  EXPECT_FALSE(readMountTable(SystemView::offline(offline.path())).ok());
}

TEST(MountsChain, FollowsLvmOnLuksAndStopsAtPlainDevices) {
  FixtureRoot root("disk/lvm_on_luks");
  const auto system = root.view();
  auto chain = describeBlockDevice(system, "dm-1");
  EXPECT_EQ(chain.encryption, Encryption::Encrypted);
  EXPECT_EQ(chain.description, "dm-1 (LVM vg-root) → dm-0 (CRYPT-LUKS2 sda3_crypt)");
  EXPECT_EQ(describeBlockDevice(system, "sda1").encryption, Encryption::Unencrypted);

  // An LVM volume group spanning an encrypted and a plain physical volume is not encrypted.
  root.write("/sys/block/dm-1/slaves/sdb1", "");
  chain = describeBlockDevice(system, "dm-1");
  EXPECT_EQ(chain.encryption, Encryption::Unencrypted);
  EXPECT_NE(chain.description.find("[dm-0 (CRYPT-LUKS2 sda3_crypt) + sdb1 (no dm-crypt layer)]"), std::string::npos)
      << chain.description;

  // dm-verity is made by cryptsetup but protects integrity only.
  root.write("/sys/block/dm-0/dm/uuid", "CRYPT-VERITY-1234-root\n");
  EXPECT_EQ(describeBlockDevice(system, "dm-0").encryption, Encryption::Unencrypted);

  // A device-mapper device whose table cannot be read is unknown, not unencrypted.
  EXPECT_EQ(describeBlockDevice(system, "dm-9").encryption, Encryption::Unknown);
}

TEST(MountsChain, ResolvesDevicePathsThroughSymlinks) {
  FixtureRoot root("disk/lvm_on_luks");
  root.symlink("../dm-1", "/dev/mapper/vg-root");
  const auto system = root.view();
  EXPECT_EQ(kernelDeviceName(system, "/dev/mapper/vg-root"), "dm-1");
  EXPECT_EQ(kernelDeviceName(system, "/dev/sda1"), "sda1");
  EXPECT_EQ(kernelDeviceName(system, "rpool/ROOT"), "");
  // Old-style mapper node (no symlink): found by its dm name.
  EXPECT_EQ(kernelDeviceName(system, "/dev/mapper/vg-home"), "dm-2");
}

TEST(MountsChain, OfflineSourcesThroughCrypttabAndLvmBackup) {
  FixtureRoot root("disk/offline_encrypted");
  const auto system = root.view();
  const auto crypt = readCryptConfig(system);
  EXPECT_EQ(describeConfiguredSource(system, "/dev/mapper/debian--vg-root", crypt).encryption,
            Encryption::Encrypted);
  EXPECT_EQ(describeConfiguredSource(system, "/dev/mapper/sda3_crypt", crypt).encryption, Encryption::Encrypted);
  EXPECT_EQ(describeConfiguredSource(system, "/dev/sdb1", crypt).encryption, Encryption::Unencrypted);
  EXPECT_EQ(describeConfiguredSource(system, "UUID=abc", crypt).encryption, Encryption::Unknown);
  EXPECT_EQ(describeConfiguredSource(system, "/dev/mapper/other--vg-data", crypt).encryption, Encryption::Unknown);
  EXPECT_EQ(describeConfiguredSource(system, "/dev/debian-vg/home", crypt).encryption, Encryption::Encrypted);
}

// ---- disk.root_encrypted -----------------------------------------------------------------------------------------

TEST(DiskRootEncrypted, Evaluation) {
  RootStorageFacts facts{"mountinfo", storageOn("/", "ext4", Encryption::Encrypted, "dm-0 (CRYPT-LUKS2 x)")};
  EXPECT_EQ(evaluateRootEncrypted(facts).status, CheckStatus::Pass);
  facts.root = storageOn("/", "ext4", Encryption::Unencrypted, "sda2 (no dm-crypt layer)");
  const auto fail = evaluateRootEncrypted(facts);
  EXPECT_EQ(fail.status, CheckStatus::Fail);
  ASSERT_EQ(fail.evidence.size(), 1u);
  EXPECT_EQ(fail.evidence[0].observed, "/ (ext4) on /dev/test: sda2 (no dm-crypt layer)");
  facts.root = storageOn("/", "zfs", Encryption::Unknown, "rpool/ROOT is not backed by a block device");
  EXPECT_EQ(evaluateRootEncrypted(facts).status, CheckStatus::Error);
  facts.root = storageOn("/", "overlay", Encryption::Unknown, "");
  const auto container = evaluateRootEncrypted(facts);
  EXPECT_EQ(container.status, CheckStatus::NotApplicable);
  EXPECT_NE(container.message.find("container"), std::string::npos);
  facts.root.reset();
  EXPECT_EQ(evaluateRootEncrypted(facts).status, CheckStatus::Error);
  EXPECT_EQ(evaluateRootEncrypted(Result<RootStorageFacts>(makeError("no mountinfo"))).status, CheckStatus::Error);
}

TEST(DiskRootEncrypted, FixtureTrees) {
  FixtureRoot luks("disk/lvm_on_luks");
  auto result = runCheckOn(luks, "disk.root_encrypted");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  ASSERT_EQ(result.evidence.size(), 1u);
  EXPECT_EQ(result.evidence[0].observed,
            "/ (ext4) on /dev/mapper/vg-root: dm-1 (LVM vg-root) → dm-0 (CRYPT-LUKS2 sda3_crypt)");
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.24", "A.7.10"}));

  FixtureRoot plain("disk/plain");
  result = runCheckOn(plain, "disk.root_encrypted");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result, "vda (no dm-crypt layer)"));

  FixtureRoot container("disk/container");
  result = runCheckOn(container, "disk.root_encrypted");
  EXPECT_EQ(result.status, CheckStatus::NotApplicable) << result.message;

  FixtureRoot offline("disk/offline_encrypted");
  result = runCheckOn(offline, "disk.root_encrypted");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result, "LVM debian-vg/root → /dev/mapper/sda3_crypt (crypttab mapping)"));

  FixtureRoot offlinePlain("disk/offline_plain");
  result = runCheckOn(offlinePlain, "disk.root_encrypted");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.evidence[0].source, "/etc/fstab, /etc/crypttab");

  // A dm device whose sysfs entry cannot be read: error, never a guess.
  luks.remove("/sys/block/dm-1");
  result = runCheckOn(luks, "disk.root_encrypted");
  EXPECT_EQ(result.status, CheckStatus::Error) << result.message;

  // No mount table at all.
  FixtureRoot empty;
  EXPECT_EQ(runCheckOn(empty, "disk.root_encrypted").status, CheckStatus::Error);
}

// ---- disk.all_encrypted ------------------------------------------------------------------------------------------

TEST(DiskAllEncrypted, Evaluation) {
  FilesystemStorageFacts facts{"mountinfo", "ext4",
                               {storageOn("/", "ext4", Encryption::Encrypted, "dm-0"),
                                storageOn("/srv", "xfs", Encryption::Encrypted, "dm-1")}};
  EXPECT_EQ(evaluateAllEncrypted(facts).status, CheckStatus::Pass);
  facts.mounts.push_back(storageOn("/data", "xfs", Encryption::Unknown, "cannot read"));
  EXPECT_EQ(evaluateAllEncrypted(facts).status, CheckStatus::Error);
  facts.mounts.push_back(storageOn("/backup", "ext4", Encryption::Unencrypted, "sdc1"));
  const auto fail = evaluateAllEncrypted(facts);
  EXPECT_EQ(fail.status, CheckStatus::Fail);
  ASSERT_EQ(fail.evidence.size(), 2u);  // the unencrypted and the undetermined one
  EXPECT_EQ(fail.evidence[0].observed, "/backup (ext4) on /dev/test: sdc1");
  facts.rootFsType = "overlay";
  EXPECT_EQ(evaluateAllEncrypted(facts).status, CheckStatus::NotApplicable);
}

TEST(DiskAllEncrypted, FixtureTrees) {
  FixtureRoot luks("disk/lvm_on_luks");
  auto result = runCheckOn(luks, "disk.all_encrypted");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  // /boot is excluded; /home's bind mount is the same device, listed once.
  ASSERT_EQ(result.evidence.size(), 2u);
  EXPECT_EQ(result.evidence[1].observed,
            "/home (ext4) on /dev/mapper/vg-home [also /srv/shared files]: dm-2 (LVM vg-home) → dm-0 (CRYPT-LUKS2 "
            "sda3_crypt)");

  FixtureRoot plain("disk/plain");
  result = runCheckOn(plain, "disk.all_encrypted");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  ASSERT_EQ(result.evidence.size(), 2u);  // / and /data; tmpfs, nfs and the read-only iso9660 are not counted
  EXPECT_EQ(result.evidence[1].observed, "/data (xfs) on /dev/sdb1: sdb1 (no dm-crypt layer)");

  FixtureRoot container("disk/container");
  EXPECT_EQ(runCheckOn(container, "disk.all_encrypted").status, CheckStatus::NotApplicable);

  FixtureRoot offline("disk/offline_encrypted");
  result = runCheckOn(offline, "disk.all_encrypted");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
}

// ---- disk.swap_encrypted -----------------------------------------------------------------------------------------

TEST(DiskSwapEncrypted, Evaluation) {
  SwapFacts facts{"/proc/swaps", {}};
  EXPECT_EQ(evaluateSwapEncrypted(facts).status, CheckStatus::Pass);
  facts.swaps.push_back({{"/dev/zram0", "partition"}, true, "", {}});
  facts.swaps.push_back({{"/dev/dm-3", "partition"}, false, "", {Encryption::Encrypted, "dm-3 (CRYPT-PLAIN swap)"}});
  EXPECT_EQ(evaluateSwapEncrypted(facts).status, CheckStatus::Pass);
  facts.swaps.push_back({{"/swapfile", "file"}, false, "/", {Encryption::Unknown, "cannot read"}});
  EXPECT_EQ(evaluateSwapEncrypted(facts).status, CheckStatus::Error);
  facts.swaps.push_back({{"/dev/sda2", "partition"}, false, "", {Encryption::Unencrypted, "sda2"}});
  const auto fail = evaluateSwapEncrypted(facts);
  EXPECT_EQ(fail.status, CheckStatus::Fail);
  EXPECT_EQ(fail.evidence[0].observed, "/dev/sda2 (partition): sda2");
  EXPECT_EQ(evaluateSwapEncrypted(Result<SwapFacts>(makeError("x"))).status, CheckStatus::Error);
}

TEST(DiskSwapEncrypted, FixtureTrees) {
  FixtureRoot luks("disk/lvm_on_luks");
  auto result = runCheckOn(luks, "disk.swap_encrypted");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result, "/dev/dm-3 (partition): dm-3 (LVM vg-swap) → dm-0 (CRYPT-LUKS2"));

  FixtureRoot plain("disk/plain");
  result = runCheckOn(plain, "disk.swap_encrypted");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  ASSERT_EQ(result.evidence.size(), 1u);  // the zram device is fine
  EXPECT_EQ(result.evidence[0].observed, "/swapfile (file) on the filesystem at /: vda (no dm-crypt layer)");

  FixtureRoot container("disk/container");
  EXPECT_EQ(runCheckOn(container, "disk.swap_encrypted").status, CheckStatus::Pass);

  FixtureRoot offline("disk/offline_encrypted");
  result = runCheckOn(offline, "disk.swap_encrypted");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence[0].source, "/etc/fstab");

  FixtureRoot offlinePlain("disk/offline_plain");
  result = runCheckOn(offlinePlain, "disk.swap_encrypted");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
}

// ---- capacity.disk_space -----------------------------------------------------------------------------------------

FilesystemUsage usage(std::string mountPoint, std::uint64_t blocks, std::uint64_t freeBlocks,
                      std::uint64_t available, std::uint64_t inodes = 1000, std::uint64_t freeInodes = 900) {
  FilesystemUsage u;
  u.mountPoint = std::move(mountPoint);
  u.fsType = "ext4";
  u.blockSize = 4096;
  u.blocks = blocks;
  u.freeBlocks = freeBlocks;
  u.availableBlocks = available;
  u.inodes = inodes;
  u.freeInodes = freeInodes;
  return u;
}

TEST(CapacityDiskSpace, PercentLikeDf) {
  // 1000 blocks, 100 free of which 50 reserved for root: df shows 900 / (900 + 50) = 94.7 → 95%.
  EXPECT_EQ(usedPercent(usage("/", 1000, 100, 50)), 95);
  EXPECT_EQ(usedPercent(usage("/", 1000, 1000, 1000)), 0);
  EXPECT_EQ(inodesUsedPercent(usage("/", 1, 1, 1, 1000, 1)), 100);
  EXPECT_FALSE(inodesUsedPercent(usage("/", 1, 1, 1, 0, 0)).has_value());
}

TEST(CapacityDiskSpace, Evaluation) {
  CapacityFacts facts{"/proc/self/mountinfo", {usage("/", 1000, 500, 450), usage("/home", 1000, 200, 200)}};
  auto result = evaluateDiskSpace(facts, 90);
  EXPECT_EQ(result.status, CheckStatus::Pass);
  EXPECT_EQ(result.evidence[0].observed,
            "/ (ext4): 53% used (2.0 MiB of 3.9 MiB, 1.8 MiB available), inodes 10% used");

  facts.filesystems.push_back(usage("/var", 1000, 60, 10));
  result = evaluateDiskSpace(facts, 90);
  EXPECT_EQ(result.status, CheckStatus::Fail);
  ASSERT_EQ(result.evidence.size(), 1u);
  EXPECT_EQ(result.evidence[0].source, "statvfs(/var)");
  EXPECT_EQ(result.evidence[0].expected, "below 90% of space and inodes used");

  // Inodes exhausted while space is free.
  CapacityFacts inodes{"/proc/self/mountinfo", {usage("/", 1000, 900, 900, 1000, 10)}};
  EXPECT_EQ(evaluateDiskSpace(inodes, 90).status, CheckStatus::Fail);

  FilesystemUsage broken;
  broken.mountPoint = "/srv";
  broken.error = "statvfs /srv: Permission denied";
  CapacityFacts unreadable{"/proc/self/mountinfo", {usage("/", 1000, 900, 900), broken}};
  EXPECT_EQ(evaluateDiskSpace(unreadable, 90).status, CheckStatus::Error);
  EXPECT_EQ(evaluateDiskSpace(Result<CapacityFacts>(makeError("x")), 90).status, CheckStatus::Error);
}

TEST(CapacityDiskSpace, FixtureTreesUseTheThreshold) {
  FixtureRoot luks("disk/lvm_on_luks");
  agent::AgentConfig config;
  config.thresholds.diskMaxUsedPercent = 101;  // nothing can be above: the tree's filesystem passes
  auto result = runCheckOn(luks, "capacity.disk_space", config);
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  // /, /boot and /home (its bind mount on /srv/shared counted once).
  ASSERT_EQ(result.evidence.size(), 3u);
  EXPECT_EQ(result.evidence[2].source, "statvfs(/home)");

  config.thresholds.diskMaxUsedPercent = 0;  // everything is at or above 0%
  result = runCheckOn(luks, "capacity.disk_space", config);
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.evidence.size(), 3u);

  // The read-only iso9660 and network mounts are not measured; /data exists in the tree.
  FixtureRoot plain("disk/plain");
  config.thresholds.diskMaxUsedPercent = 101;
  result = runCheckOn(plain, "capacity.disk_space", config);
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence.size(), 2u);

  // An fstab mount point missing from the offline tree cannot be measured.
  FixtureRoot offline("disk/offline_plain");
  result = runCheckOn(offline, "capacity.disk_space", config);
  EXPECT_EQ(result.status, CheckStatus::Error) << result.message;
  EXPECT_TRUE(anyEvidenceContains(result, "statvfs /srv: No such file or directory"));
}

}  // namespace
}  // namespace annexa::agent::checks
