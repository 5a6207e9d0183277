# Sourced by the packaging tests: a clean Debian 12 root from a cached debootstrap minbase tarball.
#   make_clean_root        sets $root (removed, with its mounts, on exit); apt inside reaches Debian's mirror
#   in_root CMD…           runs CMD chrooted with a minimal environment
#   install_in_root DIR PATTERN…   apt-get install ./PATTERN… from DIR inside the root
# The tarball and downloaded .debs live under ~/.cache/annexa/ (outside the tree).
cache=${XDG_CACHE_HOME:-$HOME/.cache}/annexa
started=$SECONDS

fail() { echo "${test_name}: FAIL: $*" >&2; exit 1; }
step() { echo "${test_name}: $* ($((SECONDS - started)) s)"; }

cleanup_root() {
  [ -n "${root:-}" ] || return 0
  for mount in var/cache/apt/archives dev sys proc; do
    if mountpoint -q "$root/$mount"; then umount -l "$root/$mount"; fi
  done
  rm -rf --one-file-system "$root"
}

make_clean_root() {
  mkdir -p "$cache/apt-archives/partial"
  local tarball=$cache/debian12-minbase.tar
  if [ ! -f "$tarball" ]; then
    local fresh
    fresh=$(mktemp -d /var/tmp/annexa-debootstrap.XXXXXX)
    debootstrap --variant=minbase bookworm "$fresh" http://deb.debian.org/debian >"$fresh.log" 2>&1 ||
      { tail -20 "$fresh.log" >&2; fail "debootstrap"; }
    tar -C "$fresh" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$fresh" "$fresh.log"
    step "debootstrap minbase cached as $tarball"
  fi
  root=$(mktemp -d /var/tmp/annexa-clean-root.XXXXXX)
  trap cleanup_root EXIT
  tar -C "$root" -xf "$tarball"
  chmod 0755 "$root"  # it becomes /: every user (annexa, apt's _apt) must be able to enter it
  mount -t proc proc "$root/proc"
  mount -t sysfs sysfs "$root/sys"
  mount --bind /dev "$root/dev"
  mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # No services start in a chroot: maintainer scripts must cope (policy-rc.d, as in image builds).
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 0755 "$root/usr/sbin/policy-rc.d"
  in_root apt-get -q update >/dev/null
}

in_root() {
  chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# The patterns expand inside the root, in DIR (chroot starts in /).
install_in_root() {
  local dir=$1; shift
  in_root sh -c 'cd "$1" && shift && exec apt-get -q -y -o Dpkg::Options::=--force-confold --no-install-recommends \
    install $*' sh "$dir" "$@"
}
