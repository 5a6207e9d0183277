// Storage checks: encryption at rest of the root, every persistent filesystem and swap; free space.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/check.hpp"
#include "agent/facts/mounts.hpp"

namespace annexa::agent::checks {

// A mounted filesystem and what it is stored on.
struct MountStorage {
  MountEntry mount;
  std::vector<std::string> otherMountPoints;  // the same device mounted elsewhere too (bind mounts)
  StorageChain storage;
};

// disk.root_encrypted
struct RootStorageFacts {
  std::string source;  // "/proc/self/mountinfo, /sys/block" or "/etc/fstab, /etc/crypttab"
  std::optional<MountStorage> root;  // empty when nothing is mounted on /
};
Outcome evaluateRootEncrypted(const Result<RootStorageFacts>& facts);

// disk.all_encrypted
struct FilesystemStorageFacts {
  std::string source;
  std::string rootFsType;              // a container's overlay root has no disk of this host beneath
  std::vector<MountStorage> mounts;    // persistent local filesystems except /boot, /boot/efi, /efi; one per device
};
Outcome evaluateAllEncrypted(const Result<FilesystemStorageFacts>& facts);

// disk.swap_encrypted
struct SwapStorage {
  SwapEntry swap;
  bool zram = false;       // compressed RAM: nothing reaches a disk
  std::string hostMount;   // swap files: the filesystem holding the file
  StorageChain storage;
};
struct SwapFacts {
  std::string source;  // "/proc/swaps" or "/etc/fstab"
  std::vector<SwapStorage> swaps;
};
Outcome evaluateSwapEncrypted(const Result<SwapFacts>& facts);

// capacity.disk_space
struct FilesystemUsage {
  std::string mountPoint;
  std::string fsType;
  std::string error;  // statvfs failed: why
  std::uint64_t blockSize = 0;
  std::uint64_t blocks = 0;
  std::uint64_t freeBlocks = 0;       // including those reserved for root
  std::uint64_t availableBlocks = 0;  // for unprivileged users
  std::uint64_t inodes = 0;           // 0 when the filesystem has no inode limit (btrfs)
  std::uint64_t freeInodes = 0;
};
struct CapacityFacts {
  std::string source;
  std::vector<FilesystemUsage> filesystems;
};
// Percent used the way df(1) shows it: used / (used + available), rounded up.
int usedPercent(const FilesystemUsage& usage);
// Percent of inodes in use, rounded up; nullopt when the filesystem has no fixed inode table.
std::optional<int> inodesUsedPercent(const FilesystemUsage& usage);
Outcome evaluateDiskSpace(const Result<CapacityFacts>& facts, long long maxUsedPercent);

}  // namespace annexa::agent::checks
