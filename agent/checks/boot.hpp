// Boot integrity: UEFI Secure Boot, or a GRUB superuser password on BIOS machines (GRUB parsing: agent/facts/grub.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check.hpp"
#include "agent/facts/file_probe.hpp"
#include "agent/facts/grub.hpp"

namespace annexa::agent::checks {

struct GrubConfigFacts {
  std::string configPath;  // the first of /boot/grub/grub.cfg, /boot/grub2/grub.cfg that exists; empty if none
  FileProbe config;
  FileProbe userCfg;  // /boot/grub2/user.cfg
  bool grubDPresent = false;
  GrubPasswordScan grubD;  // merged over /etc/grub.d/*
  std::vector<std::string> grubDUnreadable;
};

enum class FirmwareMode { Uefi, Bios, Unknown };

struct SecureBootFacts {
  FirmwareMode firmware = FirmwareMode::Unknown;
  bool efivarsListed = false;
  std::string efivarsError;
  bool efivarsEmpty = false;
  FileProbe secureBootVariable;  // /sys/firmware/efi/efivars/SecureBoot-8be4df61-…
  GrubConfigFacts grub;          // BIOS or unknown firmware only
};

// The data byte of a one-byte efivarfs variable (4 attribute bytes + data), or nothing when malformed.
std::optional<int> parseEfiBooleanVariable(std::string_view bytes);
Outcome evaluateSecureBoot(const SecureBootFacts& facts);

}  // namespace annexa::agent::checks
