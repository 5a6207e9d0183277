#include "agent/unattended_enrollment.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/json.hpp"

namespace annexa::agent {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxEnrollFileBytes = 64 * 1024;
constexpr const char* kEnvServer = "ANNEXA_ENROLL_SERVER";
constexpr const char* kEnvToken = "ANNEXA_ENROLL_TOKEN";
constexpr const char* kEnvFingerprint = "ANNEXA_ENROLL_CA_FINGERPRINT";

// nullopt when the file does not exist. The file holds a credential and the agent runs as root: a link is refused
// rather than followed, and only a regular file is read.
Result<std::optional<std::string>> readEnrollFile(const fs::path& path, std::ostream& warnings) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    if (errno == ELOOP) return makeError(path.string() + " is a symbolic link; write the file itself");
    return makeError(path.string() + ": " + std::strerror(errno));
  }
  struct stat st {};
  std::string content;
  std::string problem;
  if (::fstat(fd, &st) != 0) problem = std::strerror(errno);
  else if (!S_ISREG(st.st_mode)) problem = "not a regular file";
  else if (static_cast<std::size_t>(st.st_size) > kMaxEnrollFileBytes) problem = "larger than 64 KB";
  if (problem.empty()) {
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0 && content.size() <= kMaxEnrollFileBytes)
      content.append(buffer, static_cast<std::size_t>(n));
    if (n < 0) problem = std::strerror(errno);
  }
  ::close(fd);
  if (!problem.empty()) return makeError(path.string() + ": " + problem);
  if (st.st_mode & (S_IRGRP | S_IROTH))
    warnings << "annexa-agent: warning: " << path.string()
             << " is readable by other users; it holds an enrollment token (chmod 0600)" << std::endl;
  return std::optional<std::string>(std::move(content));
}

// Waits until `delay` has passed; true when SIGTERM or SIGINT (blocked by the caller) arrived first.
bool stoppedWhileWaiting(std::chrono::seconds delay) {
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  const auto deadline = std::chrono::steady_clock::now() + delay;
  for (auto left = delay; left.count() > 0;
       left = std::chrono::ceil<std::chrono::seconds>(deadline - std::chrono::steady_clock::now())) {
    const timespec timeout{static_cast<time_t>(left.count()), 0};
    const int signal = ::sigtimedwait(&stopSignals, nullptr, &timeout);
    if (signal == SIGTERM || signal == SIGINT) return true;
  }
  return false;
}

}  // namespace

Result<EnrollmentSource> parseEnrollmentFile(std::string_view json, const std::string& where) {
  auto parsed = parseJson(json);
  if (!parsed || !parsed->is_object()) return makeError(where + ": not a JSON object");
  EnrollmentSource source;
  const std::pair<const char*, std::string*> fields[] = {
      {"server", &source.server}, {"token", &source.token}, {"ca_fingerprint", &source.caFingerprint}};
  for (const auto& [key, value] : parsed->items()) {
    bool known = false;
    for (const auto& [name, target] : fields) {
      if (key != name) continue;
      if (!value.is_string() || value.get<std::string>().empty())
        return makeError(where + ": \"" + key + "\" must be a non-empty string");
      *target = value.get<std::string>();
      known = true;
    }
    if (!known) return makeError(where + ": unknown key \"" + key + "\" (server, token, ca_fingerprint)");
  }
  for (const auto& [name, target] : fields)
    if (target->empty()) return makeError(where + ": \"" + name + "\" is missing");
  return source;
}

Result<std::optional<EnrollmentSource>> findEnrollmentSource(const fs::path& file, const GetEnv& getenv,
                                                             std::ostream& warnings) {
  const char* server = getenv(kEnvServer);
  const char* token = getenv(kEnvToken);
  const char* fingerprint = getenv(kEnvFingerprint);
  const int set = (server && *server) + (token && *token) + (fingerprint && *fingerprint);
  if (set == 3) return std::optional<EnrollmentSource>(EnrollmentSource{server, token, fingerprint, std::nullopt});
  if (set != 0)
    return makeError(std::string("set all of ") + kEnvServer + ", " + kEnvToken + " and " + kEnvFingerprint +
                     ", or none");
  auto content = readEnrollFile(file, warnings);
  if (!content) return makeError(content.error());
  if (!*content) return std::optional<EnrollmentSource>();
  auto source = parseEnrollmentFile(**content, file.string());
  if (!source) return makeError(source.error());
  source->file = file;
  return std::optional<EnrollmentSource>(std::move(*source));
}

UnattendedOutcome enrollUnattended(const UnattendedOptions& options, std::ostream& out, std::ostream& err) {
  const GetEnv getenv = options.getenv ? options.getenv : GetEnv([](const char* name) { return std::getenv(name); });

  // Stop signals wait to be collected between attempts, as in the run loop; the caller's mask comes back.
  sigset_t stopSignals, previousMask;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, &previousMask);
  struct RestoreMask {
    const sigset_t& mask;
    ~RestoreMask() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
  } restoreMask{previousMask};

  std::mt19937_64 rng(std::random_device{}());
  for (int failures = 1;; ++failures) {
    // Also between attempts: an operator may have run `annexa-agent enroll` meanwhile.
    std::error_code ec;
    if (fs::exists(options.state.enrollment(), ec)) return UnattendedOutcome::AlreadyEnrolled;
    std::string reason;
    auto source = findEnrollmentSource(options.enrollFile, getenv, err);
    if (source && !*source) return failures == 1 ? UnattendedOutcome::NotConfigured : UnattendedOutcome::Failed;
    if (!source) {
      reason = source.error();
    } else {
      const EnrollmentSource& from = **source;
      auto identity = enrollAgent({from.server, from.token, from.caFingerprint, options.state,
                                   options.intervalSeconds, false});
      if (identity) {
        out << formatRfc3339(std::chrono::system_clock::now()) << " enrolled as agent " << identity->agentId
            << " with " << identity->server << " (unattended, from " << from.origin() << ")" << std::endl;
        if (from.file && ::unlink(from.file->c_str()) != 0 && errno != ENOENT)
          err << "annexa-agent: warning: enrolled, but could not delete " << from.file->string() << " ("
              << std::strerror(errno) << "); delete it: the token in it is still a credential" << std::endl;
        return UnattendedOutcome::Enrolled;
      }
      reason = identity.error() + " (from " + from.origin() + ")";
    }
    if (options.once) {
      err << "annexa-agent: unattended enrollment failed: " << reason << std::endl;
      return UnattendedOutcome::Failed;
    }
    const auto delay = backoffDelay(failures, options.backoffBase, options.backoffCap, rng);
    err << "annexa-agent: unattended enrollment failed (attempt " << failures << "): " << reason << "; retry in "
        << delay.count() << " s" << std::endl;
    if (stoppedWhileWaiting(delay)) {
      out << "annexa-agent: stopping before enrollment" << std::endl;
      return UnattendedOutcome::Stopped;
    }
  }
}

}  // namespace annexa::agent
