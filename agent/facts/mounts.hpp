// Mounted filesystems, active swap and the block-device storage beneath them (is it on dm-crypt?).
// Live: /proc/1/mountinfo (the system's mount namespace; /proc/self/mountinfo when PID 1's is hidden), /proc/swaps and the device-mapper chain in /sys. An offline root without those
// files falls back to /etc/fstab, /etc/crypttab and LVM metadata backups. Facts only: no verdicts here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/system_view.hpp"
#include "common/result.hpp"

namespace annexa::agent {

struct DeviceNumber {
  unsigned major = 0;
  unsigned minor = 0;
  std::string text() const { return std::to_string(major) + ":" + std::to_string(minor); }
  bool operator==(const DeviceNumber&) const = default;
};

struct MountEntry {
  std::string source;      // "/dev/sda2", "UUID=…", "overlay", "rpool/ROOT/debian"
  std::string mountPoint;  // unescaped ("\040" → ' ')
  std::string fsType;
  std::string options;     // per-mount options ("rw,relatime")
  std::string root = "/";  // part of the filesystem mounted here (not "/" for bind mounts; mountinfo only)
  std::optional<DeviceNumber> device;  // mountinfo only (btrfs and non-block filesystems report major 0)

  bool readOnly() const;
};

struct MountTable {
  std::string source;  // "/proc/1/mountinfo", "/proc/self/mountinfo" or "/etc/fstab"
  bool fromFstab = false;
  std::vector<MountEntry> mounts;

  // The mount that is visible at exactly this mount point (the last one mounted there).
  const MountEntry* find(std::string_view mountPoint) const;
  // The mount a path lives on (longest mount-point prefix).
  const MountEntry* containing(std::string_view path) const;
};

std::vector<MountEntry> parseMountinfo(std::string_view content);
std::vector<MountEntry> parseFstab(std::string_view content);
// The running mounts; an offline root without /proc/self/mountinfo uses its /etc/fstab.
Result<MountTable> readMountTable(const SystemView& system);

// ext2/3/4, xfs, btrfs, f2fs, jfs, reiserfs, vfat, ntfs, exfat, zfs, bcachefs: filesystems that keep data at rest.
bool isPersistentLocalFilesystem(std::string_view fsType);
// overlay, tmpfs, nfs, 9p, fuse…: no local block device of this host beneath (container or network roots).
bool isVolatileOrRemoteFilesystem(std::string_view fsType);

struct SwapEntry {
  std::string path;
  std::string type;  // "partition" or "file"
};

struct SwapTable {
  std::string source;  // "/proc/swaps" or "/etc/fstab"
  std::vector<SwapEntry> entries;
};

std::vector<SwapEntry> parseProcSwaps(std::string_view content);
// Active swap; an offline root without /proc/swaps uses the swap lines of its /etc/fstab.
Result<SwapTable> readSwapTable(const SystemView& system);

enum class Encryption { Encrypted, Unencrypted, Unknown };

// What a mount or swap device is stored on, e.g. "dm-1 (LVM vg-root) → dm-0 (CRYPT-LUKS2 sda3_crypt) → sda3".
struct StorageChain {
  Encryption encryption = Encryption::Unknown;
  std::string description;  // the chain, or why it could not be determined
};

// Live-style resolution through /sys: a kernel block device name ("dm-1", "sda2") down to its leaves.
StorageChain describeBlockDevice(const SystemView& system, std::string_view kernelName);
// Block device path (/dev/…) → kernel name ("/dev/mapper/root" → "dm-0"); empty when it is no device.
std::string kernelDeviceName(const SystemView& system, std::string_view devicePath);

// Offline resolution of an fstab source through /etc/crypttab and /etc/lvm/backup.
struct CryptConfig {
  bool readable = true;
  std::string error;
  std::vector<std::string> mappings;  // target names of /etc/crypttab
  bool maps(std::string_view name) const;
};
CryptConfig readCryptConfig(const SystemView& system);
std::vector<std::string> parseCrypttabNames(std::string_view content);
// "debian--vg-root" → {"debian-vg", "root"} (LVM doubles dashes inside names).
std::optional<std::pair<std::string, std::string>> splitLvmMapperName(std::string_view name);
StorageChain describeConfiguredSource(const SystemView& system, std::string_view source, const CryptConfig& crypt);

// The storage of a mount, using /sys when the table came from mountinfo and the configuration otherwise.
StorageChain describeMountStorage(const SystemView& system, const MountTable& table, const MountEntry& mount,
                                  const CryptConfig& crypt);

}  // namespace annexa::agent
