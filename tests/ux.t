#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What users touch besides running commands: --help, --version, --check,
# --result-json, the manual, bash completion, make install and uninstall.
. "$(dirname "$0")/lib.sh"
need_kernel

# --- every option declared once: help, manual, table, completion agree -------
# The rows (umlrun --dump-options names): NAME SHORT ARG FROM SHOWN.
"$UMLRUN" --dump-options names >"$T/rows"
is "$?/$(wc -l <"$T/rows")" "0/$(grep -c . "$T/rows")" "--dump-options names prints the option rows"
"$UMLRUN" --help >"$T/help" 2>&1
is "$?" 0 "--help exits 0"
# missing FILE MAN: the shown options FILE does not mention (MAN=1: as roff
# writes them, \-\-name)
missing() {
	local opt pat out=""
	for opt in $(awk -F'\t' '$5 == "shown" { print $1 }' "$T/rows"); do
		pat=--$opt
		[ "$2" = 1 ] && pat=${pat//-/\\-}
		grep -qF -- "$pat" "$1" || out="$out --$opt"
	done
	echo "$out"
}
is "$(missing "$T/help" 0)" "" "--help shows every option of the table"
is "$(missing "$ROOT/userspace/launcher/umlrun.1" 1)" "" "the manual documents every option of the table"
is "$(missing "$ROOT/build/umlrun-completion.bash" 0)" "" "the completion offers every option of the table"
# the manual's option entries (.TP then .B/.BR/.BI naming --x) are all rows
sed -n '/^\.SH OPTIONS/,/^\.SH [^O]/p' "$ROOT/userspace/launcher/umlrun.1" |
	awk '/^\.TP/ { getline; print }' | grep -oE '\\-\\-[a-z\\-]+' |
	sed 's/\\-/-/g; s/^--//' | sort -u >"$T/man-opts"
is "$(comm -23 "$T/man-opts" <(cut -f1 "$T/rows" | sort -u) | tr '\n' ' ')" "" \
	"every option the manual describes is in the table"
# docs/options.md holds the table as umlrun prints it (make docs)
"$UMLRUN" --dump-options markdown >"$T/table.md"
sed -n '/^<!-- options: made by umlrun --dump-options markdown -->$/,/^<!-- end of options -->$/p' \
	"$ROOT/docs/options.md" | sed '1d;$d' >"$T/doc-table.md"
is "$(diff "$T/table.md" "$T/doc-table.md" && echo same)" same \
	"docs/options.md's table is the option table (make docs)"
like "$(cat "$ROOT/README.md")" 'docs/options\.md' "the README links the option table"
# every UMLRUN_* variable umlrun or its scripts read is declared, and in the manual
"$UMLRUN" --dump-options env | cut -f1 | sort >"$T/envs"
grep -rhoE 'options_env(_flag)?\("UMLRUN_[A-Z0-9_]+"' "$ROOT/userspace/launcher" |
	grep -oE 'UMLRUN_[A-Z0-9_]+' | sort -u >"$T/read"
grep -hoE '\$\{?UMLRUN_[A-Z0-9_]+' "$ROOT"/scripts/*.sh | grep -oE 'UMLRUN_[A-Z0-9_]+' |
	sort -u >>"$T/read"
is "$(sort -u "$T/read" | comm -23 - "$T/envs" | tr '\n' ' ')" "" \
	"every UMLRUN_* variable read is declared in the table"
is "$(grep -rn 'getenv("UMLRUN_' "$ROOT/userspace/launcher" | wc -l)" 0 \
	"and read only through options_env()"
is "$(for v in $(cat "$T/envs"); do grep -qF "$v" "$ROOT/userspace/launcher/umlrun.1" || echo "$v"; done | tr '\n' ' ')" "" \
	"the manual lists every UMLRUN_* variable"
UMLRUN_LPJ=3999999 UMLRUN_NO_CONFIG=1 "$UMLRUN" --print-config -- true >"$T/out" 2>&1
like "$(cat "$T/out")" '^UMLRUN_LPJ=3999999	# environment$' "--print-config shows the UMLRUN_* variables set"
like "$(cat "$T/out")" '^UMLRUN_NO_CONFIG=1	# environment, as --no-config$' "... and the option each stands for"
# the kernel command line between launcher and umlinit: one declaration
is "$(grep -rhoE --exclude=tap.c '"(umlrun|hostexec)\.[a-z_]+' "$ROOT/userspace/init" "$ROOT/userspace/launcher" | sort -u | tr '\n' ' ')" "" \
	"no umlrun.* or hostexec.* parameter is spelt outside userspace/shared/kcmdline.h"

# --- the manual renders cleanly ------------------------------------------------
MANWIDTH=80 man --warnings -l "$ROOT/userspace/launcher/umlrun.1" >"$T/man" 2>"$T/man.err"
is "$?/$(cat "$T/man.err")" "0/" "man -l renders the manual without warnings"
like "$(cat "$T/man")" 'EXIT STATUS' "the manual has the exit-status table"

# --- --version and --check -------------------------------------------------------
"$UMLRUN" --version >"$T/out" 2>&1
like "$(head -1 "$T/out")" '^umlrun [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"
like "$(sed -n 2p "$T/out")" "^kernel $(readlink -f "$KERNEL")\$" "--version names the kernel a run uses"
"$UMLRUN" --check >"$T/out" 2>&1
is "$?" 0 "--check finds no problem here"
like "$(cat "$T/out")" 'ok +ptrace' "--check checks ptrace"
like "$(cat "$T/out")" 'ok +host layer +Landlock ABI [0-9]+' "--check reports the Landlock ABI"
UMLRUN_KERNEL=/nonexistent "$UMLRUN" --check >"$T/out" 2>&1
is "$?" 1 "--check exits 1 on a problem"
like "$(cat "$T/out")" 'PROBLEM +kernel +/nonexistent: No such file' "--check names the problem"
like "$(cat "$T/out")" 'fix: run make' "--check says how to fix it"

# --- --result-json ---------------------------------------------------------------
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
echo in | um --result-json "$T/r.json" -- sh -c 'cat; echo e >&2; exit 3'
is "$(json "$T/r.json" 'd["schema"], d["exit_status"], d["exited"], d["exit_code"], d["signal"], d["timed_out"], d["panic"], d["error"]')" \
	"umlrun-result/1 3 True 3 None False False None" "--result-json: an exit"
is "$(json "$T/r.json" 'd["bytes"]["stdin"], d["bytes"]["stdout"], d["bytes"]["stderr"]')" "3 3 2" "--result-json counts bytes"
is "$(json "$T/r.json" 'd["kernel"]["release"].endswith("-umlrun"), d["boot_ms"] >= 0, d["run_ms"] >= 0, d["total_ms"] >= d["boot_ms"]')" \
	"True True True True" "--result-json has the kernel release and times"
um --result-json "$T/r.json" -- sh -c 'kill -9 $$'
is "$(json "$T/r.json" 'd["exit_status"], d["exited"], d["signal"]')" "137 False 9" "--result-json: a signal"
um --result-json "$T/r.json" --timeout 1 -- sleep 30
is "$(json "$T/r.json" 'd["exit_status"], d["timed_out"]')" "124 True" "--result-json: a timeout"
um --result-json "$T/r.json" --init /bin/false -- true
is "$(json "$T/r.json" 'd["exit_status"], d["panic"], d["error"].startswith("kernel panic")')" "125 True True" "--result-json: a panic"

# --- bash completion ---------------------------------------------------------------
complete_words() {
	bash --norc -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		COMP_LINE="$*"; _umlrun; printf "%s\n" "${COMPREPLY[@]}"' \
		sh "$ROOT/build/umlrun-completion.bash" "$@" | sort | tr '\n' ' '
}
is "$(complete_words umlrun --kernel)" "--kernel --kernel-tree --kernel-version " "completion completes options"
is "$(complete_words umlrun --kernel-version '')" "6.1 6.12 " "completion knows the kernel versions"
like "$(complete_words umlrun -- unam)" 'uname' "completion completes the command after --"

# --- odd paths and values on the kernel command line ------------------------------
# UML joins its arguments with spaces and the kernel splits them again at
# whitespace outside double quotes: each value must arrive whole, or be
# refused before boot with one line and 125.
# one_line DESC REGEX: the last run failed with 125 and one umlrun: line.
one_line() {
	is "$rc/$(wc -l <"$T/err")" "125/1" "$1: exits 125 with one line"
	like "$(cat "$T/err")" "^umlrun: $2" "$1: says why"
	is "$(leftover_procs)" "" "$1: and nothing is left running"
}
for base in "run base" $'run\nbase' $'run\tbase' 'run"base'; do
	mkdir -p "$T/$base"
	UMLRUN_RUNDIR=$T/$base um -- sh -c 'cat /proc/cmdline; echo ok'
	is "$rc/$(tail -n1 "$T/out")" "0/ok" "a run directory base named $(printf %q "$base") works"
	ok "$(grep -q ' uml_dir=~ ' "$T/out" && ! grep -q base "$T/out" && echo 0 || echo 1)" \
		"its path is not on the kernel command line (uml_dir=~, \$HOME)"
	is "$(find "$T/$base" -mindepth 1 | wc -l)/$(pgrep -f 'uml_dir=~')" "0/" \
		"and is removed after the run, with its kernel"
	rm -rf "$T/$base"
done
mkdir -p "$T/with space" "$T/k dir"
cp "$ROOT/build/umlinit" "$T/with space/umlinit"
ln "$(readlink -f "$KERNEL")" "$T/k dir/linux" 2>/dev/null || cp "$KERNEL" "$T/k dir/linux"
cp "$(dirname "$(readlink -f "$KERNEL")")/hostexec.ko" "$T/k dir/"
um --init "$T/with space/umlinit" -k "$T/k dir/linux" -- cat /proc/cmdline
is "$rc" 0 "an --init and a -k path with a space boot"
like "$(cat "$T/out")" " init=\"$T/with space/umlinit\" .* umlrun.module=\"$T/k dir/hostexec.ko\" " \
	"each arrives whole, in double quotes"
for bad in $'new\nline' $'a\ttab' 'a"quote'; do
	cp "$ROOT/build/umlinit" "$T/$bad"
	um --init "$T/$bad" -- true
	one_line "--init $(printf %q "$bad")" "the guest init '.*' holds a control character or a double quote"
	UMLRUN_INIT=$T/$bad um -- true
	one_line "UMLRUN_INIT=$(printf %q "$bad")" "the guest init"
	rm -f "$T/$bad"
done
UMLRUN_LPJ='1 init=/bin/sh' um -- true
one_line "UMLRUN_LPJ with a space" "UMLRUN_LPJ='1 init=/bin/sh' is not a number"
long=$T/$(printf 'l%.0s' $(seq 250))
mkdir -p "$long"
UMLRUN_RUNDIR=$long um -- true
one_line "a run directory base of $((${#long})) bytes" "the run directory base .* is too long for UML"
rm -rf "$long"
mkdir -p "$T/"$'bind\nnew\tline'
um --bind "$T/"$'bind\nnew\tline:/data:rw' -- sh -c 'echo w >/data/f'
is "$rc/$(cat "$T/"$'bind\nnew\tline/f' 2>&1)" "0/w" "an rw --bind of a path with a newline and a tab writes the host"

# --- make install / uninstall into a temporary prefix ------------------------------
P=$T/prefix
make -s -C "$ROOT" install PREFIX="$P" >"$T/out" 2>&1
is "$?" 0 "make install PREFIX=... succeeds"
chmod 755 "$T"
for f in bin/umlrun lib/umlrun/umlinit lib/umlrun/kernels/6.12/linux \
	lib/umlrun/kernels/6.12/hostexec.ko share/man/man1/umlrun.1 \
	share/bash-completion/completions/umlrun; do
	[ -e "$P/$f" ] || echo "$f" >>"$T/notinstalled"
done
is "$(cat "$T/notinstalled" 2>/dev/null)" "" "everything is installed"
# the installed launcher alone: no overrides from a sanitizer run
inst() { env -u UMLRUN_LIBDIR -u UMLRUN_INIT -u UMLRUN_KERNEL "$@"; }
inst "$P/bin/umlrun" -- uname -r >"$T/out" 2>&1
like "$(cat "$T/out")" '-umlrun$' "the installed umlrun runs its installed kernel"
if id nobody >/dev/null 2>&1 && command -v runuser >/dev/null; then
	inst runuser -u nobody -- "$P/bin/umlrun" -- id -u >"$T/out" 2>&1
	is "$(cat "$T/out")" 0 "the installed umlrun works for an unprivileged user"
fi
make -s -C "$ROOT" uninstall PREFIX="$P" >/dev/null 2>&1
is "$(find "$P" -type f | wc -l)" 0 "make uninstall removes every file"

finish
