// Software and patch management checks: insecure packages, package source integrity, automatic updates,
// update recency and pending reboots. Debian/Ubuntu (apt, dpkg) first; RHEL family (dnf/yum, rpm) where it differs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check.hpp"
#include "agent/facts/host_facts.hpp"

namespace annexa::agent::checks {

// ---- apt and dnf configuration syntax ------------------------------------------------------------------------------

struct AptConfigValue {
  std::string value;
  std::string file;  // where it was set (last setting wins)
};
// apt.conf syntax, flat "A::B::C \"v\";" and nested "A { B { C \"v\"; }; };"; keys lower-cased ("a::b::c").
using AptConfig = std::map<std::string, AptConfigValue, std::less<>>;
void parseAptConf(std::string_view content, std::string_view file, AptConfig& into);
// apt's boolean reading: yes/true/with/on/enable/1.
bool aptTrue(std::string_view value);
// apt reads only apt.conf.d / sources.list.d files with names of [A-Za-z0-9_.-] that are not backups.
bool aptReadsFile(std::string_view name);

// INI files (dnf.conf, *.repo, automatic.conf): section → key → value; keys lower-cased, later wins.
using DnfIniFile = std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>>;
DnfIniFile parseDnfIni(std::string_view content);
// dnf/yum booleans: 1/yes/true/on → true, 0/no/false/off → false, anything else nullopt.
std::optional<bool> dnfBool(std::string_view value);

// ---- packages.insecure_installed -----------------------------------------------------------------------------------

const std::vector<std::string_view>& insecurePackageNames();
Outcome evaluateInsecurePackages(const Result<PackageDatabase>& packages);

// ---- packages.repo_integrity ---------------------------------------------------------------------------------------

struct RepoIntegrityFacts {
  std::vector<std::string> filesRead;
  std::vector<Evidence> insecure;       // each setting that disables signature checking
  std::vector<std::string> unreadable;  // "PATH: reason"
};

// One-line sources.list entries with [trusted=yes], [allow-insecure=yes], [allow-downgrade-to-insecure=yes].
std::vector<Evidence> insecureOneLineSources(std::string_view content, std::string_view file);
// deb822 *.sources stanzas (enabled ones) with Trusted/Allow-Insecure/Allow-Downgrade-To-Insecure: yes.
std::vector<Evidence> insecureDeb822Sources(std::string_view content, std::string_view file);
// apt settings that accept unsigned or insecure repositories (the effective, last value of each key).
std::vector<Evidence> insecureAptSettings(const AptConfig& config);
// Enabled dnf/yum repositories whose packages are not signature-checked: repo gpgcheck, else the main config's,
// else dnf's documented default (off).
std::vector<Evidence> uncheckedDnfRepos(const DnfIniFile& repos, std::string_view file,
                                        std::optional<bool> mainGpgcheck);
Outcome evaluateRepoIntegrity(const RepoIntegrityFacts& facts);

// ---- updates.automatic ---------------------------------------------------------------------------------------------

enum class PackageFamily { Apt, Dnf, Unknown };

struct AutomaticUpdateFacts {
  PackageFamily family = PackageFamily::Unknown;
  std::string problem;  // a fact that could not be read
  // apt
  std::string packageSource;
  bool unattendedUpgradesInstalled = false;
  std::optional<AptConfigValue> periodicEnable, updatePackageLists, unattendedUpgrade;  // APT::Periodic::*
  std::vector<std::string> maskedTimers;
  // dnf
  bool dnfAutomaticInstalled = false;
  bool installTimerEnabled = false;  // dnf-automatic-install.timer: always applies updates
  bool automaticTimerEnabled = false;
  std::optional<std::string> applyUpdates;  // /etc/dnf/automatic.conf [commands] apply_updates
};

Outcome evaluateAutomaticUpdates(const AutomaticUpdateFacts& facts);

// ---- updates.recent ------------------------------------------------------------------------------------------------

struct UpdateStamp {
  std::int64_t time = 0;
  std::string source;
  std::string observed;
};

// Installed versions (dpkg status) against the candidates of the local apt lists (/var/lib/apt/lists/*_Packages).
struct PendingUpgrades {
  std::size_t indexes = 0;   // Packages files read
  std::size_t pending = 0;   // installed packages a list offers a newer version of
  std::size_t security = 0;  // … of which a security list (file name containing "security") offers a newer one
  std::vector<std::string> examples;  // "openssl 3.0.11-1~deb12u2 → 3.0.15-1~deb12u1 (security)"
  // The security index offering a pending upgrade that changed longest ago: its mtime (apt keeps the server's
  // Last-Modified) bounds from below how long those upgrades have been available.
  std::optional<std::int64_t> securityIndexTime;
  std::string securityIndex;
  std::string error;  // an index or the package database could not be read
};

// One stanza of a Packages index: name and version.
std::vector<std::pair<std::string, std::string>> parsePackagesIndex(std::string_view content);
// dpkg's version comparison (lib/dpkg/version.c: epoch, then verrevcmp of upstream version and revision).
int compareDebianVersions(std::string_view a, std::string_view b);
// Adds what one index offers to the tally (`installed`: package → version).
void tallyIndex(const std::map<std::string, std::string, std::less<>>& installed, std::string_view index,
                std::string_view file, std::int64_t mtime, std::map<std::string, std::pair<std::string, bool>>& best,
                std::map<std::string, std::int64_t>& securitySince);

struct UpdateHistoryFacts {
  PackageFamily family = PackageFamily::Unknown;
  std::optional<PendingUpgrades> pending;      // apt only: what the lists offer
  std::optional<UpdateStamp> listsRefreshed;   // newest evidence of refreshed package metadata
  std::optional<UpdateStamp> upgradesApplied;  // newest evidence of applied upgrades
  std::vector<std::string> problems;           // unreadable sources
};

// The last "End-Date:" of an apt history.log entry with an "Upgrade:" line (seconds, log time taken as UTC).
std::optional<UpdateStamp> lastAptHistoryUpgrade(std::string_view historyLog);
// The last "upgrade" line of dpkg.log.
std::optional<UpdateStamp> lastDpkgLogUpgrade(std::string_view dpkgLog);
// "2024-05-02 06:14:22" → seconds since the epoch (as UTC).
std::optional<std::int64_t> parseAptLogTime(std::string_view text);
Outcome evaluateUpdatesRecent(const UpdateHistoryFacts& facts, std::int64_t now, long long maxAgeDays);

// ---- updates.reboot_required ---------------------------------------------------------------------------------------

// dpkg's ordering (verrevcmp) applied to whole strings: <0, 0, >0. Used for kernel release strings.
int compareDpkgVersions(std::string_view a, std::string_view b);
// "6.1.0-18-cloud-amd64" → "cloud-amd64"; "5.14.0-362.el9.x86_64+debug" → "+debug": only kernels of the same
// flavour replace one another.
std::string kernelFlavour(std::string_view release);

struct RebootFacts {
  std::optional<std::string> rebootFlag;  // path of the reboot-required flag when present
  std::string flagPackages;               // reboot-required.pkgs content
  std::optional<std::string> runningKernel;
  std::string runningSource;
  std::vector<std::string> installedKernels;
  std::string installedSource;
  std::string problem;  // a fact that could not be read (the flag's state, the root itself)
};

Outcome evaluateRebootRequired(const RebootFacts& facts);

}  // namespace annexa::agent::checks
