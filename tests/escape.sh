#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run as root inside the guest by tests/isolation.t: try every way we know
# to change the host canary tree C, print one line per attempt:
# "blocked NAME" when it failed, "ESCAPED NAME" when it succeeded.
# usage: escape.sh all|content C W
#   all      every attack; content: only those that change file contents
#            or names (Landlock does not cover chmod, chown, utimes)
#   C        the canary directory on the host (and in the guest root)
#   W        a host directory bound writable at the same path, so that
#            the guest's / stays the plain hostfs root
mode=$1 C=$2 W=$3

try() {
	name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "ESCAPED $name"
	else
		echo "blocked $name"
	fi
}

# attacks TAG DIR: every mutation of the canary seen at DIR
attacks() {
	t=$1 P=$2
	try "$t create" sh -c "echo x >'$P/new'"
	try "$t overwrite" sh -c "echo x >'$P/f'"
	try "$t append" sh -c "echo x >>'$P/f'"
	try "$t truncate" truncate -s 0 "$P/f"
	try "$t unlink" rm "$P/f"
	try "$t rename" mv "$P/f" "$P/f2"
	try "$t rename-dir" mv "$P/sub" "$P/sub2"
	try "$t rmdir" rmdir "$P/empty"
	try "$t mkdir" mkdir "$P/d"
	try "$t symlink" ln -s /etc/passwd "$P/sl"
	try "$t hardlink" ln "$P/f" "$P/hl"
	try "$t mknod-fifo" mknod "$P/fifo" p
	try "$t write-in-subdir" sh -c "echo x >>'$P/sub/g'"
	[ "$mode" = all ] || return 0
	try "$t mknod-chr" mknod "$P/chr" c 1 3
	try "$t chmod" chmod 777 "$P/f"
	try "$t chown" chown 1:1 "$P/f"
	try "$t utimes" touch -d 2001-01-01 "$P/f"
	if [ -x /usr/bin/python3 ]; then
		try "$t setxattr" /usr/bin/python3 -c \
			"import os; os.setxattr('$P/f', 'user.x', b'1')"
	fi
}

# 1. the read-only root, remounted read-write
mount -o remount,rw / 2>/dev/null || echo "note: remount rw refused"
attacks root "$C"

# 2. another hostfs of the host's /, read-write
mkdir -p /tmp/m1 /tmp/m2 /tmp/m3 /tmp/m4 /tmp/m5 /tmp/m6
mount -t hostfs none /tmp/m1 -o / || echo "note: hostfs of / refused"
attacks hostfs-root "/tmp/m1$C"
# ... and of the canary itself, with odd spellings of its path
mount -t hostfs none /tmp/m2 -o "$C" && attacks hostfs-canary /tmp/m2
mount -t hostfs none /tmp/m3 -o "//.$C/./" && attacks hostfs-dotted /tmp/m3
mkdir -p /tmp/m7 && mount -t hostfs none /tmp/m7 -o "/proc/self/root$C" &&
	attacks hostfs-magiclink /tmp/m7

[ -n "$W" ] || exit 0
# 3. escapes from the writable bind
# ".." in a hostfs mount's host path
mount -t hostfs none /tmp/m4 -o "$W/.." &&
	attacks bind-dotdot "/tmp/m4/$(basename "$C")"
# absolute and relative symlinks in the bind that point at the canary,
# followed on the host as part of a hostfs mount's host path
mount -t hostfs none /tmp/m5 -o "$W/abs/." && attacks bind-abs-symlink /tmp/m5
mount -t hostfs none /tmp/m6 -o "$W/rel/." && attacks bind-rel-symlink /tmp/m6
mkdir -p /tmp/m8 && mount -t hostfs none /tmp/m8 -o "$W/../w/../$(basename "$C")" &&
	attacks bind-dotdot-zigzag /tmp/m8
try "guest-follows-abs-symlink" sh -c "echo x >>'$W/abs/f'"
try "guest-follows-rel-symlink" sh -c "echo x >>'$W/rel/f'"
try "guest-dotdot" sh -c "echo x >>'$W/../$(basename "$C")/f'"
# a symlink swapped in after the guest looked the file up: $W/victim is
# held open read-only (its dentry stays a regular file), replaced through
# a second mount by a symlink to the canary, then reopened for writing
mkdir -p /tmp/w2 && mount -t hostfs none /tmp/w2 -o "$W"
for kind in abs rel; do
	echo data >"$W/victim"
	target=$C/f
	[ $kind = rel ] && target=../$(basename "$C")/f
	try "swapped-$kind-symlink" sh -c "exec 3<'$W/victim' &&
		rm /tmp/w2/victim && ln -s '$target' /tmp/w2/victim &&
		echo x >>/proc/self/fd/3"
	rm -f /tmp/w2/victim
done
# rename and link between the bind and the canary on one hostfs superblock
mkdir -p /tmp/p && mount -t hostfs none /tmp/p -o "$(dirname "$W")"
wb=/tmp/p/$(basename "$W") cb=/tmp/p/$(basename "$C")
echo moved >"$wb/out"
try "rename-out-of-bind" mv "$wb/out" "$cb/out"
try "rename-into-bind" mv "$cb/f" "$wb/stolen"
[ -x /usr/bin/python3 ] && try "rename-exchange" /usr/bin/python3 -c "import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
r = libc.renameat2(-100, b'$wb/out', -100, b'$cb/f', 2)
raise SystemExit(0 if r == 0 else 1)"
try "hardlink-into-bind" ln "$cb/f" "$wb/hl"
try "hardlink-out-of-bind" ln "$wb/out" "$cb/hl"
try "rename-bind-dir-away" mv "$wb" "$cb/w"
rm -f "$wb/out"
exit 0
