#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The debug and coverage flavours (arch-um-config/flavours/) configure on
# both series' cached sources (configuration only, no build): every line
# of debug.config (and debug-6.12.config, with lockdep, on 6.12) lands with our
# fragments; coverage.config lands too, and its one clash with
# isolation.config is DEBUG_FS, the exception a coverage kernel makes.
. "$(dirname "$0")/lib.sh"

F=$ROOT/arch-um-config
for KV in 6.12 6.1; do
	kern=$ROOT/build/kernels/$KV/linux
	if [ ! -x "$kern" ]; then
		ok 1 "$KV: kernel $kern built"
		continue
	fi
	src=$(kernel_build "$kern" src)
	base=("$F/base.config" "$F/features.config" "$F/isolation.config")
	[ -e "$F/$KV.config" ] && base+=("$F/$KV.config")
	debug=("$F/flavours/debug.config")
	[ -e "$F/flavours/debug-$KV.config" ] && debug+=("$F/flavours/debug-$KV.config")
	mkdir -p "$T/d-$KV" "$T/c-$KV"
	"$ROOT/scripts/kconfig.sh" "$src" "$T/d-$KV" "${base[@]}" "${debug[@]}" >"$T/err" 2>&1
	ok $? "$KV: the debug flavour configures, every line landed"
	# lockdep only on 6.12 (debug.config says why)
	want=3
	[ "$KV" = 6.12 ] && want=4
	is "$(grep -cE '^CONFIG_(KASAN|PROVE_LOCKING|UBSAN|DEBUG_LIST)=y' "$T/d-$KV/.config")" $want \
		"$KV: KASAN, UBSAN, list debugging and (6.12) lockdep are on"
	"$ROOT/scripts/kconfig.sh" "$src" "$T/c-$KV" "${base[@]}" "$F/flavours/coverage.config" >"$T/err" 2>&1
	is "$?/$(grep '^config: ' "$T/err")" \
		"1/config: CONFIG_DEBUG_FS wanted off, is CONFIG_DEBUG_FS=y (isolation.config)" \
		"$KV: the coverage flavour's only clash with isolation.config is DEBUG_FS"
	is "$(grep -cE '^CONFIG_(GCOV_KERNEL|GCOV_PROFILE_ALL|DEBUG_FS)=y' "$T/c-$KV/.config")" 3 \
		"$KV: gcov with all of the kernel profiled, and debugfs"
done
finish
