#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Your own kernel modules without giving up a layer, on both series:
# --load-module FILE.ko and --module-src DIR (built against exactly the
# kernel the run boots, cached by DIR's content and that kernel) are
# loaded by umlinit after hostexec and before it locks the kernel, so
# modules_disabled and lockdown still hold for the command (a second
# load, reopening module loading, lowering lockdown: all refused). A
# module built for the other series is refused before boot with one line
# naming both versions; a module that is not one, a link, a source that
# does not build (its file and first error) and a module whose init fails
# are each one line and 125. --print-build-dir names the tree to build
# against with one's own tools. The test module is tests/splat/ (its
# default does nothing).
. "$(dirname "$0")/lib.sh"
need_kernel

# module builds go to a cache of the test's own: the first is a build
export UMLRUN_CACHE=$T/cache
mkdir -p "$UMLRUN_CACHE"
cp -r "$ROOT/tests/splat" "$T/src"

for KV in 6.12 6.1; do
	kern=$ROOT/build/kernels/$KV/linux
	if [ ! -x "$kern" ]; then
		ok 1 "$KV: kernel $kern built"
		continue
	fi
	module_build splat "$kern"
	ok $? "$KV: the splat module builds against the cached tree"
	cp "$T/splat/umlrun_splat.ko" "$T/splat-$KV.ko"
	module_build attack "$kern"
	cp "$T/attack/umlrun_attack.ko" "$T/attack-$KV.ko"

	# --- --load-module: loaded, and the kernel is locked after it ----------
	um --kernel-version "$KV" --load-module "$T/splat-$KV.ko" -- sh -c "
		lsmod | awk '{ print \$1 }' | grep -x umlrun_splat
		cat /proc/sys/kernel/modules_disabled
		insmod $T/attack-$KV.ko 2>/dev/null && echo LOADED
		echo 0 >/proc/sys/kernel/modules_disabled 2>/dev/null && echo REOPENED
		echo none >/sys/kernel/security/lockdown 2>/dev/null && echo LOWERED
		cat /sys/kernel/security/lockdown"
	is "$rc/$(tr '\n' ' ' <"$T/out")" "0/umlrun_splat 1 none integrity [confidentiality] " \
		"$KV: --load-module: the module is in, modules_disabled and lockdown set after it; a second load, reopening and lowering are refused"
	is "$(cat "$T/err")" "" "$KV: and nothing on stderr"

	# --- --module-src: built against this kernel, cached -------------------
	start=$(date +%s%N)
	um --kernel-version "$KV" -v --module-src "$T/src" -- sh -c 'lsmod | grep -c "^umlrun_splat "; cat /proc/sys/kernel/modules_disabled'
	built_ms=$((($(date +%s%N) - start) / 1000000))
	is "$rc/$(tr '\n' ' ' <"$T/out")" "0/1 1 " "$KV: --module-src: built and loaded before the kernel is locked (${built_ms} ms)"
	like "$(cat "$T/err")" "MODULE  $T/src: building against $KV-" "$KV: it was built, against the $KV kernel"
	start=$(date +%s%N)
	um --kernel-version "$KV" -v --module-src "$T/src" -- true
	cached_ms=$((($(date +%s%N) - start) / 1000000))
	unlike "$(cat "$T/err")" "MODULE  " "$KV: the second run takes it from the cache (${cached_ms} ms)"
	is "$(ls "$T/src")" "$(ls "$ROOT/tests/splat")" "$KV: the source directory is only read (no build output in it)"
	ko=$(ls "$UMLRUN_CACHE"/modules/$KV-*/umlrun_splat.ko)
	is "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" "$("$kern" --version)" \
		"$KV: the cached module is built for the kernel's release"

	# --- --print-build-dir: build with your own tools -----------------------
	um --kernel-version "$KV" --print-build-dir
	is "$rc/$(cat "$T/out")" "0/$(kernel_build "$kern" obj)" "$KV: --print-build-dir names the kernel's object directory"
	rm -rf "$T/own" && cp -r "$ROOT/tests/splat" "$T/own"
	make -C "$(cat "$T/out")" ARCH=um M="$T/own" modules >"$T/own.log" 2>&1
	ok $? "$KV: make -C \$(umlrun --print-build-dir) ARCH=um M=DIR modules builds a module"
	um --kernel-version "$KV" --load-module "$T/own/umlrun_splat.ko" -- sh -c 'lsmod | grep -c "^umlrun_splat "'
	is "$rc/$(cat "$T/out")" "0/1" "$KV: and that module loads"
done

# --- a module built for the other series: refused before boot ---------------
if [ -e "$T/splat-6.1.ko" ]; then
	r61=$("$ROOT/build/kernels/6.1/linux" --version)
	r612=$("$ROOT/build/kernels/6.12/linux" --version)
	um --kernel-version 6.12 --load-module "$T/splat-6.1.ko" -- echo ran
	is "$rc/$(wc -l <"$T/err")/$(cat "$T/out")" "125/1/" "a 6.1 module on 6.12: 125, one line, nothing ran"
	is "$(cat "$T/err")" "umlrun: --load-module $T/splat-6.1.ko: built for kernel $r61, this run boots $r612" \
		"  ... naming both versions"
	is "$(leftover_procs)" "" "  ... refused before boot (no kernel ran)"
	um --kernel-version 6.1 --load-module "$T/splat-6.12.ko" -- echo ran
	is "$rc/$(cat "$T/err")" "125/umlrun: --load-module $T/splat-6.12.ko: built for kernel $r612, this run boots $r61" \
		"a 6.12 module on 6.1: the same"
fi

# --- what is not a module, a link, a source that does not build -------------
um --load-module /etc/hostname -- true
is "$rc/$(cat "$T/err")" "125/umlrun: --load-module /etc/hostname: not a kernel module (no .modinfo with a vermagic)" \
	"a file that is not a module: 125, one line"
ln -s "$T/splat-6.12.ko" "$T/link.ko"
um --load-module "$T/link.ko" -- true
is "$rc/$(wc -l <"$T/err")" "125/1" "a path with a link: 125, one line (an earlier guest could have planted it)"
like "$(cat "$T/err")" "$T/link.ko is a symbolic link .*--follow-links" "  ... naming it and what to do"
um --follow-links --load-module "$T/link.ko" -- sh -c 'lsmod | grep -c "^umlrun_splat "'
is "$rc/$(cat "$T/out")" "0/1" "  ... which --follow-links follows"
cp -r "$ROOT/tests/splat" "$T/broken"
printf 'static int broken = ;\n' >>"$T/broken/umlrun_splat.c"
line=$(wc -l <"$T/broken/umlrun_splat.c")
um --module-src "$T/broken" -- echo ran
is "$rc/$(cat "$T/out")" "125/" "a source that does not build: 125, nothing ran"
like "$(cat "$T/err")" "^umlrun: build: build-module: $T/broken/umlrun_splat\\.c:$line:[0-9]+: error: " \
	"  ... naming the file, line and the compiler's first error"
like "$(tail -n1 "$T/err")" "^umlrun: the module of $T/broken did not build$" "  ... and saying what did not build"
# --- --module-src runs DIR's Makefile, and DIR may be where a guest wrote:
# the build is confined. A Kbuild that reads a host file and writes outside
# builds (neither happens) and loads; a link out of DIR is refused ----------
cp -r "$ROOT/tests/splat" "$T/nosy"
cat >>"$T/nosy/Kbuild" <<EOF
ifneq (\$(shell cat /etc/passwd 2>/dev/null),)
\$(error read the host's /etc/passwd)
endif
\$(shell echo written >$T/outside 2>/dev/null; echo written >/tmp/umlrun-nosy-$$ 2>/dev/null)
EOF
um --module-src "$T/nosy" -- sh -c 'lsmod | grep -c "^umlrun_splat "'
is "$rc/$(cat "$T/out")" "0/1" "--module-src: a Makefile that reads /etc/passwd builds (the read is refused) and loads"
is "$(ls "$T/outside" /tmp/umlrun-nosy-$$ 2>/dev/null | wc -l)" 0 "  ... and it wrote nothing outside the module cache"
ln -s /etc/passwd "$T/nosy/passwd.h"
um --module-src "$T/nosy" -- true
is "$rc" 125 "  ... a link in DIR to a host file: refused (125), its target not read"
like "$(cat "$T/err")" "passwd\.h: Permission denied" "  ... naming the link"
rm -f "$T/nosy/passwd.h"
# DIR itself a link an earlier guest planted (to /, say): it would name
# what the build may read; refused, as every path umlrun opens
ln -s / "$T/planted-src"
um --module-src "$T/planted-src" -- true
is "$rc/$(wc -l <"$T/err")" "125/1" "--module-src at a planted link (to /): 125, one line"
like "$(cat "$T/err")" "planted-src is a symbolic link \\(to /\\)" "  ... naming it and its target"
ln -s "$T/nosy" "$T/mine-src"
um --follow-links --module-src "$T/mine-src" -- sh -c 'lsmod | grep -c "^umlrun_splat "'
is "$rc/$(cat "$T/out")" "0/1" "  ... and --follow-links follows a link the user means"
mkdir -p "$T/failing"
cat >"$T/failing/failing.c" <<'EOF'
#include <linux/module.h>
static int __init failing_init(void) { return -ENODEV; }
module_init(failing_init);
MODULE_LICENSE("GPL");
EOF
echo 'obj-m += failing.o' >"$T/failing/Kbuild"
um --module-src "$T/failing" --result-json "$T/r.json" -- echo ran
is "$rc/$(cat "$T/out")" "125/" "a module whose init fails: 125, nothing ran"
like "$(head -n1 "$T/err")" "^umlrun: your module failing\\.ko did not load: No such device" "  ... saying which and why"
like "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["error"])' "$T/r.json")" \
	"your module failing.ko did not load" "  ... in --result-json too"

# --- options: not from a project file; in order; two modules -------------------
mkdir -p "$T/proj"
printf 'load-module = %s\n' "$T/splat-6.12.ko" >"$T/proj/.umlrun"
(cd "$T/proj" && UMLRUN_NO_CONFIG= um -- true)
is "$rc/$(wc -l <"$T/err")" "125/1" "load-module in a project file: refused (your code in the kernel is yours to ask for)"
like "$(cat "$T/err")" "not allowed in a project file|may come only from the command line" "  ... saying so"
mkdir -p "$T/second"
sed 's/return -ENODEV/return 0/; s/failing/second/g' "$T/failing/failing.c" >"$T/second/second.c"
echo 'obj-m += second.o' >"$T/second/Kbuild"
um --module-src "$T/second" --load-module "$T/splat-6.12.ko" -- sh -c 'dmesg | grep -oE "loaded [a-z_]+" | tr "\n" " "'
is "$rc/$(cat "$T/out")" "0/loaded second loaded splat " \
	"two modules load in the order given"
finish
