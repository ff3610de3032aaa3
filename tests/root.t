#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --root through the real kernel: a busybox tree built here from
# busybox-static is the guest's / (its /bin and /etc/os-release, not the
# host's), on 6.12 and 6.1, as root and nobody; --overlay writes stay in
# the guest; the tree's checksum survives guest root trying to write it
# (remount, other hostfs mounts, every attack of tests/escape.sh); --bind,
# -n (the guest's own resolv.conf), -C and the working directory; a
# missing command is 127, no /bin/sh 127, a bad root 125 with one line;
# the same tree as a tar (the second run a cache hit, nothing left but the
# cache entry), as an ext4 image (mkfs.ext4 -d) and as squashfs.
. "$(dirname "$0")/lib.sh"
need_kernel

as_setup
R=$BASE/bbroot
W=$BASE/w
mkdir -p "$R/bin" "$R/etc" "$R/empty" "$R/sub" "$W" "$BASE/data"
cp /bin/busybox "$R/bin/"
for a in $(/bin/busybox --list); do
	[ "$a" = busybox ] || ln -s busybox "$R/bin/$a"
done
printf 'NAME="umlrun test busybox"\nID=umlrun-bb\n' >"$R/etc/os-release"
echo "nameserver 192.0.2.1" >"$R/etc/resolv.conf"
echo canary >"$R/f"
echo g >"$R/sub/g"
ln -s f "$R/lnk"
cp "$ROOT/tests/escape.sh" "$R/escape.sh"
ln -s "$R" "$W/abs"
ln -s ../bbroot "$W/rel"
echo shared >"$BASE/data/x"
chmod -R a+rX "$R" "$BASE/data"
chown -R nobody "$W"
chown -h nobody "$W/abs" "$W/rel"
tree_sum() { tar -C "$1" --sort=name --numeric-owner -cf - . | sha256sum; }
before=$(tree_sum "$R")
nbin=$(ls "$R/bin" | wc -l)

for KV in 6.12 6.1; do
	use_kernel "$KV" || continue
	for user in root nobody; do
		tag="$KV $user"
		as "$user" --root "$R" -- sh -c 'ls /bin | wc -l; cat /etc/os-release; pwd'
		is "$rc $(cat "$T/out")" "0 $nbin
$(cat "$R/etc/os-release")
/" "$tag: --root R: R's /bin, R's os-release, cwd / (the caller's is not in R)"
		ok "$([ "$(ls /bin | wc -l)" != "$nbin" ] &&
			! cmp -s /etc/os-release "$R/etc/os-release"; echo $?)" \
			"$tag: ... which the host's are not (control)"
		as "$user" --root "$R" --bind "$BASE/data:/data" -C /sub -n -- \
			sh -c 'cat /data/x; pwd; cat /etc/resolv.conf; ip -4 -o addr show eth0 | cut -d" " -f7'
		is "$rc $(cat "$T/out")" "0 shared
/sub
nameserver 10.0.2.3
10.0.2.15/24" "$tag: --bind, -C and -n inside the new root, with the guest's resolv.conf"
		as "$user" --root "$R" --overlay -- sh -c 'echo new >/etc/new && rm /f && cat /etc/new && ls /f'
		is "$rc $(cat "$T/out")" "1 new" "$tag: --overlay writes and removes in the guest"
		as "$user" --root "$R" -- sh -c 'mount -o remount,rw / && echo x >/f && rm /lnk && cat /f
			mkdir -p /tmp/h && mount -t hostfs none /tmp/h -o '"$R"' && echo y >/tmp/h/f || echo blocked'
		is "$rc $(cat "$T/out")" "0 x
blocked" "$tag: remount rw of / writes guest memory only; a second hostfs of R is read-only"
		as "$user" --root "$R" --bind "$W:rw" -- sh /escape.sh all "$R" "$W"
		is "$rc $(grep ESCAPED "$T/out")" "0 " "$tag: every attack of escape.sh on R is blocked"
		like "$(grep -c '^blocked' "$T/out")" '^[1-9][0-9]+$' "$tag: ... and they ran"
		is "$(tree_sum "$R")" "$before" "$tag: R's checksum is unchanged"
		as "$user" --root "$R" -- nosuchcommand
		is "$rc" 127 "$tag: a command not in R exits 127"
		like "$(cat "$T/err")" 'nosuchcommand' "$tag: ... naming it"
	done
done

# --- a root that is not one --------------------------------------------
um --root "$BASE/nonexistent" -- true
is "$rc $(wc -l <"$T/err")" "125 1" "--root of a missing path: 125, one line"
um --root "$ROOT/README.md" -- true
is "$rc $(wc -l <"$T/err")" "125 1" "--root of a file that is no tar or image: 125, one line"
like "$(cat "$T/err")" 'not a directory, tar archive, ext4 or squashfs image' "... saying so"
mkdir -p "$BASE/nosh/etc"
um --root "$BASE/nosh" </dev/null
is "$rc $(cat "$T/err")" "127 umlrun: --root $BASE/nosh has no /bin/sh: give a command" \
	"--root without /bin/sh and no command: 127, one line"

# --- a tar: made once into a squashfs image in the cache ----------------
export UMLRUN_CACHE=$T/cache
tar -C "$R" -cf "$BASE/bb.tar" .
um -v --root "$BASE/bb.tar" -- cat /etc/os-release
is "$rc $(cat "$T/out")" "0 $(cat "$R/etc/os-release")" "--root TAR boots the archive's tree"
like "$(cat "$T/err")" 'root: making .*bb.tar into a squashfs image' "... made into an image on the first run"
um -v --root "$BASE/bb.tar" -- cat /etc/os-release
is "$rc $(cat "$T/out")" "0 $(cat "$R/etc/os-release")" "--root TAR again"
like "$(cat "$T/err")" 'root: .*bb.tar is .* \(cached\)' "... a cache hit the second time"
is "$(ls -A "$UMLRUN_CACHE/roots")" "$(sha "$BASE/bb.tar").sqfs" \
	"... one entry, named by the archive's SHA-256, nothing else"
gzip -c "$BASE/bb.tar" >"$BASE/bb.tar.gz"
um --root "$BASE/bb.tar.gz" -- cat /etc/os-release
is "$rc $(cat "$T/out")" "0 $(cat "$R/etc/os-release")" "--root TAR.GZ: a compressed archive"

# An archive's device nodes, set-id files and owners exist only in the
# guest's image: nothing of them lands on the host (as root, where tar
# would have made them), and an archive too big for --root-max stops.
X=$BASE/hostile
mkdir -p "$X/bin" "$X/dev2"
cp "$R/bin/busybox" "$X/bin/"
ln -s busybox "$X/bin/sh"
ln -s busybox "$X/bin/ls"
ln -s busybox "$X/bin/stat"
cp /bin/busybox "$X/suidsh" && chmod 4755 "$X/suidsh"
mknod "$X/dev2/mem" c 1 1 && chmod 666 "$X/dev2/mem"
mknod "$X/dev2/sda" b 8 0 && chmod 666 "$X/dev2/sda"
echo x >"$X/theirs" && chown 1234:1234 "$X/theirs"
tar -C "$X" --numeric-owner -cf "$BASE/hostile.tar" .
rm -rf "$X"
um --root "$BASE/hostile.tar" -- stat -c '%a %u %F %t,%T %n' /suidsh /dev2/mem /dev2/sda /theirs
is "$rc $(cat "$T/out")" "0 4755 0 regular file 0,0 /suidsh
666 0 character special file 1,1 /dev2/mem
666 0 block special file 8,0 /dev2/sda
644 1234 regular file 0,0 /theirs" "a hostile tar: the guest sees its set-uid file, device nodes and owners"
is "$(find "$UMLRUN_CACHE" \( -perm /6000 -o -type c -o -type b -o ! -user root \) | wc -l)" 0 \
	"... and the host has no set-id file, device node or file of another owner from it"
head -c 3M /dev/zero >"$BASE/zeros"
tar -C "$BASE" -czf "$BASE/big.tar.gz" zeros
um --root "$BASE/big.tar.gz" --root-max 1M -- true
is "$rc $(cat "$T/err")" "125 umlrun: --root $BASE/big.tar.gz: it unpacks to more than 1 MiB (--root-max)" \
	"--root-max bounds what an archive unpacks to"
is "$(ls -A "$UMLRUN_CACHE/roots" | grep -vc '\.sqfs$')" 0 "... and leaves nothing half-made in the cache"
unset UMLRUN_CACHE

# --- ext4 and squashfs images, read-only disks --------------------------
mkfs.ext4 -q -d "$R" "$BASE/bb.ext4" 16M >/dev/null
mksquashfs "$R" "$BASE/bb.sqfs" -quiet -noappend >/dev/null
chmod 644 "$BASE/bb.ext4" "$BASE/bb.sqfs"
for img in bb.ext4 bb.sqfs; do
	isum=$(sha256sum <"$BASE/$img")
	as nobody --root "$BASE/$img" -- sh -c 'cat /etc/os-release; ls /bin | wc -l; touch /new 2>/dev/null || echo ro'
	is "$rc $(cat "$T/out")" "0 $(cat "$R/etc/os-release")
$nbin
ro" "--root $img (as nobody): its tree, read-only"
	as nobody --root "$BASE/$img" --overlay -- sh -c 'echo w >/new && cat /new'
	is "$rc $(cat "$T/out")" "0 w" "--root $img --overlay: writable in the guest"
	is "$(sha256sum <"$BASE/$img")" "$isum" "... and the image is unchanged"
done

finish
