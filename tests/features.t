#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kernel features a user tests in the guest, each exercised for real:
# cgroups v2 and v1, namespaces, overlayfs over the hostfs root, netfilter
# (nftables, iptables), veth, bridge, loop + ext4, squashfs, mqueue, bpffs.
# The guest runs the host's tools (iproute2, nftables, iptables, util-linux,
# busybox-static, e2fsprogs, squashfs-tools; make installs them).
# KERNEL_VERSION=6.1 runs them on the 6.1 kernel.
. "$(dirname "$0")/lib.sh"
need_kernel

# g SCRIPT: run a shell script in the guest (stdout in $T/out, status in $rc)
g() {
	um -- sh -ec "$1"
}

# --- cgroup v2 ----------------------------------------------------------------
g 'cd /sys/fs/cgroup
echo +memory +pids >cgroup.subtree_control
mkdir m
echo 16M >m/memory.max
sh -c "echo \$\$ >/sys/fs/cgroup/m/cgroup.procs; head -c 64M /dev/zero | tail -c 64M >/dev/null" || echo "hog status $?"
grep oom_kill m/memory.events'
like "$(cat "$T/out")" 'hog status 137' "memory.max: the hog is SIGKILLed"
like "$(cat "$T/out")" '^oom_kill [1-9]' "memory.max: the OOM kill shows in memory.events"

g 'cd /sys/fs/cgroup
echo +pids >cgroup.subtree_control
mkdir p
echo 4 >p/pids.max
sh -c "echo \$\$ >/sys/fs/cgroup/p/cgroup.procs
	n=0; for i in 1 2 3 4 5 6 7 8; do sleep 2 & n=\$((n + 1)); done; echo forked \$n" 2>/dev/null || echo "fork failed"
cat p/pids.events'
like "$(cat "$T/out")" 'fork failed' "pids.max: forks beyond the limit fail"
like "$(cat "$T/out")" '^max [1-9]' "pids.max: the refusals show in pids.events"

g 'cat /sys/fs/cgroup/cgroup.controllers'
is "$(cat "$T/out")" "cpu io memory pids misc" "cgroup v2 controllers: cpu io memory pids misc (no cpuset: UML has no SMP)"

# --- cgroup v1 (controllers not in use in the v2 tree can move to v1) --------
g 'for c in memory cpu,cpuacct pids blkio freezer devices net_cls,net_prio; do
	mkdir -p /tmp/v1/$c
	mount -t cgroup -o $c none /tmp/v1/$c && echo "$c ok"
done
mkdir /tmp/v1/freezer/f
echo FROZEN >/tmp/v1/freezer/f/freezer.state
cat /tmp/v1/freezer/f/freezer.state'
is "$(cat "$T/out")" "memory ok
cpu,cpuacct ok
pids ok
blkio ok
freezer ok
devices ok
net_cls,net_prio ok
FROZEN" "cgroup v1: memory, cpu, cpuacct, pids, blkio, freezer, devices, net_cls, net_prio mount; a cgroup freezes"

# --- namespaces ---------------------------------------------------------------
g 'unshare -U -r -p -f -m --mount-proc sh -c "id -u; echo \$\$; cat /proc/1/comm"'
is "$(cat "$T/out")" $'0\n1\nsh' "unshare -U -r -p -f -m --mount-proc: root in the user ns, own pid 1, own /proc"
g 'unshare -i -u -n -C sh -c "hostname inner; hostname; ip -o link show up | wc -l; cat /proc/self/cgroup"; hostname'
is "$(cat "$T/out")" $'inner\n0\n0::/\numlrun' "ipc, uts, net and cgroup namespaces: own hostname, no interface up, cgroup root"
g 'unshare -T true'
is "$rc" 1 "no time namespace on UML (documented in docs/kernels.md)"

# --- overlayfs over the hostfs root -------------------------------------------
mkdir -p "$T/lower/sub"
echo lower >"$T/lower/file"
g "mkdir -p /tmp/o/u /tmp/o/w /tmp/o/m
mount -t overlay overlay -o lowerdir=$T/lower,upperdir=/tmp/o/u,workdir=/tmp/o/w /tmp/o/m
cat /tmp/o/m/file
echo upper >/tmp/o/m/file
echo new >/tmp/o/m/sub/new
cat /tmp/o/m/file /tmp/o/u/file /tmp/o/u/sub/new"
is "$(cat "$T/out")" $'lower\nupper\nupper\nnew' "overlayfs: hostfs lower, tmpfs upper takes the writes"
is "$(cat "$T/lower/file")/$(ls "$T/lower/sub")" "lower/" "overlayfs: the host's lower dir is untouched"

# --- networking: veth across namespaces, bridge, netfilter --------------------
g 'ip netns add a
ip link add v0 type veth peer name v1 netns a
ip addr add 10.9.0.1/24 dev v0
ip link set v0 up
ip -n a addr add 10.9.0.2/24 dev v1
ip -n a link set v1 up
busybox ping -c1 -W5 10.9.0.2 >/dev/null && echo ping ok'
is "$(cat "$T/out")" "ping ok" "veth pair between two net namespaces pings across"

g 'ip link add br0 type bridge
ip link set br0 up
for n in b c; do
	ip netns add $n
	ip link add h$n type veth peer name e0 netns $n
	ip link set h$n master br0
	ip link set h$n up
	ip -n $n link set e0 up
done
ip -n b addr add 10.8.0.1/24 dev e0
ip -n c addr add 10.8.0.2/24 dev e0
ip netns exec b busybox ping -c1 -W5 10.8.0.2 >/dev/null && echo ping ok
bridge link | grep -c "master br0"'
is "$(cat "$T/out")" $'ping ok\n2' "bridge with two veth ports forwards between namespaces"

g 'nft add table ip nat
nft add chain ip nat post "{ type nat hook postrouting priority 100; }"
nft add rule ip nat post ip saddr 10.9.0.0/24 ct state new masquerade
nft list chain ip nat post | grep -o "ct state new masquerade"'
is "$(cat "$T/out")" "ct state new masquerade" "nftables: a NAT rule with conntrack loads"

g 'iptables -t nat -A POSTROUTING -s 10.9.0.0/24 -j MASQUERADE
iptables -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.9.0.2:80
iptables-legacy -t nat -A POSTROUTING -s 10.9.0.0/24 -j MASQUERADE
iptables -t nat -S POSTROUTING; iptables-legacy -t nat -S POSTROUTING'
is "$(grep -c MASQUERADE "$T/out")/$rc" "2/0" "iptables (nft and legacy): MASQUERADE, DNAT and conntrack rules load"

# --- block and file systems ---------------------------------------------------
g 'truncate -s 16M /tmp/img
mkfs.ext4 -q /tmp/img
mkdir /tmp/e
mount -o loop /tmp/img /tmp/e
echo data >/tmp/e/f
umount /tmp/e
mount -o loop,ro /tmp/img /tmp/e
cat /tmp/e/f; grep " /tmp/e " /proc/mounts | cut -d" " -f3'
is "$(cat "$T/out")" $'data\next4' "ext4 on a loop device"

mksquashfs "$T/lower" "$T/img.sqfs" -quiet -noappend >/dev/null
g "mkdir /tmp/s; mount -o loop -t squashfs $T/img.sqfs /tmp/s; cat /tmp/s/file"
is "$(cat "$T/out")" "lower" "squashfs on a loop device"

g 'mkdir /tmp/mq; mount -t mqueue none /tmp/mq; echo mqueue ok
mount -t bpf bpf /sys/fs/bpf && echo bpffs ok
grep -w fuse /proc/filesystems | cut -f2; test -c /dev/fuse && echo /dev/fuse
test -c /dev/net/tun && echo /dev/net/tun
cat /proc/sys/kernel/keys/maxkeys >/dev/null && echo keys ok'
is "$(cat "$T/out")" $'mqueue ok\nbpffs ok\nfuse\n/dev/fuse\n/dev/net/tun\nkeys ok' "mqueue, bpffs, FUSE, tun and keys are there"

finish
