#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What a guest leaves behind must not steer a later run. A first run writes
# through a rw bind of a workspace (as a CI job would, run after run);
# what it plants there must not make a later run write outside it:
#  - a symlink at a path a later run opens (--disk, --junit, --result-json,
#    --log, --coverage, --bind, --root) is refused with one line naming it
#    (as root and as nobody), and nothing outside is written; the same
#    path as a plain file works (control), and --follow-links on the command
#    line follows a link the user means;
#  - an output is a new file renamed over the name: a link there is
#    replaced, not written through;
#  - a set-uid file in a rw bind loses its bit when the guest writes it,
#    and the guest can give no host file to another user;
#  - a fifo or device planted where a later run reads a disk, root, module
#    or fragment is refused at once (its open would wait forever);
#  - a :cow disk counts against the run directory's room (refused before
#    boot where it would not fit);
#  - a run directory or cgroup of a dead run goes (tests/limits.t and
#    tests/reliability.t: the reaper).
. "$(dirname "$0")/lib.sh"
need_kernel

as_setup
WS=$BASE/ws
OUT=$BASE/outside
mkdir -p "$WS" "$OUT"
chmod 777 "$WS" "$OUT"
# the victims: files outside every bind, the caller's to write
printf 'victim\n' >"$OUT/victim.img"
truncate -s 1M "$OUT/victim.img"
printf '#!/bin/sh\necho original\n' >"$OUT/script.sh"
mkdir -p "$OUT/covdir"
chmod 666 "$OUT/victim.img" "$OUT/script.sh"
chmod 777 "$OUT/covdir"
vsum=$(sha "$OUT/victim.img" "$OUT/script.sh")

for user in root nobody; do
	# the first run plants links in its workspace
	as "$user" --bind "$WS:rw" -- sh -c "
		ln -sf '$OUT/victim.img' '$WS/scratch.img'
		ln -sf '$OUT/script.sh' '$WS/junit.xml'
		ln -sf '$OUT/script.sh' '$WS/result.json'
		ln -sf '$OUT/script.sh' '$WS/kernel.log'
		ln -sfn '$OUT/covdir' '$WS/cov'
		ln -sfn '$OUT' '$WS/data'
		ln -sfn / '$WS/rootdir'"
	is "$rc" 0 "$user: a first run plants links in its rw workspace"
	# planted PATH OPTION...: the later run is refused with one line naming
	# the link, before anything boots
	planted() {
		local what=$1
		shift
		as "$user" "$@" -- sh -c 'dd if=/dev/zero of=/dev/ubda bs=512 count=1 2>/dev/null; echo pwned'
		is "$rc/$(wc -l <"$T/err")" "125/1" "$user: a link planted at $what: refused, one line"
		like "$(cat "$T/err")" "$what is a symbolic link \\(to (/|$OUT)" "$user:   ... naming the link and its target"
	}
	planted "$WS/scratch.img" --disk "$WS/scratch.img:rw"
	planted "$WS/scratch.img" --disk "$WS/scratch.img:cow"
	if [ "$user" = root ]; then
		# before any kernel is built for it (so not through as, whose -k
		# excludes --coverage)
		um --coverage "$WS/cov" -- true
		is "$rc/$(wc -l <"$T/err")" "125/1" "$user: a link planted at $WS/cov for --coverage: refused, one line"
		like "$(cat "$T/err")" "$WS/cov is a symbolic link \\(to $OUT/covdir\\)" "$user:   ... naming the link"
	fi
	planted "$WS/data" --bind "$WS/data:/data:rw"
	planted "$WS/rootdir" --root "$WS/rootdir"
	# an output's name is replaced, never written through
	as "$user" --junit "$WS/junit.xml" --result-json "$WS/result.json" \
		--log "$WS/kernel.log" -- echo 'ok 1 - x'
	is "$rc" 0 "$user: outputs at planted links: the run goes on"
	is "$(find "$WS/junit.xml" "$WS/result.json" "$WS/kernel.log" -type l | wc -l)" 0 \
		"$user:   ... the links are replaced by the new files"
	like "$(cat "$WS/junit.xml")" '<testsuite' "$user:   ... which hold the outputs"
	is "$(sha "$OUT/victim.img" "$OUT/script.sh")" "$vsum" "$user: nothing outside the workspace changed"
	is "$(ls -A "$OUT/covdir")" "" "$user:   ... nor the directory a --coverage link pointed at"
	is "$(ls -A "$WS" | grep -c '^\..*umlrun-')" 0 "$user: no temporary output file is left"
	# control: the same paths as plain files (and the link followed when the
	# user says so) do work
	rm -f "$WS/scratch.img"
	truncate -s 1M "$WS/scratch.img"
	chmod 666 "$WS/scratch.img"
	as "$user" --disk "$WS/scratch.img:rw" -- sh -c 'printf disk | dd of=/dev/ubda conv=notrunc status=none'
	is "$rc/$(head -c 4 "$WS/scratch.img")" "0/disk" "$user: control: a plain file there is written"
	ln -sfn "$OUT/victim.img" "$BASE/mine.img"
	as "$user" --follow-links --disk "$BASE/mine.img:ro" -- head -c 6 /dev/ubda
	is "$rc/$(cat "$T/out")" "0/victim" "$user: --follow-links follows a link the user means"
	rm -rf "${WS:?}"/* "$BASE/mine.img"
done

# --- what a guest plants is judged by what it is, not by its name: a fifo
# (whose open would wait forever) or a device is no disk, root, module or
# fragment; a link at a fragment is refused as at any path -----------------
as root --bind "$WS:rw" -- sh -c "
	for f in a.img b.ko c.config d.kunitconfig; do mkfifo '$WS/'\$f; done
	ln -sf /etc/passwd '$WS/e.config'"
is "$rc/$(find "$WS" -type p | wc -l)" "0/4" "a guest plants fifos in its rw workspace"
fifo() {
	local what=$1
	shift
	TEST_TIMEOUT=30 um "$@" -- true
	is "$rc/$(wc -l <"$T/err")" "125/1" "a fifo planted at $what: refused at once, one line"
	like "$(cat "$T/err")" "a fifo, not a regular file" "  ... saying what it is"
}
fifo "$WS/a.img" -k "$K/linux" --disk "$WS/a.img"
fifo "$WS/a.img" -k "$K/linux" --root "$WS/a.img"
fifo "$WS/b.ko" -k "$K/linux" --load-module "$WS/b.ko"
fifo "$WS/c.config" --kconfig "$WS/c.config"
fifo "$WS/d.kunitconfig" --kunit --kunitconfig "$WS/d.kunitconfig"
um --kconfig "$WS/e.config" -- true
is "$rc/$(wc -l <"$T/err")" "125/1" "a link planted at a --kconfig fragment: refused, one line"
like "$(cat "$T/err")" "e\\.config is a symbolic link \\(to /etc/passwd\\)" "  ... naming it (its target is not read)"
printf 'CONFIG_MINIX_FS=y\n' >"$BASE/minix.config"
ln -sf "$BASE/minix.config" "$BASE/mine.config"
um --follow-links --kconfig "$BASE/mine.config" --list-kernels
is "$rc" 0 "control: --follow-links follows a fragment link the user means"
rm -rf "${WS:?}"/* "$BASE/minix.config" "$BASE/mine.config"

# --- set-id files and owners in a rw bind -----------------------------------------
cp /bin/true "$WS/suid"
chmod 4755 "$WS/suid"
cp /bin/true "$WS/sgid"
chgrp 0 "$WS/sgid"
chmod 2755 "$WS/sgid"
echo mine >"$WS/owned"
as root --bind "$WS:rw" -- sh -c "
	printf guest | dd of='$WS/suid' conv=notrunc status=none
	printf guest | dd of='$WS/sgid' conv=notrunc status=none
	chown 1234 '$WS/owned' 2>/dev/null && echo chowned
	chmod 4755 '$WS/owned' 2>/dev/null; true"
is "$rc/$(cat "$T/out")" "0/" "root: the guest rewrites set-id files; its chown to another uid fails"
is "$(stat -c '%a %u' "$WS/suid" "$WS/sgid" "$WS/owned" | tr '\n' ' ')" "755 0 755 0 755 0 " \
	"root: no set-id bit survives the guest's write or chmod; the owner stays"
is "$(head -c 5 "$WS/suid")" guest "root:   ... (the guest's bytes did land: control)"
rm -f "$WS"/*

# --- a :cow disk counts against the run directory's room -------------------------
mkdir -p "$BASE/small"
mount -t tmpfs -o size=400m tmpfs "$BASE/small"
chmod 1777 "$BASE/small"
truncate -s 2G "$BASE/big.img"
chmod 644 "$BASE/big.img"
AS_ENV=(UMLRUN_RUNDIR="$BASE/small")
as root --disk "$BASE/big.img:cow" -- true
is "$rc/$(wc -l <"$T/err")" "125/1" "a 2 GiB :cow disk on a 400 MiB run directory: refused before boot"
like "$(cat "$T/err")" 'need [0-9]+ MiB' "  ... saying what it needs"
truncate -s 64M "$BASE/big.img"
as root --disk "$BASE/big.img:cow" -- sh -c 'dd if=/dev/urandom of=/dev/ubda bs=1M count=64 2>/dev/null; sync; echo wrote'
is "$rc/$(cat "$T/out")" "0/wrote" "control: a 64 MiB :cow disk fits, and the guest fills it"
is "$(stat -c %s "$BASE/big.img")/$(cmp -s "$BASE/big.img" <(head -c 64M /dev/zero) && echo zero)" \
	"67108864/zero" "  ... without touching the file"
# A run directory that fills up under a running guest (here another
# process takes the room): one clear line, not a kernel panic's dump.
mkdir -p "$BASE/sig"
chmod 777 "$BASE/sig"
UMLRUN_RUNDIR=$BASE/small timeout -k 5 120 "$K/umlrun" -k "$K/linux" --init "$K/umlinit" \
	-m 256M --bind "$BASE/sig:rw" -- sh -c "while [ ! -e '$BASE/sig/go' ]; do sleep 0.1; done
	dd if=/dev/zero of=/dev/shm/x bs=1M count=200 2>/dev/null; echo survived" >"$T/out" 2>"$T/err" &
bg=$!
booted() { [ -n "$(ls "$BASE/small")" ]; }
WAIT_STEP=0.1 WAIT_TRIES=600 wait_for booted
dd if=/dev/zero of="$BASE/small/fill" bs=1M 2>/dev/null # until it is full
touch "$BASE/sig/go"
wait "$bg"
rc=$?
is "$rc/$(wc -l <"$T/err")" "125/1" "a run directory filled under the guest: 125, one line"
like "$(cat "$T/err")" "^umlrun: the run directory's filesystem \\($BASE/small\\) ran out of space" "  ... saying so"
rm -f "$BASE/small/fill"
AS_ENV=()
umount "$BASE/small"
rm -f "$BASE/big.img"

finish
