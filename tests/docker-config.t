#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# docker.io's own verdict on our kernels: /usr/share/docker.io/contrib/
# check-config.sh, run on the built 6.12 and 6.1 configs, finds nothing of
# "Generally Necessary" missing but CPUSETS (UML has no SMP), and of the
# optional features only what docs/ci.md names as impossible on UML or
# left out on purpose. No kernel boots. Control: a config with one
# necessary option taken out is caught.
. "$(dirname "$0")/lib.sh"

SCRIPT=/usr/share/docker.io/contrib/check-config.sh
if [ ! -r "$SCRIPT" ]; then
	echo "Bail out! no $SCRIPT (make installs docker.io)"
	exit 1
fi

for KV in 6.12 6.1; do
	cfg=$ROOT/build/kernels/$KV/config
	if [ ! -r "$cfg" ]; then
		ok 1 "$KV: kernel config $cfg built"
		continue
	fi
	is "$(docker_missing "$cfg" "Generally Necessary" "Optional Features")" "CONFIG_CPUSETS " \
		"$KV: of docker's necessary options only CPUSETS is missing (UML has no SMP)"
	is "$(docker_missing "$cfg" "Optional Features" "Limits")" \
		"CONFIG_AUFS_FS CONFIG_BTRFS_FS CONFIG_BTRFS_FS_POSIX_ACL CONFIG_CGROUP_HUGETLB CONFIG_CGROUP_PERF CONFIG_MEMCG_SWAP CONFIG_RT_GROUP_SCHED " \
		"$KV: of the optional ones only those docs/ci.md names"
done

cfg=$ROOT/build/kernels/6.12/config
grep -v '^CONFIG_VETH=' "$cfg" >"$T/config"
is "$(docker_missing "$T/config" "Generally Necessary" "Optional Features")" "CONFIG_CPUSETS CONFIG_VETH " \
	"control: a config without VETH is caught"
finish
