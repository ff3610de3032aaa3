#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Debian parity. First the rule on a small made-up tree (no kernel): which
# of Debian's options go into flavours/debian-SERIES.config (on, =m made =y, offered
# on ARCH=um with a prompt, not excluded; a ! line keeps, a SERIES: line is
# that series' only, the first match decides), that a reason needs its
# class, and that the parity report counts per area and fails naming a
# wanted option a config lacks. Then the real thing: the committed
# fragments are what the rule makes of the installed linux-config
# packages (tests/debian.t checks the built flavour against the rule).
# No kernel boots.
. "$(dirname "$0")/lib.sh"
S=$ROOT/scripts

# --- the rule on a made-up tree ----------------------------------------------
src=$T/src
mkdir -p "$src/arch/um" "$src/arch/x86" "$src/drivers/net" "$src/net/netfilter"
cat >"$src/Kconfig" <<'EOF'
mainmenu "test"
source "arch/$(SRCARCH)/Kconfig"
source "drivers/Kconfig"
source "net/Kconfig"
EOF
printf 'config UML\n\tdef_bool y\nconfig HOSTFS\n\ttristate "hostfs"\n\thelp\n\t  config NOTME in help text\n' \
	>"$src/arch/um/Kconfig"
printf 'config X86_ONLY\n\tbool "x86 only"\n' >"$src/arch/x86/Kconfig"
printf 'source "drivers/net/Kconfig"\nconfig HWDRIVER\n\ttristate "a card"\n' >"$src/drivers/Kconfig"
printf "config VETH\n\ttristate 'veth'\nconfig NIC\n\ttristate \"a NIC\"\n" >"$src/drivers/net/Kconfig"
cat >"$src/net/Kconfig" <<'EOF'
source "net/netfilter/Kconfig"
config NOPROMPT
	bool
config STRINGY
	string "a string"
config DEVMEM
	bool "mem"
config SER
	bool "series"
EOF
printf 'config NF_FOO\n\ttristate\n\tprompt "foo"\n' >"$src/net/netfilter/Kconfig"
cat >"$T/debian" <<'EOF'
CONFIG_HOSTFS=m
CONFIG_X86_ONLY=y
CONFIG_HWDRIVER=m
CONFIG_VETH=m
CONFIG_NIC=y
CONFIG_NF_FOO=m
CONFIG_NOPROMPT=y
CONFIG_STRINGY="$(evil)"
CONFIG_DEVMEM=y
# CONFIG_OFF is not set
CONFIG_SER=y
EOF
cat >"$T/exclude" <<'EOF'
# a comment
CONFIG_DEVMEM		isolation: the test's \
			continued reason
6.1:CONFIG_SER		uml: only on 6.1
!CONFIG_VETH		virtual: veth
drivers/		hardware: every driver
CONFIG_VETH		hardware: never reached, the ! line came first
EOF
table() { "$S/debian-config.sh" --src "$src" --debian "$T/debian" --exclude "$T/exclude" --table "$@" 2>&1; }
table 6.12 >"$T/table"
is "$?" 0 "the table is made"
v() { awk -F'\t' -v n="$1" '$1 == n { print $2 " (" $3 ") " $5 }' "$T/table"; }
is "$(v HOSTFS)" "derived () other" "HOSTFS=m: derived"
is "$(v X86_ONLY)" "absent (uml: not an option for ARCH=um) other" "an option only arch/x86 defines: absent"
is "$(v HWDRIVER)" "excluded (hardware: every driver) other" "an option in drivers/: excluded by location"
is "$(v NIC)" "excluded (hardware: every driver) net" "  ... also beneath it"
is "$(v VETH)" "derived (virtual: veth) net" "a ! line keeps what a later line would exclude"
is "$(v NF_FOO)" "derived () netfilter" "a prompt on its own line; the netfilter area"
is "$(v NOPROMPT)" "implied (kconfig: no prompt, set by Kconfig) net" "an option without a prompt: implied"
is "$(v DEVMEM)" "excluded (isolation: the test's continued reason) net" "an excluded option, its reason continued"
is "$(v SER)" "derived () net" "a 6.1: line does not touch 6.12"
is "$(v STRINGY)$(v OFF)$(v NOTME)" "" "strings, options off and words in help texts are not taken"
is "$(table 6.1 | awk -F'\t' '$1 == "SER" { print $2 }')" excluded "  ... and excludes on 6.1"

"$S/debian-config.sh" --src "$src" --debian "$T/debian" --exclude "$T/exclude" 6.12 "$T/frag" 2>/dev/null
is "$(grep -v '^#' "$T/frag" | tr '\n' ' ')" \
	"CONFIG_HOSTFS=y CONFIG_VETH=y CONFIG_SER=y CONFIG_NF_FOO=y " \
	"the fragment: derived options only, built in, sorted by location"
like "$(grep '^# ' "$T/frag" | tr '\n' ' ')" "# arch/um/Kconfig # drivers/net/Kconfig # net/Kconfig # net/netfilter/Kconfig" \
	"  ... each location named once"
like "$(head -8 "$T/frag" | tr "\n" " ")" "Debian turns on 9 options .*: 4 are here.* 3 are left out.* 1 are not options.* 1 have no prompt" \
	"  ... with a header that counts"

printf 'CONFIG_X reason without its class\n' >"$T/bad"
out=$("$S/debian-config.sh" --src "$src" --debian "$T/debian" --exclude "$T/bad" --table 6.12 2>&1)
ok "$([ $? != 0 ]; echo $?)" "a reason without its class is refused"
like "$out" "bad:1: the reason starts with its class" "  ... naming the file and line"

parity() { "$S/kernel-parity.sh" --src "$src" --debian "$T/debian" --exclude "$T/exclude" --config "$1" 6.12; }
printf 'CONFIG_HOSTFS=y\nCONFIG_VETH=y\nCONFIG_NF_FOO=y\nCONFIG_SER=y\nCONFIG_NOPROMPT=y\n' >"$T/good"
parity "$T/good" >"$T/out" 2>"$T/err"
is "$?" 0 "parity: a config with every wanted option passes"
like "$(cat "$T/out")" "netfilter +1 +1 +100% +1 +0 " "  ... netfilter: 1 of Debian's 1, 1 wanted, none missing"
like "$(cat "$T/out")" "net +5 +3 +60% +2 +0 +1 +1" "  ... net: 3 of 5 on, 2 wanted, the NIC hardware, DEVMEM off"
like "$(cat "$T/out")" "all +9 +5 +56% +4 +0 +2 +2" "  ... and in all"
grep -v VETH "$T/good" >"$T/short"
parity "$T/short" >"$T/out" 2>"$T/err"
is "$?" 1 "a config without a wanted option fails"
is "$(cat "$T/err")" "parity: 6.12: CONFIG_VETH=y is wanted (drivers/net/Kconfig) and missing" "  ... naming it"

# --- a tree of a series the flavour has no options for -------------------------
mkdir -p "$T/t66/arch/um"
printf 'VERSION = 6\nPATCHLEVEL = 6\nSUBLEVEL = 0\n' >"$T/t66/Makefile"
um --flavour debian --kernel-tree "$T/t66" -- true
is "$rc/$(cat "$T/err")" \
	"125/umlrun: the kernel of $T/t66: the debian flavour is made for series 6.1 6.12, not 6.6" \
	"--flavour debian on a 6.6 tree: 125, naming the series it is made for (not a build of its common part alone)"

# --- the real fragments ----------------------------------------------------------
# (the flavour's built kernels against them: tests/debian.t)
for KV in $(sed -n 's/^SERIES=//p' "$ROOT/scripts/facts"); do
	if [ ! -r "/usr/src/linux-config-$KV/config.amd64_none_amd64.xz" ]; then
		echo "Bail out! no linux-config-$KV (make installs it)"
		exit 1
	fi
	# the built tree's Kconfig files, else linux-source-SERIES's (slower)
	ksrc=$(sed -n 's/^src=//p' "$ROOT/build/kernels/$KV/build-tree" 2>/dev/null)
	[ -n "$ksrc" ] && [ -f "$ksrc/Kconfig" ] || ksrc=
	"$S/debian-config.sh" ${ksrc:+--src "$ksrc"} "$KV" "$T/debian-$KV.config" 2>/dev/null
	is "$(diff "$T/debian-$KV.config" "$ROOT/arch-um-config/flavours/debian-$KV.config")" "" \
		"$KV: arch-um-config/flavours/debian-$KV.config is what make debian-config makes"
done
finish
