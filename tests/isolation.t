#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Isolation and the filesystem model, through the real kernel: a guest root
# cannot change the host outside the writable binds, whichever way it
# tries (tests/escape.sh), as host root and as the unprivileged "nobody";
# each of the two layers (the kernel's hostfs write policy, Landlock on the
# kernel process) holds on its own; --bind, --tmpfs, --overlay, -u, -C and
# --allow-modules do what they say.
. "$(dirname "$0")/lib.sh"
need_kernel

as_setup
cp "$ROOT/tests/escape.sh" "$BASE/"
chmod 755 "$BASE/escape.sh"
C=$BASE/canary
W=$BASE/w

# make_canary OWNER: the host tree no guest may change, and a writable dir
# with symlinks pointing into it
make_canary() {
	rm -rf "$C" "$W"
	mkdir -p "$C/sub" "$C/empty" "$W"
	echo canary >"$C/f"
	echo g >"$C/sub/g"
	ln -s f "$C/lnk"
	ln -s "$C" "$W/abs"
	ln -s ../canary "$W/rel"
	chown -R "$1" "$C" "$W"
	chown -h "$1" "$C/lnk" "$W/abs" "$W/rel"
}

canary_sum() {
	(cd "$C" && find . -printf '%p %y %m %U %G %s %T@ %l\n' | LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort) | sha256sum
}

# escape USER MODE DESC [ENV...]: run escape.sh as guest root, all blocked?
# (with the options in ESC_ARGS)
ESC_ARGS=()
escape() {
	local user=$1 mode=$2 desc=$3 before
	shift 3
	make_canary "$user"
	before=$(canary_sum)
	AS_ENV=("$@")
	as "$user" "${ESC_ARGS[@]}" --bind "$W:rw" -- sh "$BASE/escape.sh" "$mode" "$C" "$W"
	AS_ENV=()
	is "$rc" 0 "$desc: the attack script ran"
	is "$(grep -c '^ESCAPED' "$T/out")" 0 "$desc: no attempt succeeded"
	grep '^ESCAPED' "$T/out" | diag
	like "$(grep -c '^blocked' "$T/out")" '^([6-9][0-9]|[1-9][0-9][0-9])$' \
		"$desc: every attempt was made and failed"
	like "$(cat "$T/out")" 'blocked root create' "$desc: writes through remounted / fail"
	like "$(cat "$T/out")" 'blocked hostfs-root overwrite' "$desc: writes through a new hostfs of / fail"
	like "$(cat "$T/out")" 'blocked swapped-abs-symlink' "$desc: a symlink swapped in later does not lead out"
	like "$(cat "$T/out")" 'blocked rename-out-of-bind' "$desc: renames out of the bind fail"
	is "$(canary_sum)" "$before" "$desc: the host canary tree is unchanged"
}

# --- the escape attempts, both layers, as root and as nobody ----------------
escape root all "root, both layers"
escape nobody all "nobody, both layers"
like "$(grep '^blocked' "$T/out" | tr '\n' ' ')" 'root chmod.*root chown.*root utimes' "chmod, chown, utimes were tried"

# --- each layer alone --------------------------------------------------------
ESC_ARGS=(--drop-layer landlock)
escape root all "root, hostfs policy alone" UMLRUN_LANDLOCK=0
escape nobody all "nobody, hostfs policy alone" UMLRUN_LANDLOCK=0
# Landlock alone: the kernel's policy is opened up to everything (the
# kernel layer's parameters pass once it is given up).
# Landlock does not cover chmod, chown and utimes: content and names only.
ESC_ARGS=(--drop-layer kernel)
escape root content "root, Landlock alone" UMLRUN_KERNEL_ARGS=hostfs_rw=/
escape nobody content "nobody, Landlock alone" UMLRUN_KERNEL_ARGS=hostfs_rw=/
ESC_ARGS=()
AS_ENV=(UMLRUN_KERNEL_ARGS=hostfs_rw=/)
as root -- true
is "$rc/$(grep -c 'or --drop-layer kernel gives this layer up' "$T/err")" "125/1" \
	"UMLRUN_KERNEL_ARGS is checked as --append: the kernel layer's parameters need --drop-layer kernel"
AS_ENV=()
# A read-only overlay root (here for a mount point the host lacks),
# remounted read-write, only writes guest memory.
make_canary root
before=$(canary_sum)
as root --bind "$W:/no/such/dir:rw" -- sh -c "mount -o remount,rw / &&
	echo x >>'$C/f' && chmod 777 '$C/f' && rm -r '$C/sub' && echo wrote"
is "$rc/$(cat "$T/out")" 0/wrote "a remounted overlay root takes writes"
is "$(canary_sum)" "$before" "which do not reach the host"
# The control: where both layers allow it (the kernel's policy opened, a
# place Landlock lets the kernel write), the same write through the
# remounted / does reach the host.
make_canary root
as root --drop-layer kernel --append hostfs_rw=/ --bind "$W:rw" -- \
	sh -c "mount -o remount,rw / && echo escaped >>'$W/f'"
is "$(tail -1 "$W/f")" escaped "control: where both layers allow it, the write reaches the host"

# --- binds ---------------------------------------------------------------------
for user in root nobody; do
	make_canary "$user"
	uid=$(id -u "$user")
	as "$user" --bind "$W:/data:rw" -- sh -c 'printf "a\nb" >/data/new &&
		mkdir /data/dir && echo x >/data/dir/y && ln -s new /data/sym &&
		chmod 640 /data/new && cat /data/new'
	is "$rc/$(cat "$T/out")" "0/a"$'\n'"b" "$user: --bind rw: the guest writes"
	is "$(cat "$W/new")" "a"$'\n'"b" "$user: --bind rw: the bytes land on the host"
	is "$(stat -c '%a %u' "$W/new" "$W/dir/y" | tr '\n' ' ')" "640 $uid 644 $uid " \
		"$user: --bind rw: mode as set, owned by the caller"
	is "$(readlink "$W/sym")" new "$user: --bind rw: symlinks land"
	as "$user" --bind "$W:/data:rw" -- sh -c 'cp /bin/true /data/suid &&
		chmod 6755 /data/suid; echo chmod=$?; mknod /data/null c 1 3; echo mknod=$?;
		mkfifo /data/fifo; echo fifo=$?'
	is "$(tr '\n' ' ' <"$T/out")" "chmod=0 mknod=1 fifo=0 " "$user: --bind rw: chmod runs, device mknod is refused, FIFOs work"
	is "$(stat -c %a "$W/suid")/$([ -e "$W/null" ] && echo dev)/$(stat -c %F "$W/fifo")" "755//fifo" \
		"$user: --bind rw: no set-id bits and no device node reach the host"
	as "$user" -u --bind "$W:/data:rw" -- sh -c 'id -u; echo u >/data/by-user'
	is "$rc/$(head -1 "$T/out")/$(stat -c %u "$W/by-user")" "0/$uid/$uid" \
		"$user: -u with --bind rw: the command runs as the caller"
	before=$(cd "$W" && ls -lR)
	as "$user" --bind "$W:/data" -- sh -c 'echo x >/data/ro; echo rc=$?;
		mount -o remount,rw /data && echo x >/data/ro2 || echo blocked'
	like "$(tr '\n' ' ' <"$T/out")" 'rc=[1-9].*blocked' "$user: --bind ro stays read-only, remounted too"
	is "$(cd "$W" && ls -lR)" "$before" "$user: --bind ro: nothing reached the host"
done

mkdir -p "$BASE/with space:colon"
as root --bind "$BASE/with space:colon:/data:rw" -- sh -c 'echo s >/data/f'
is "$rc/$(cat "$BASE/with space:colon/f" 2>&1)" "0/s" "rw bind of a path with a space and a colon"

as root --bind "$W:/no/such/dir/here:rw" --bind "$C:/etc/umlrun-test" -- \
	sh -c 'echo m >/no/such/dir/here/m && cat /etc/umlrun-test/f &&
		touch /etc/x 2>/dev/null || echo root-still-ro'
is "$rc/$(cat "$T/out" | tr '\n' ' ')" "0/canary root-still-ro " \
	"bind mount points are made where the host has none, / stays read-only"
is "$(cat "$W/m")" m "a bind on a made mount point writes the host"

as root --tmpfs /opt/umlrun-tmpfs --tmpfs /tmp/sub -- \
	sh -c 'echo t >/opt/umlrun-tmpfs/t && ls -A /opt/umlrun-tmpfs && ls -A /tmp/sub'
is "$rc/$(cat "$T/out")" "0/t" "--tmpfs gives an empty writable tmpfs"
ok "$([ ! -e /opt/umlrun-tmpfs ]; echo $?)" "--tmpfs leaves nothing on the host"

# --- overlay -------------------------------------------------------------------
for user in root nobody; do
	make_canary "$user"
	before=$(canary_sum)
	as "$user" --overlay -C /umlrun-new/cwd -- sh -c "pwd &&
		echo o >>'$C/f' && rm '$C/sub/g' && mkdir '$C/newdir' &&
		echo e >/etc/umlrun-overlay-test && chmod 600 '$C/f' &&
		cat '$C/f' /etc/umlrun-overlay-test && cat /proc/1/comm"
	is "$rc/$(cat "$T/out" | tr '\n' ' ')" "0//umlrun-new/cwd canary o e umlinit " \
		"$user: --overlay: the command writes anywhere, -C is created"
	is "$(canary_sum)" "$before" "$user: --overlay: nothing reached the host tree"
	ok "$([ ! -e /etc/umlrun-overlay-test ] && [ ! -e /umlrun-new ]; echo $?)" \
		"$user: --overlay: no new file on the host"
done

# --- the guest's own /proc, -u, modules -----------------------------------------
sleep 30 &
hostpid=$!
as root -- sh -c "cat /proc/1/comm; [ -e /proc/$hostpid ] && echo host-visible; grep -c . /proc/mounts >/dev/null && echo mounts"
kill $hostpid
is "$(cat "$T/out" | tr '\n' ' ')" "umlinit mounts " "the guest's /proc is its own"
as nobody -- id -u
is "$rc/$(cat "$T/out")" "0/0" "nobody on the host is root in the guest"
as nobody -u -- sh -c 'id -u; id -g'
is "$(cat "$T/out" | tr '\n' ' ')" "65534 65534 " "-u: the caller's uid and gid"
as root -u -- id -G
is "$(cat "$T/out")" "$(id -G)" "-u: the caller's groups"
as root -- cat /proc/sys/kernel/modules_disabled
is "$(cat "$T/out")" 1 "module loading is closed by default"
as nobody --allow-modules -- cat /proc/sys/kernel/modules_disabled
is "$rc/$(cat "$T/out")" "0/0" "--allow-modules keeps it open (Landlock guards the host)"
AS_ENV=(UMLRUN_LANDLOCK=0)
as root --allow-modules -- true
AS_ENV=()
is "$rc" 125 "--allow-modules without Landlock is refused with 125"
like "$(cat "$T/err")" '^umlrun: this host offers no Landlock' "and says why"
AS_ENV=(UMLRUN_LANDLOCK=0)
as root -- true
AS_ENV=()
is "$rc/$(wc -l <"$T/err")" 125/1 "any run without Landlock is refused with 125 and one line"
as root -v -- true
like "$(cat "$T/err")" 'umlrun: Landlock ABI [0-9]+' "-v says Landlock is on"
AS_ENV=(UMLRUN_LANDLOCK=0)
as root -v --drop-layer landlock -- true
AS_ENV=()
is "$rc/$(grep -c 'only the kernel.s hostfs write policy guards' "$T/err")" 0/1 \
	"--drop-layer landlock runs, and -v says once what guards the host"

# --- usage errors -----------------------------------------------------------------
as root --bind /nonexistent/dir -- true
is "$rc" 125 "--bind of a missing directory is 125"
like "$(cat "$T/err")" "^umlrun: bad --bind '/nonexistent/dir': No such file" "and names it"
as root --bind "$C/f" -- true
is "$rc" 125 "--bind of a file is 125"
as root --bind "$W:relative" -- true
is "$rc" 125 "--bind to a relative destination is 125"
as root --tmpfs relative -- true
is "$rc" 125 "--tmpfs of a relative path is 125"

finish
