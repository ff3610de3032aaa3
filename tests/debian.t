#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The debian flavour (--flavour debian: Debian's options built in) on both
# series, each feature a suite written for a Debian kernel reaches for,
# driven by the host tool Debian packages (make installs them): an nft
# ruleset with a set, a verdict map and conntrack state; iptables with
# owner, LOG, hashlimit and REJECT; tc with htb, netem, u32 and a gact
# action; vxlan and wireguard tunnels between two network namespaces;
# bonding; xfs, btrfs and erofs made and mounted on a scratch disk;
# dm-crypt (LUKS2) and an md raid1 on scratch disks; an AppArmor profile
# loaded and enforced; SELinux, Yama and IMA; a BPF program and map through
# bpftool; the rdma and misc cgroup controllers. Then the flavour's kernel
# against Debian's (every option the rule wants: scripts/kernel-parity.sh)
# and docker's check-config.sh. Under CI's budget
# (UMLRUN_SLOW_TIERS=cached) a series whose flavour is not built is left
# for later; DEBIAN_SERIES=6.12 runs one series.
. "$(dirname "$0")/lib.sh"
need_kernel
SERIES=${DEBIAN_SERIES:-6.12 6.1}
run=()
for KV in $SERIES; do
	if slow_deferred --flavour debian "$KV"; then
		echo "# $KV: the debian flavour is not built (UMLRUN_SLOW_TIERS=cached): later" >&2
		continue
	fi
	run+=("$KV")
done
if [ ${#run[@]} = 0 ]; then
	echo "1..0 # SKIP the debian flavour needs a full kernel build (UMLRUN_SLOW_TIERS=cached)"
	exit 0
fi
TEST_TIMEOUT=${TEST_TIMEOUT_BUILD:-5400}
# the scripts and the BPF object, where the guest sees them ($T is in the
# tree: the guest has its own /tmp)
G=$T/guest
mkdir "$G"
cat >"$G/prog.c" <<'EOF'
__attribute__((section("socket"), used)) int umlrun_filter(void *skb)
{
	return 0;
}
char _license[] __attribute__((section("license"), used)) = "GPL";
EOF
clang -O2 -target bpf -c "$G/prog.c" -o "$G/prog.o"
ok $? "a BPF socket filter compiled (clang -target bpf)"

# g SCRIPT [ARGS...]: SCRIPT (bash, -e) in the guest on the flavour of $KV,
# with the umlrun options in the array X; stdout in $T/out, status in $rc
X=()
g() {
	printf 'set -e\n%s\n' "$1" >"$G/script"
	shift
	um --kernel-version "$KV" --flavour debian ${X[@]+"${X[@]}"} -- bash "$G/script" "$@"
}
out() { cat "$T/out"; }

for KV in "${run[@]}"; do
	# control: the series' own kernel has none of it
	um --kernel-version "$KV" -- sh -c 'ip link add wg0 type wireguard || grep -cw xfs /proc/filesystems'
	is "$rc/$(cat "$T/out")" 1/0 "$KV control: the series kernel has no wireguard and no xfs"
	# the first run builds the flavour when it is not cached (an hour)
	X=()
	g 'uname -r; ip -br link | cut -d" " -f1 | tr "\n" " "; ls /sys/block | tr "\n" " "; echo
grep -cw jitterentropy_rng /proc/crypto || true'
	is "$rc" 0 "$KV: the debian flavour boots"
	[ "$rc" = 0 ] || diag <"$T/err"
	is "$(tail -1 "$T/out")" 0 "$KV: umlrun's initcall_blacklist holds (jitterentropy's boot self-test left out: no KALLSYMS_ALL)"
	# (the fallback tunnels of init_net are made before sysctl.* applies)
	unlike "$(out)" 'bond0|ifb0|teql0|wlan0|nr0|rose0|nbd0|ram0|zram0|nullb0|sda|drbd' \
		"$KV: the built-in drivers make no devices at boot (spawn.c's parameters)"

	# a checkout's .umlrun may name the flavour (it changes no isolation
	# option: only the coverage flavour, which gives the kernel layer up,
	# is refused there, tests/config.t)
	mkdir -p "$T/proj-$KV"
	printf 'flavour = debian\nkernel-version = %s\n' "$KV" >"$T/proj-$KV/.umlrun"
	cd "$T/proj-$KV"
	UMLRUN_NO_CONFIG=0 XDG_CONFIG_HOME=$T/xdg um -- sh -c 'grep -cw xfs /proc/filesystems; cat /sys/kernel/security/lockdown'
	cd "$ROOT"
	is "$rc/$(head -1 "$T/out")" 0/1 "$KV: a project file's 'flavour = debian' boots the flavour (xfs is there)"
	like "$(cat "$T/out")" '\[confidentiality\]' "  ... with the kernel layer whole"

	# --- netfilter ------------------------------------------------------------
	g 'ip link set lo up
nft -f - <<R
table inet t {
	set allowed { type ipv4_addr; elements = { 127.0.0.1 } }
	map ports { type inet_service : verdict; elements = { 7 : drop } }
	chain in {
		type filter hook input priority 0; policy accept;
		ct state established counter accept
		ct state new ip saddr @allowed counter
		tcp dport vmap @ports
	}
}
R
ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null
nft list chain inet t in | grep -o "ct state [a-z]* .*counter packets [0-9]*"
timeout 1 bash -c "echo >/dev/tcp/127.0.0.1/7" 2>/dev/null || echo "port 7: $?"
timeout 1 bash -c "echo >/dev/tcp/127.0.0.1/8" 2>/dev/null || echo "port 8: $?"'
like "$(out)" 'ct state new ip saddr @allowed counter packets 1$' \
	"$KV nft: a set matches the first echo request, conntrack calls it new"
like "$(out)" 'ct state established counter packets 3$' \
	"$KV nft: conntrack state: the reply and the second exchange are established"
like "$(out)" 'port 7: 124' "$KV nft: the verdict map drops port 7 (the connect times out)"
like "$(out)" 'port 8: 1' "$KV nft: ... and leaves port 8 alone (refused at once)"

	g 'ip link set lo up
iptables -A OUTPUT -p icmp -m owner --uid-owner 0 -j LOG --log-prefix "umlrun-owner: "
iptables -A INPUT -p icmp --icmp-type echo-request -m hashlimit --hashlimit-upto 1/min \
	--hashlimit-burst 1 --hashlimit-name pings -j ACCEPT
iptables -A INPUT -p icmp --icmp-type echo-request -j DROP
iptables -A INPUT -p tcp --dport 8000 -j REJECT --reject-with tcp-reset
socat TCP-LISTEN:8000,reuseaddr,fork SYSTEM:true &
sleep 0.3
ping -c 3 -i 0.2 -W 1 127.0.0.1 | grep -o "[0-9]* received" || true
bash -c "echo >/dev/tcp/127.0.0.1/8000" 2>&1 | head -1 | sed "s/.*: //" || true
echo "logged $(dmesg | grep -c "umlrun-owner: .*PROTO=ICMP")"
iptables -L INPUT -v -n -x | awk "\$3 == \"REJECT\" { print \"reject\", \$1 }"
kill %1'
like "$(out)" '^1 received' "$KV iptables: hashlimit lets one echo request of three through"
like "$(out)" 'Connection refused' "$KV iptables: REJECT refuses a port a listener is on"
like "$(out)" 'reject 1' "$KV iptables: ... counted by the REJECT rule"
like "$(out)" 'logged 3' "$KV iptables: owner matches root's pings, LOG writes each to the kernel log"

	# --- traffic control ----------------------------------------------------------
	g 'ip link set lo up
tc qdisc add dev lo root handle 1: htb default 10
tc class add dev lo parent 1: classid 1:10 htb rate 10mbit
tc qdisc add dev lo parent 1:10 handle 10: netem delay 100ms
ping -c 1 -W 3 127.0.0.1 | grep -o "time=[0-9]*" | sed "s/time=/rtt /"
tc -s class show dev lo | awk "/^class htb 1:10/ { getline; print \"htb sent\", \$2 }"
tc qdisc add dev lo ingress
tc filter add dev lo parent ffff: protocol ip u32 match ip protocol 1 0xff action gact drop
ping -c 2 -i 0.2 -W 1 127.0.0.1 | grep -o "[0-9]* received" || true
tc -s filter show dev lo parent ffff: | grep -o "gact action drop"
tc -s filter show dev lo parent ffff: | grep -o "Sent [0-9]* bytes [0-9]* pkt" | head -1'
rtt=$(sed -n 's/^rtt //p' "$T/out")
ok "$([ "${rtt:-0}" -ge 200 ]; echo $?)" "$KV tc: netem under an htb class delays each way by 100 ms (rtt $rtt ms)"
like "$(out)" 'htb sent [1-9]' "$KV tc: the htb class carried the traffic"
like "$(out)" '^0 received' "$KV tc: a u32 filter on ICMP with a gact drop action drops the pings"
like "$(out)" 'Sent [0-9]+ bytes 2 pkt' "$KV tc: ... and counts both"

	# --- tunnels and bonding ------------------------------------------------------
	g 'ip netns add a
ip netns add b
ip link add va netns a type veth peer name vb netns b
for n in a b; do ip -n $n link set lo up; done
ip -n a addr add 192.168.50.1/24 dev va; ip -n a link set va up
ip -n b addr add 192.168.50.2/24 dev vb; ip -n b link set vb up
ip -n a link add vx0 type vxlan id 42 remote 192.168.50.2 dstport 4789 dev va
ip -n b link add vx0 type vxlan id 42 remote 192.168.50.1 dstport 4789 dev vb
ip -n a addr add 10.42.0.1/24 dev vx0; ip -n a link set vx0 up
ip -n b addr add 10.42.0.2/24 dev vx0; ip -n b link set vx0 up
ip netns exec a ping -c 1 -W 3 10.42.0.2 | grep -o "1 received" | sed "s/^/vxlan /"
umask 077
wg genkey >/tmp/ka; wg pubkey </tmp/ka >/tmp/pa
wg genkey >/tmp/kb; wg pubkey </tmp/kb >/tmp/pb
ip -n a link add wg0 type wireguard
ip -n b link add wg0 type wireguard
ip netns exec a wg set wg0 private-key /tmp/ka listen-port 51820 \
	peer "$(cat /tmp/pb)" endpoint 192.168.50.2:51821 allowed-ips 10.43.0.2/32
ip netns exec b wg set wg0 private-key /tmp/kb listen-port 51821 \
	peer "$(cat /tmp/pa)" endpoint 192.168.50.1:51820 allowed-ips 10.43.0.1/32
ip -n a addr add 10.43.0.1/24 dev wg0; ip -n a link set wg0 up
ip -n b addr add 10.43.0.2/24 dev wg0; ip -n b link set wg0 up
ip netns exec a ping -c 1 -W 3 10.43.0.2 | grep -o "1 received" | sed "s/^/wireguard /"
ip netns exec a wg show wg0 latest-handshakes | awk "{ print \"handshake\", (\$2 > 0) ? \"done\" : \"none\" }"
ip netns exec b wg show wg0 transfer | awk "{ print \"transfer\", (\$2 > 0 && \$3 > 0) ? \"both ways\" : \"no\" }"
ip netns exec a ip -br link | grep -c "@NONE" | sed "s/^/tunnels in a new namespace: /"'
like "$(out)" 'vxlan 1 received' "$KV: a vxlan tunnel between two network namespaces carries a ping"
like "$(out)" 'wireguard 1 received' "$KV: a wireguard tunnel between them carries a ping"
like "$(out)" 'handshake done' "$KV wireguard: the peers did a handshake"
like "$(out)" 'transfer both ways' "$KV wireguard: ... and moved data both ways"
like "$(out)" 'tunnels in a new namespace: 0' "$KV: no fallback tunnel devices in a new network namespace"

	g 'ip link add bond0 type bond mode active-backup miimon 100
ip link add d1 type dummy
ip link add d2 type dummy
ip link set d1 master bond0
ip link set d2 master bond0
ip link set bond0 up
grep -E "Bonding Mode|Slave Interface" /proc/net/bonding/bond0 | tr "\n" " "'
is "$(out)" "Bonding Mode: fault-tolerance (active-backup) Slave Interface: d1 Slave Interface: d2 " \
	"$KV: an active-backup bond of two ports"

	# --- filesystems and block layers -----------------------------------------
	X=(--disk-size 512M)
	g 'mkdir /tmp/x
for fs in xfs btrfs; do
	mkfs.$fs -f /dev/ubda >/dev/null
	mount -t $fs /dev/ubda /tmp/x
	echo "hello $fs" >/tmp/x/f
	umount /tmp/x
	mount -t $fs -o ro /dev/ubda /tmp/x
	echo "$(findmnt -no FSTYPE /tmp/x): $(cat /tmp/x/f)"
	umount /tmp/x
done
mkdir /tmp/src
echo "hello erofs" >/tmp/src/f
mkfs.erofs -zlz4 /dev/ubda /tmp/src >/dev/null
mount -t erofs /dev/ubda /tmp/x
echo "$(findmnt -no FSTYPE /tmp/x): $(cat /tmp/x/f)"
umount /tmp/x'
is "$(out)" "$(printf 'xfs: hello xfs\nbtrfs: hello btrfs\nerofs: hello erofs')" \
	"$KV: xfs, btrfs and erofs (lz4) made on a scratch disk, written, mounted again and read"
[ "$rc" = 0 ] || diag <"$T/err"

	X=(--disk-size 64M --disk-size 64M --disk-size 64M)
	g 'printf "a passphrase" >/tmp/key
cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
	--key-file /tmp/key /dev/ubda
cryptsetup open --key-file /tmp/key /dev/ubda c
dmsetup table c | awk "{ print \$3, \$4 }"
echo "through dm-crypt" | dd of=/dev/mapper/c bs=512 conv=sync status=none
cryptsetup close c
grep -q "through dm-crypt" /dev/ubda || echo "not on the disk in clear"
cryptsetup open --key-file /tmp/key /dev/ubda c
head -c 16 /dev/mapper/c; echo
cryptsetup close c
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --metadata=1.2 /dev/ubdb /dev/ubdc 2>/dev/null
grep -A1 "^md0" /proc/mdstat | grep -o "active raid1\|\[UU\]" | tr "\n" " "; echo
echo "mirrored" | dd of=/dev/md0 bs=512 conv=sync status=none
sync
mdadm --stop /dev/md0 2>/dev/null
grep -c mirrored /dev/ubdb /dev/ubdc | tr "\n" " "'
like "$(out)" '^crypt aes-xts-plain64' "$KV: a LUKS2 volume opened through dm-crypt"
like "$(out)" 'not on the disk in clear' "$KV dm-crypt: what was written is not on the disk in clear"
like "$(out)" 'through dm-crypt' "$KV dm-crypt: ... and reads back through the mapping"
like "$(out)" 'active raid1 \[UU\]' "$KV: an md raid1 of two scratch disks, both in sync"
like "$(out)" '/dev/ubdb:1 /dev/ubdc:1' "$KV md: a block written to the array is on both disks"
[ "$rc" = 0 ] || diag <"$T/err"

	# --- security modules -------------------------------------------------------
	X=()
	g 'cat /sys/kernel/security/lsm; echo
cat /sys/kernel/security/lockdown'
lsm_default=$(head -1 "$T/out")
like "$lsm_default" '^lockdown,capability' "$KV: the default security modules: $lsm_default"
unlike "$lsm_default" 'apparmor|selinux|tomoyo' "$KV: ... no MAC module active unless asked for (the default kernel's behaviour)"

	X=(--append lsm=landlock,lockdown,yama,apparmor)
	g 'cat /sys/kernel/security/lsm; echo
cat /sys/kernel/security/lockdown
cat >/tmp/prof <<P
abi <abi/3.0>,
profile umlrun-test {
  /usr/** rm,
  /lib/** rm,
  /etc/ld.so.cache r,
  /etc/hostname r,
  deny /etc/passwd r,
}
P
apparmor_parser -r /tmp/prof
grep umlrun-test /sys/kernel/security/apparmor/profiles
aa-exec -p umlrun-test -- cat /etc/hostname >/dev/null && echo "hostname: read"
aa-exec -p umlrun-test -- cat /etc/passwd 2>&1 | sed "s/.*: //"
cat /etc/passwd >/dev/null && echo "unconfined: read"'
like "$(out)" 'apparmor' "$KV: --append lsm=... makes AppArmor active"
like "$(out)" '\[confidentiality\]' "$KV: ... and lockdown holds whatever the list (an early LSM)"
like "$(out)" 'umlrun-test \(enforce\)' "$KV AppArmor: a profile loaded with apparmor_parser, enforcing"
like "$(out)" 'hostname: read' "$KV AppArmor: the profile lets what it allows be read"
like "$(out)" 'Permission denied' "$KV AppArmor: ... and denies /etc/passwd"
like "$(out)" 'unconfined: read' "$KV AppArmor: ... to the confined process only"
[ "$rc" = 0 ] || diag <"$T/err"

	X=(--append "lsm=lockdown,capability,yama,integrity,selinux ima_policy=tcb")
	g 'cat /sys/kernel/security/lsm; echo
mount -t selinuxfs selinuxfs /sys/fs/selinux
echo "selinux enforce $(cat /sys/fs/selinux/enforce)"
sleep 5 & p=$!
( exec 3</proc/$p/mem ) 2>/dev/null && echo "yama 0: mem opened"
echo 3 >/proc/sys/kernel/yama/ptrace_scope
( exec 3</proc/$p/mem ) 2>/dev/null || echo "yama 3: mem refused"
kill $p
echo "ima measured $(grep -c . /sys/kernel/security/ima/ascii_runtime_measurements)"'
like "$(out)" 'selinux' "$KV: SELinux active with lsm=..."
like "$(out)" 'selinux enforce 0' "$KV SELinux: selinuxfs mounted, permissive without a policy"
like "$(out)" 'yama 0: mem opened' "$KV Yama: ptrace_scope 0 lets root attach"
like "$(out)" 'yama 3: mem refused' "$KV Yama: ptrace_scope 3 refuses it"
ima=$(sed -n 's/^ima measured //p' "$T/out")
ok "$([ "${ima:-0}" -gt 10 ]; echo $?)" "$KV IMA: the tcb policy measured what ran ($ima entries)"

	# --- BPF and cgroups ------------------------------------------------------------
	X=()
	g 'mount -t bpf bpf /sys/fs/bpf
bpftool prog load "$1" /sys/fs/bpf/umlrun_prog
bpftool prog show pinned /sys/fs/bpf/umlrun_prog | grep -o "socket_filter  name [a-z_]*"
bpftool map create /sys/fs/bpf/umlrun_map type hash key 4 value 4 entries 8 name umlrun_map
bpftool map update pinned /sys/fs/bpf/umlrun_map key 1 0 0 0 value 42 0 0 0
bpftool map lookup pinned /sys/fs/bpf/umlrun_map key 1 0 0 0' "$G/prog.o"
like "$(out)" 'socket_filter  name umlrun_filter' "$KV bpftool: a socket filter loaded and pinned"
like "$(out)" 'value: 2a 00 00 00' "$KV bpftool: a hash map made, written and read"

	g 'cd /sys/fs/cgroup
cat cgroup.controllers
echo "+rdma +misc" >cgroup.subtree_control
mkdir g
ls g | grep -E "^(rdma|misc)\.max$" | tr "\n" " "'
like "$(out)" 'rdma misc' "$KV: the rdma and misc cgroup controllers are there"
like "$(out)" 'misc.max rdma.max' "$KV: ... and enabled for a child group"

	# --- the kernel against Debian's, and docker's view ----------------------
	dir=$("$ROOT/scripts/build-kernel.sh" --where --flavour debian "$KV")
	"$ROOT/scripts/kernel-parity.sh" --config "$dir/config" "$KV" >"$T/out" 2>"$T/err"
	is "$?" 0 "$KV: the flavour has every option of Debian's the rule wants (make parity)"
	[ ! -s "$T/err" ] || diag <"$T/err"
	diag <"$T/out"
	is "$(docker_missing "$dir/config" "Generally Necessary" Limits)" "CONFIG_AUFS_FS CONFIG_CGROUP_HUGETLB CONFIG_CGROUP_PERF CONFIG_CPUSETS CONFIG_MEMCG_SWAP CONFIG_RT_GROUP_SCHED " \
		"$KV: docker's check-config.sh misses only what the README names (no SMP, no huge pages, gone, ...)"
done
finish
