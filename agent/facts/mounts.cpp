#include "agent/facts/mounts.hpp"

#include <algorithm>
#include <array>

#include "common/text.hpp"

namespace annexa::agent {
namespace {

constexpr int kMaxDeviceDepth = 8;     // dm stacks are a few levels deep; this only stops loops
constexpr int kMaxSymlinkHops = 8;
constexpr std::size_t kSmallFile = 64 * 1024;

constexpr std::array kPersistentFilesystems = {"ext2", "ext3",  "ext4",  "xfs",  "btrfs", "f2fs", "jfs", "reiserfs",
                                               "vfat", "msdos", "exfat", "ntfs", "ntfs3", "zfs",  "bcachefs"};
constexpr std::array kVolatileOrRemote = {"overlay", "aufs", "tmpfs", "ramfs", "rootfs", "nfs",      "nfs4",
                                          "cifs",    "smb3", "9p",    "virtiofs", "ceph", "glusterfs", "squashfs"};

// mountinfo, fstab and /proc/swaps escape blanks and backslashes as octal ("\040").
std::string unescapeOctal(std::string_view s) {
  const auto isOctal = [](char c) { return c >= '0' && c <= '7'; };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && isOctal(s[i + 1]) && isOctal(s[i + 2]) && isOctal(s[i + 3])) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::optional<DeviceNumber> parseDeviceNumber(std::string_view text) {
  const auto colon = text.find(':');
  long long major = 0;
  long long minor = 0;
  if (colon == std::string_view::npos || !text::parseInt(text.substr(0, colon), major) ||
      !text::parseInt(text.substr(colon + 1), minor) || major < 0 || minor < 0)
    return std::nullopt;
  return DeviceNumber{static_cast<unsigned>(major), static_cast<unsigned>(minor)};
}

// "/dev/mapper/../dm-0" → "/dev/dm-0".
std::string normalisePath(std::string_view path) {
  std::vector<std::string> parts;
  for (auto& part : text::split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(std::move(part));
    }
  }
  return "/" + text::join(parts, "/");
}

std::string parentDirectory(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == 0 || slash == std::string_view::npos ? "/" : std::string(path.substr(0, slash));
}

std::string trimmedFile(const SystemView& system, const std::string& path, std::string& error) {
  auto content = system.readFile(path, kSmallFile);
  if (!content) {
    error = content.error();
    return {};
  }
  return std::string(text::trim(*content));
}

// "CRYPT-LUKS2-…" → "CRYPT-LUKS2", "LVM-…" → "LVM".
std::string deviceMapperKind(std::string_view uuid) {
  if (uuid.empty()) return "dm";
  const auto parts = text::split(uuid, '-');
  if (parts[0] == "CRYPT" && parts.size() > 1) return "CRYPT-" + parts[1];
  return parts[0];
}

// Verity and integrity targets are created by cryptsetup too but do not encrypt.
bool isEncryptingTarget(std::string_view uuid) {
  return text::startsWith(uuid, "CRYPT-") && !text::startsWith(uuid, "CRYPT-VERITY") &&
         !text::startsWith(uuid, "CRYPT-INTEGRITY") && !text::startsWith(uuid, "CRYPT-SUBDEV");
}

StorageChain describeDevice(const SystemView& system, const std::string& name, int depth);

// A stacked device is encrypted when every device beneath it is.
StorageChain followSlaves(const SystemView& system, const std::string& name, const std::string& label, int depth) {
  const auto slaves = system.listDirectory("/sys/block/" + name + "/slaves");
  if (!slaves) return {Encryption::Unknown, label + ": cannot list its underlying devices (" + slaves.error() + ")"};
  if (slaves->empty()) return {Encryption::Unencrypted, label + " (no underlying device)"};
  std::vector<std::string> parts;
  bool allEncrypted = true;
  bool anyUnencrypted = false;
  for (const auto& slave : *slaves) {
    auto chain = describeDevice(system, slave, depth + 1);
    allEncrypted = allEncrypted && chain.encryption == Encryption::Encrypted;
    anyUnencrypted = anyUnencrypted || chain.encryption == Encryption::Unencrypted;
    parts.push_back(std::move(chain.description));
  }
  const std::string below = parts.size() == 1 ? parts[0] : "[" + text::join(parts, " + ") + "]";
  const auto encryption = allEncrypted     ? Encryption::Encrypted
                          : anyUnencrypted ? Encryption::Unencrypted
                                           : Encryption::Unknown;
  return {encryption, label + " → " + below};
}

StorageChain describeDevice(const SystemView& system, const std::string& name, int depth) {
  if (depth > kMaxDeviceDepth) return {Encryption::Unknown, name + ": device stack deeper than 8 levels"};
  const std::string base = "/sys/block/" + name;
  std::string error;
  const std::string uuid = trimmedFile(system, base + "/dm/uuid", error);
  if (error.empty()) {
    std::string nameError;
    const std::string dmName = trimmedFile(system, base + "/dm/name", nameError);
    const std::string label = name + " (" + deviceMapperKind(uuid) + (dmName.empty() ? "" : " " + dmName) + ")";
    if (isEncryptingTarget(uuid)) return {Encryption::Encrypted, label};
    return followSlaves(system, name, label, depth);
  }
  if (text::startsWith(name, "dm-")) return {Encryption::Unknown, name + ": " + error};
  // md RAID, bcache…: stacked like dm; disks and partitions are the leaves.
  const auto slaves = system.listDirectory(base + "/slaves");
  if (slaves && !slaves->empty()) return followSlaves(system, name, name, depth);
  return {Encryption::Unencrypted, name + " (no dm-crypt layer)"};
}

// /sys/dev/block/MAJ:MIN → "sda2" (uevent's DEVNAME, else the link's last component).
Result<std::string> kernelNameOf(const SystemView& system, const DeviceNumber& device) {
  const std::string base = "/sys/dev/block/" + device.text();
  if (auto uevent = system.readFile(base + "/uevent", kSmallFile)) {
    for (const auto line : text::lines(*uevent))
      if (text::startsWith(line, "DEVNAME=")) return std::string(text::trim(line.substr(8)));
  }
  auto link = system.readLink(base);
  if (!link) return makeError("cannot resolve block device " + device.text() + ": " + link.error());
  return std::string(baseName(*link));
}

// An old-style /dev/mapper node that is not a symlink: find the dm device by its name.
std::string deviceMapperByName(const SystemView& system, std::string_view mapperName) {
  for (const auto& path : system.glob("/sys/block/dm-*")) {
    auto name = system.readFile(path + "/dm/name", kSmallFile);
    if (name && text::trim(*name) == mapperName) return std::string(baseName(path));
  }
  return {};
}

std::vector<std::string> lvmDeviceHints(std::string_view metadata) {
  std::vector<std::string> devices;
  for (const auto raw : text::lines(metadata)) {
    const auto line = text::stripComment(raw);
    if (!text::startsWith(line, "device")) continue;
    const auto open = line.find('"');
    const auto close = line.rfind('"');
    if (open != std::string_view::npos && close > open) devices.emplace_back(line.substr(open + 1, close - open - 1));
  }
  return devices;
}

std::string_view mapperName(std::string_view path) {
  if (text::startsWith(path, "/dev/mapper/")) return path.substr(12);
  if (text::startsWith(path, "/dev/disk/by-id/dm-name-")) return path.substr(24);
  return {};
}

// An LVM volume is encrypted when all physical volumes of its group are crypttab mappings.
StorageChain describeLvmVolume(const SystemView& system, const std::string& group, const std::string& volume,
                               const CryptConfig& crypt) {
  const std::string label = "LVM " + group + "/" + volume;
  const std::string backup = "/etc/lvm/backup/" + group;
  auto metadata = system.readFile(backup, 4 * 1024 * 1024);
  if (!metadata) return {Encryption::Unknown, label + ": no LVM metadata to find its physical volumes (" +
                                                  metadata.error() + ")"};
  const auto devices = lvmDeviceHints(*metadata);
  if (devices.empty()) return {Encryption::Unknown, label + ": " + backup + " names no physical volume device"};
  std::vector<std::string> parts;
  bool allEncrypted = true;
  for (const auto& device : devices) {
    const bool encrypted = crypt.maps(mapperName(device));
    allEncrypted = allEncrypted && encrypted;
    parts.push_back(device + (encrypted ? " (crypttab mapping)" : " (not in /etc/crypttab)"));
  }
  return {allEncrypted ? Encryption::Encrypted : Encryption::Unencrypted,
          label + " → " + text::join(parts, " + ")};
}

bool hasOption(std::string_view options, std::string_view option) {
  for (const auto& o : text::split(options, ','))
    if (o == option) return true;
  return false;
}

}  // namespace

bool MountEntry::readOnly() const { return hasOption(options, "ro"); }

const MountEntry* MountTable::find(std::string_view mountPoint) const {
  const MountEntry* found = nullptr;
  for (const auto& mount : mounts)
    if (mount.mountPoint == mountPoint) found = &mount;
  return found;
}

const MountEntry* MountTable::containing(std::string_view path) const {
  const MountEntry* found = nullptr;
  for (const auto& mount : mounts) {
    const auto& mp = mount.mountPoint;
    const bool under = mp == "/" || path == mp || (text::startsWith(path, mp) && path.size() > mp.size() &&
                                                   path[mp.size()] == '/');
    if (under && (!found || mp.size() >= found->mountPoint.size())) found = &mount;
  }
  return found;
}

std::vector<MountEntry> parseMountinfo(std::string_view content) {
  std::vector<MountEntry> out;
  for (const auto line : text::lines(content)) {
    const auto fields = text::splitWords(line);
    const auto separator = std::find(fields.begin(), fields.end(), "-");
    if (fields.size() < 10 || separator == fields.end() || separator - fields.begin() < 6 ||
        fields.end() - separator < 3)
      continue;
    MountEntry entry;
    entry.device = parseDeviceNumber(fields[2]);
    entry.root = unescapeOctal(fields[3]);
    entry.mountPoint = unescapeOctal(fields[4]);
    entry.options = fields[5];
    entry.fsType = *(separator + 1);
    entry.source = unescapeOctal(*(separator + 2));
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<MountEntry> parseFstab(std::string_view content) {
  std::vector<MountEntry> out;
  for (const auto raw : text::lines(content)) {
    const auto line = text::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const auto fields = text::splitWords(line);
    if (fields.size() < 3) continue;
    MountEntry entry;
    entry.source = unescapeOctal(fields[0]);
    entry.mountPoint = unescapeOctal(fields[1]);
    entry.fsType = fields[2];
    entry.options = fields.size() > 3 ? fields[3] : "defaults";
    out.push_back(std::move(entry));
  }
  return out;
}

Result<MountTable> readMountTable(const SystemView& system) {
  MountTable table;
  // Live, the system's mounts are those of PID 1: a service sandbox (the agent's own systemd unit) gives the agent a
  // mount namespace where / and /usr are read-only bind mounts, which would hide them from the capacity check.
  if (system.isLive()) {
    if (auto systemMounts = system.readFile("/proc/1/mountinfo", kSmallFile * 16)) {
      table.source = "/proc/1/mountinfo";
      table.mounts = parseMountinfo(*systemMounts);
      return table;
    }
  }
  auto mountinfo = system.readFile("/proc/self/mountinfo", kSmallFile * 16);
  if (mountinfo) {
    table.source = "/proc/self/mountinfo";
    table.mounts = parseMountinfo(*mountinfo);
    return table;
  }
  if (system.isLive()) return makeError("cannot read the mount table: " + mountinfo.error());
  auto fstab = system.readFile("/etc/fstab", kSmallFile * 16);
  if (!fstab) return makeError("offline root has neither /proc/self/mountinfo nor a readable /etc/fstab (" +
                               fstab.error() + ")");
  table.source = "/etc/fstab";
  table.fromFstab = true;
  table.mounts = parseFstab(*fstab);
  return table;
}

bool isPersistentLocalFilesystem(std::string_view fsType) {
  return std::find(kPersistentFilesystems.begin(), kPersistentFilesystems.end(), fsType) !=
         kPersistentFilesystems.end();
}

bool isVolatileOrRemoteFilesystem(std::string_view fsType) {
  return text::startsWith(fsType, "fuse") ||
         std::find(kVolatileOrRemote.begin(), kVolatileOrRemote.end(), fsType) != kVolatileOrRemote.end();
}

std::vector<SwapEntry> parseProcSwaps(std::string_view content) {
  std::vector<SwapEntry> out;
  for (const auto line : text::lines(content)) {
    const auto fields = text::splitWords(line);
    if (fields.size() < 2 || fields[0] == "Filename") continue;
    out.push_back({unescapeOctal(fields[0]), fields[1]});
  }
  return out;
}

Result<SwapTable> readSwapTable(const SystemView& system) {
  SwapTable table;
  auto swaps = system.readFile("/proc/swaps", kSmallFile);
  if (swaps) {
    table.source = "/proc/swaps";
    table.entries = parseProcSwaps(*swaps);
    return table;
  }
  if (system.isLive()) return makeError("cannot read active swap: " + swaps.error());
  auto fstab = system.readFile("/etc/fstab", kSmallFile * 16);
  if (!fstab) return makeError("offline root has neither /proc/swaps nor a readable /etc/fstab (" + fstab.error() +
                               ")");
  table.source = "/etc/fstab";
  for (const auto& mount : parseFstab(*fstab)) {
    if (mount.fsType != "swap") continue;
    const bool isFile = text::startsWith(mount.source, "/") && !text::startsWith(mount.source, "/dev/");
    table.entries.push_back({mount.source, isFile ? "file" : "partition"});
  }
  return table;
}

StorageChain describeBlockDevice(const SystemView& system, std::string_view kernelName) {
  return describeDevice(system, std::string(kernelName), 0);
}

std::string kernelDeviceName(const SystemView& system, std::string_view devicePath) {
  if (!text::startsWith(devicePath, "/dev/")) return {};
  std::string path = normalisePath(devicePath);
  for (int hop = 0; hop < kMaxSymlinkHops; ++hop) {
    auto target = system.readLink(path);
    if (!target) break;
    path = normalisePath(text::startsWith(*target, "/") ? *target : joinPath(parentDirectory(path), *target));
  }
  if (const auto mapper = mapperName(path); !mapper.empty()) {
    const auto dm = deviceMapperByName(system, mapper);
    if (!dm.empty()) return dm;
  }
  return std::string(baseName(path));
}

bool CryptConfig::maps(std::string_view name) const {
  return !name.empty() && std::find(mappings.begin(), mappings.end(), name) != mappings.end();
}

std::vector<std::string> parseCrypttabNames(std::string_view content) {
  std::vector<std::string> names;
  for (const auto raw : text::lines(content)) {
    const auto line = text::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const auto fields = text::splitWords(line);
    if (fields.size() >= 2) names.push_back(fields[0]);
  }
  return names;
}

CryptConfig readCryptConfig(const SystemView& system) {
  CryptConfig config;
  if (!system.exists("/etc/crypttab")) return config;
  auto content = system.readFile("/etc/crypttab", kSmallFile);
  if (!content) {
    config.readable = false;
    config.error = content.error();
    return config;
  }
  config.mappings = parseCrypttabNames(*content);
  return config;
}

std::optional<std::pair<std::string, std::string>> splitLvmMapperName(std::string_view name) {
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] != '-') continue;
    if (i + 1 < name.size() && name[i + 1] == '-') {
      ++i;
      continue;
    }
    if (i == 0 || i + 1 == name.size()) return std::nullopt;
    const auto undouble = [](std::string_view s) {
      std::string out;
      for (std::size_t j = 0; j < s.size(); ++j) {
        out += s[j];
        if (s[j] == '-' && j + 1 < s.size() && s[j + 1] == '-') ++j;
      }
      return out;
    };
    return std::make_pair(undouble(name.substr(0, i)), undouble(name.substr(i + 1)));
  }
  return std::nullopt;
}

StorageChain describeConfiguredSource(const SystemView& system, std::string_view source, const CryptConfig& crypt) {
  const std::string src(source);
  if (!crypt.readable) return {Encryption::Unknown, "cannot read /etc/crypttab: " + crypt.error};
  if (const auto mapper = mapperName(source); !mapper.empty()) {
    if (crypt.maps(mapper)) return {Encryption::Encrypted, std::string(mapper) + " (crypttab mapping)"};
    if (const auto lvm = splitLvmMapperName(mapper)) return describeLvmVolume(system, lvm->first, lvm->second, crypt);
    return {Encryption::Unknown, src + ": device-mapper name neither in /etc/crypttab nor an LVM volume"};
  }
  const auto parts = text::split(source.substr(std::min<std::size_t>(1, source.size())), '/');
  if (parts.size() == 3 && parts[0] == "dev" && parts[1] != "disk")  // /dev/VG/LV
    return describeLvmVolume(system, parts[1], parts[2], crypt);
  if (crypt.mappings.empty()) return {Encryption::Unencrypted, src + " (/etc/crypttab maps no encrypted device)"};
  if (parts.size() == 2 && parts[0] == "dev") return {Encryption::Unencrypted, src + " (a raw device)"};
  return {Encryption::Unknown,
          src + " may name a filesystem inside an encrypted mapping; an offline root cannot resolve it"};
}

StorageChain describeMountStorage(const SystemView& system, const MountTable& table, const MountEntry& mount,
                                  const CryptConfig& crypt) {
  if (table.fromFstab) return describeConfiguredSource(system, mount.source, crypt);
  std::string name;
  if (mount.device && mount.device->major != 0) {
    auto resolved = kernelNameOf(system, *mount.device);
    if (!resolved) return {Encryption::Unknown, resolved.error()};
    name = std::move(*resolved);
  } else {
    // btrfs and friends report an anonymous device number: the source names the block device.
    name = kernelDeviceName(system, mount.source);
  }
  if (name.empty())
    return {Encryption::Unknown, mount.source + " (" + mount.fsType + ") is not backed by a block device"};
  return describeBlockDevice(system, name);
}

}  // namespace annexa::agent
