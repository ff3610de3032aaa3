#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Block devices through the real kernel, on 6.12 and 6.1, as root and as
# nobody: --disk FILE:rw writes the file (mkfs.ext4 and a file the host's
# debugfs reads back), :ro refuses every write, :cow lets the guest write
# and read back while the file's checksum stays, --disk-size gives an
# empty sparse device that is gone after the run, UMLRUN_DISKn name the
# devices and -v prints the mapping; --swap lets a 128M guest touch 300 MB
# that OOM-kills it without; a disk nobody may not write is refused with
# 125 before boot.
. "$(dirname "$0")/lib.sh"
need_kernel

as_setup
IMG=$BASE/img
SH='PATH=/usr/sbin:/sbin:$PATH; '
# the run directories of this script's runs, whatever is in them
leftover() { find "$UMLRUN_RUNDIR" -mindepth 1 2>/dev/null | wc -l; }

# --- usage errors, before any kernel --------------------------------------
um --disk "$BASE/none.img" -- true
is "$rc" 125 "--disk of a missing file exits 125"
like "$(cat "$T/err")" '^umlrun: bad --disk .*No such file' "... saying why"
um --disk-size 1000 -- true
is "$rc" 125 "--disk-size that is not a multiple of 512 exits 125"
um --swap 0 -- true
is "$rc" 125 "--swap 0 exits 125"

for KV in 6.12 6.1; do
	use_kernel "$KV" || continue
	for user in root nobody; do
		tag="$KV $user"
		# --- rw: the guest makes a filesystem, the host reads it --------
		rm -f "$IMG" && truncate -s 64M "$IMG" && chown "$user" "$IMG"
		as "$user" -v --disk "$IMG:rw" -- sh -c "$SH"'
			mkfs.ext4 -q "$UMLRUN_DISK0" && mount "$UMLRUN_DISK0" /mnt &&
			echo "written by $(uname -r)" >/mnt/f && umount /mnt'
		is "$rc" 0 "$tag: mkfs.ext4 and a file written on --disk IMG:rw"
		like "$(cat "$T/err")" "umlrun: disk /dev/ubda: $IMG, read-write" \
			"$tag: -v prints the mapping"
		got=$(debugfs -R 'cat /f' "$IMG" 2>/dev/null)
		like "$got" "^written by $KV\." "$tag: the host's debugfs reads the file"

		# --- ro: nothing the guest does writes it ------------------------
		before=$(sha "$IMG")
		as "$user" --disk "$IMG" -- sh -c "$SH"'
			cat /sys/block/ubda/ro
			dd if=/dev/zero of=$UMLRUN_DISK0 count=1 conv=notrunc 2>/dev/null || echo dd refused
			blockdev --setrw $UMLRUN_DISK0
			dd if=/dev/zero of=$UMLRUN_DISK0 count=1 conv=notrunc 2>/dev/null || echo dd refused
			mount -o rw $UMLRUN_DISK0 /mnt 2>/dev/null
			touch /mnt/new 2>/dev/null || echo file write refused
			mount -o remount,rw /mnt 2>/dev/null || echo remount refused
			cat /mnt/f'
		is "$(cat "$T/out")" "1
dd refused
dd refused
file write refused
remount refused
$got" "$tag: --disk IMG (ro): writes refused, even after BLKROSET; reads work"
		is "$(sha "$IMG")" "$before" "$tag: ... and IMG is unchanged"

		# --- cow: the guest writes and reads back, IMG stays -------------
		as "$user" --disk "$IMG:cow" -- sh -c "$SH"'
			mount $UMLRUN_DISK0 /mnt && echo cow >/mnt/g && umount /mnt &&
			mount $UMLRUN_DISK0 /mnt && cat /mnt/g /mnt/f'
		is "$(cat "$T/out")" "cow
$got" "$tag: --disk IMG:cow: the guest reads back what it wrote"
		is "$(sha "$IMG")" "$before" "$tag: ... and IMG's checksum is unchanged"
		is "$(leftover)" 0 "$tag: ... and no COW file is left"

		# --- --disk-size: an empty device, gone after the run -------------
		as "$user" -v --disk "$IMG" --disk-size 64M -- sh -c "$SH"'
			echo $UMLRUN_DISK0 $UMLRUN_DISK1 $(blockdev --getsize64 $UMLRUN_DISK1)
			head -c 1048576 $UMLRUN_DISK1 | tr -d "\0" | wc -c
			mkfs.ext4 -q $UMLRUN_DISK1 && mount $UMLRUN_DISK1 /mnt && echo ok'
		is "$(cat "$T/out")" "/dev/ubda /dev/ubdb 67108864
0
ok" "$tag: --disk-size 64M is an empty 64 MiB /dev/ubdb after the --disk"
		scratch=$(sed -n 's/^umlrun: run directory //p' "$T/err")
		like "$(cat "$T/err")" 'disk /dev/ubdb: scratch, 64 MiB' "$tag: -v names the scratch disk"
		ok "$([ -n "$scratch" ] && [ ! -e "$scratch" ]; echo $?)" "$tag: ... and its file is gone after the run"

		# --- a disk the caller may not write -----------------------------
		rm -f "$BASE/theirs.img" && truncate -s 8M "$BASE/theirs.img"
		chown root "$BASE/theirs.img" && chmod 644 "$BASE/theirs.img"
		as "$user" --disk "$BASE/theirs.img:rw" -- echo booted
		if [ "$user" = nobody ]; then
			is "$rc" 125 "$tag: --disk of a file nobody may not write, :rw, exits 125"
			is "$(wc -l <"$T/err")$(cat "$T/out")" 1 "$tag: ... with one line, before boot"
			like "$(cat "$T/err")" 'may not write' "$tag: ... saying why"
		else
			is "$rc$(cat "$T/out")" 0booted "$tag: root may write it (control)"
		fi
		as "$user" --disk "$BASE/theirs.img" -- echo booted
		is "$rc$(cat "$T/out")" 0booted "$tag: ... read-only it is fine"
	done

	# --- a disk under the host's /dev (unreadable to the kernel but disks)
	img=$(mktemp /dev/shm/umlrun-disk-test.XXXXXX)
	cp "$IMG" "$img"
	as root --disk "$img" -- sh -c "$SH"'mount -o ro $UMLRUN_DISK0 /mnt && cat /mnt/f'
	is "$(cat "$T/out")" "$got" "$KV: a disk in /dev/shm is readable (a rule for exactly that file)"
	rm -f "$img"

	# --- swap -----------------------------------------------------------
	touch300='echo 1 >/proc/sys/vm/overcommit_memory
		head -c 300M /dev/zero | tr "\0" x | dd bs=300M count=1 iflag=fullblock of=/dev/null 2>/dev/null
		echo dd=$? $(grep -w oom_kill /proc/vmstat)'
	as nobody -m 128M --swap 512M -- sh -c "$touch300"'
		awk "/^\/dev\/ubd/ { print \$1, \$3 }" /proc/swaps
		awk "\$1 == \"pswpout\" { print (\$2 > 1000) ? \"swapped out\" : \"no swapping\" }" /proc/vmstat'
	is "$rc $(cat "$T/out")" "0 dd=0 oom_kill 0
/dev/ubda 524284
swapped out" "$KV: -m 128M --swap 512M: 300 MB touched, /proc/swaps shows /dev/ubda"
	as nobody -m 128M -- sh -c "$touch300"
	is "$rc $(cat "$T/out")" "0 dd=137 oom_kill 1" "$KV: without --swap the same command is OOM-killed"
done

finish
