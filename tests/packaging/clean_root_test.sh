#!/usr/bin/env bash
# Installs the packages of dist/ into a clean Debian 12 root, as an administrator would on a new host:
#   apt-get install ./annexa-*.deb  →  annexa-agent check, annexa-collector init as the user annexa
#   upgrade to rebuilt packages with changed conffiles: a conffile changed locally is kept, an untouched one updated
#   remove keeps state and conffiles; purge deletes them
# The services themselves run in tests/packaging/sandbox_test.sh (a container with systemd).
# Needs root (chroot, mounts) and Debian's mirror. The debootstrap minbase root is cached as a tarball under
# ~/.cache/annexa/ (outside the tree); downloaded .debs are cached beside it.
# Usage: tests/packaging/clean_root_test.sh [DIST_DIR]   (default dist/, from scripts/package)
set -euo pipefail
cd "$(dirname "$0")/../.."
dist=$(realpath "${1:-dist}")
test_name=clean-root
. tests/packaging/clean_root.sh
ls "$dist"/annexa-agent_*.deb "$dist"/annexa-collector_*.deb "$dist"/annexa-dashboard_*.deb >/dev/null ||
  fail "no packages in $dist (run scripts/package)"
make_clean_root
apt_in_root() { in_root apt-get -q -y -o Dpkg::Options::=--force-confold --no-install-recommends "$@"; }

mkdir -p "$root/tmp/packages"
cp "$dist"/annexa-agent_*.deb "$dist"/annexa-collector_*.deb "$dist"/annexa-dashboard_*.deb "$root/tmp/packages/"
step "clean Debian 12 root ready"
install_in_root /tmp/packages './annexa-agent_*.deb' './annexa-collector_*.deb' './annexa-dashboard_*.deb' \
  >"$root/tmp/install.log" 2>&1 || { tail -30 "$root/tmp/install.log"; fail "apt-get install ./dist/*.deb"; }
step "installed: $(in_root dpkg-query -W -f='${Package} ${Version}, ' 'annexa-*')"

# Layout, user, conffiles.
for path in /usr/bin/annexa-agent /usr/bin/annexa-collector /usr/bin/annexa-dashboard /etc/annexa/agent.json \
  /etc/annexa/collector.env /usr/lib/systemd/system/annexa-agent.service /usr/lib/systemd/system/annexa-collector.service \
  /usr/share/man/man8/annexa-agent.8.gz /usr/share/man/man8/annexa-collector.8.gz \
  /usr/share/man/man1/annexa-dashboard.1.gz /usr/share/doc/annexa-agent/deploy.md /usr/share/doc/annexa-agent/copyright; do
  [ -e "$root$path" ] || fail "$path not installed"
done
in_root getent passwd annexa | grep -q ':/var/lib/annexa:/usr/sbin/nologin$' || fail "no system user annexa"
[ "$(in_root stat -c '%U %a' /var/lib/annexa)" = "annexa 700" ] || fail "/var/lib/annexa is not annexa's, 0700"
[ "$(in_root stat -c '%U %a' /var/lib/annexa-agent)" = "root 700" ] || fail "/var/lib/annexa-agent is not 0700"
in_root dpkg-query -W -f='${Conffiles}\n' annexa-agent | grep -q '/etc/annexa/agent.json' || fail "agent.json is no conffile"
in_root dpkg-query -W -f='${Conffiles}\n' annexa-collector | grep -q '/etc/annexa/collector.env' ||
  fail "collector.env is no conffile"

# The programs run in the clean root: every shared library they need came with their dependencies.
in_root annexa-agent check >"$root/tmp/check.txt" || fail "annexa-agent check exited $?"
in_root annexa-agent check --format json | python3 -c 'import json,sys; r=json.load(sys.stdin); assert len(r["results"]) > 20, r' ||
  fail "annexa-agent check --format json"
in_root runuser -u annexa -- annexa-collector init --data /var/lib/annexa >"$root/tmp/init.txt" ||
  fail "annexa-collector init as annexa"
grep -q '^CA fingerprint (agents pin this): SHA256:' "$root/tmp/init.txt" || fail "init printed no CA fingerprint"
[ "$(in_root stat -c %U /var/lib/annexa/annexa.db)" = annexa ] || fail "the database is not annexa's"
in_root annexa-dashboard --help | grep -q -- '--screenshot' || fail "annexa-dashboard --help"
step "agent check ($(grep -c . "$root/tmp/check.txt") lines), collector init, dashboard --help ran in the root"

# Upgrade to rebuilt packages (version -2) whose conffiles changed: the administrator's edit of agent.json stays
# (the new one lands beside it as .dpkg-dist), the untouched collector.env is replaced.
rebuild() {  # PACKAGE CONFFILE NEW-LINE-SED
  local deb=("$dist"/"$1"_*.deb) work="$root/tmp/rebuild/$1"
  rm -rf "$work" && mkdir -p "$work"
  dpkg-deb -R "${deb[0]}" "$work/tree"
  sed -i -E 's/^(Version: .*)-1$/\1-2/' "$work/tree/DEBIAN/control"
  sed -i -e "$3" "$work/tree$2"
  (cd "$work/tree" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
    >"$work/tree/DEBIAN/md5sums"
  dpkg-deb --root-owner-group -b "$work/tree" "$root/tmp/rebuild/" >/dev/null
}
sed -i 's/"ssh.max_auth_tries": 4/"ssh.max_auth_tries": 3/' "$root/etc/annexa/agent.json"
local_agent_json=$(cat "$root/etc/annexa/agent.json")
rebuild annexa-agent /etc/annexa/agent.json 's/"updates.max_age_days": 7/"updates.max_age_days": 5/'
rebuild annexa-collector /etc/annexa/collector.env 's/^ANNEXA_COLLECTOR_OPTIONS=$/ANNEXA_COLLECTOR_OPTIONS=--listen 127.0.0.1:8443/'
install_in_root /tmp/rebuild './annexa-agent_*.deb' './annexa-collector_*.deb' >"$root/tmp/upgrade.log" 2>&1 ||
  { tail -30 "$root/tmp/upgrade.log"; fail "upgrade"; }
in_root dpkg-query -W -f='${Version}' annexa-agent | grep -q -- '-2$' || fail "annexa-agent was not upgraded"
[ "$(cat "$root/etc/annexa/agent.json")" = "$local_agent_json" ] || fail "the upgrade overwrote a changed agent.json"
grep -q '"updates.max_age_days": 5' "$root/etc/annexa/agent.json.dpkg-dist" || fail "no agent.json.dpkg-dist"
grep -q '^ANNEXA_COLLECTOR_OPTIONS=--listen 127.0.0.1:8443$' "$root/etc/annexa/collector.env" ||
  fail "the untouched collector.env was not updated"
in_root annexa-agent check --config /etc/annexa/agent.json >/dev/null || fail "annexa-agent check after the upgrade"
step "upgraded to -2: changed agent.json kept (new one as .dpkg-dist), untouched collector.env updated"

# Remove keeps state and conffiles; purge deletes them.
apt_in_root remove annexa-agent annexa-collector annexa-dashboard >/dev/null 2>"$root/tmp/remove.log" ||
  { cat "$root/tmp/remove.log"; fail "apt-get remove"; }
[ ! -e "$root/usr/bin/annexa-agent" ] || fail "remove left the binaries"
[ -f "$root/var/lib/annexa/annexa.db" ] || fail "remove deleted the collector's database"
[ -f "$root/etc/annexa/agent.json" ] || fail "remove deleted a conffile"
# The dashboard has no conffiles or state: removed is gone. The others keep theirs until purged.
in_root dpkg-query -W -f='${db:Status-Abbrev}' annexa-agent | grep -q '^rc' || fail "annexa-agent is not in state rc"
apt_in_root purge annexa-agent annexa-collector >/dev/null 2>"$root/tmp/purge.log" || { cat "$root/tmp/purge.log"; fail "apt-get purge"; }
for path in /var/lib/annexa /var/lib/annexa-agent /etc/annexa; do
  [ ! -e "$root$path" ] || fail "purge left $path"
done
step "removed (state kept), purged (state gone)"
echo "clean-root: PASS in $((SECONDS - started)) s"
