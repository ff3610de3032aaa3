#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
# Sort Debian's kernel options by the rule the Debian-derived fragment is
# made with (scripts/debian-config.sh) and the parity report reads
# (scripts/kernel-parity.sh). Each option Debian's configuration turns on
# (=y or =m; values other than y and m are not taken) gets one line:
#
#   NAME <tab> VERDICT <tab> REASON <tab> FILE <tab> AREA
#
# VERDICT is one of
#   derived   it goes into the fragment, built in (=m becomes =y)
#   excluded  a line of the exclusion file matched it; REASON is that line's
#   absent    no Kconfig file ARCH=um reads defines it (arch/x86/Kconfig's
#             options, and options this tree does not have)
#   implied   it has no prompt: only Kconfig sets it (a default, a select),
#             so a fragment cannot; it follows from the options that do
# FILE is where it is defined (WHERE, from scripts/kconfig-where.pl), AREA
# the parity report's area for it.
#
# The exclusion file has one pattern and its reason a line; the first line
# that matches an option decides, so a `!PATTERN reason` line (kept: the
# option is derived) before a broader pattern takes options out of it. A
# pattern is an option glob (CONFIG_X, CONFIG_X_*) or a location: a folder
# ending in / (every option defined in a Kconfig file beneath it) or a
# Kconfig file, globs allowed. A reason starts with its class and a colon
# ("hardware: ..."). A pattern written SERIES:PATTERN (6.1:CONFIG_X) is
# for that kernel series only. Lines may be continued with a trailing
# backslash.
#
# usage: debian-options.pl [--series SERIES] DEBIAN_CONFIG WHERE EXCLUDE
use strict;
use warnings;

my $series = '';
if (@ARGV && $ARGV[0] eq '--series') {
	(undef, $series) = splice(@ARGV, 0, 2);
}
my ($debian, $where, $exclude) = @ARGV;
die "usage: debian-options.pl [--series SERIES] DEBIAN_CONFIG WHERE EXCLUDE\n"
	unless defined $exclude;

my (%file, %prompt, @rules);
open(my $fh, '<', $where) or die "debian-options: $where: $!\n";
while (<$fh>) {
	chomp;
	my ($name, $type, $p, $f) = split /\t/;
	$file{$name} = $f;
	$prompt{$name} = $p;
}
close($fh);

open($fh, '<', $exclude) or die "debian-options: $exclude: $!\n";
my $n = 0;
while (my $l = <$fh>) {
	$n++;
	while ($l =~ s/\\\n$/ / && defined(my $next = <$fh>)) {
		$n++;
		$l .= $next;
	}
	chomp $l;
	next if $l =~ /^\s*(#|$)/;
	my ($pat, $reason) = $l =~ /^(\S+)\s+(\S.*?)\s*$/ or
		die "debian-options: $exclude:$n: a pattern and its reason\n";
	$reason =~ s/\s+/ /g;
	die "debian-options: $exclude:$n: the reason starts with its class (\"hardware: ...\")\n"
		unless $reason =~ /^[a-z-]+: \S/;
	my $keep = $pat =~ s/^!//;
	if ($pat =~ s/^([0-9.]+)://) {
		next if $1 ne $series;
	}
	my $what = $pat =~ /^CONFIG_/ ? 'option' : 'location';
	my $re = quotemeta($what eq 'option' ? substr($pat, 7) : $pat);
	$re =~ s/\\\*/.*/g;
	$re =~ s/\\\?/./g;
	$re = $what eq 'location' && $pat =~ m{/$} ? "^$re" : "^$re\$";
	push @rules, { keep => $keep, what => $what, re => qr/$re/,
		       reason => $reason, line => $n };
}
close($fh);

open($fh, '<', $debian) or die "debian-options: $debian: $!\n";
while (<$fh>) {
	next unless /^CONFIG_(\w+)=([ym])$/;
	my $name = $1;
	my $f = $file{$name};
	my ($verdict, $reason) = ('derived', '');
	if (!defined $f) {
		($verdict, $reason) = ('absent', 'uml: not an option for ARCH=um');
		$f = '';
	} elsif (!$prompt{$name}) {
		($verdict, $reason) = ('implied', 'kconfig: no prompt, set by Kconfig');
	} else {
		for my $r (@rules) {
			next unless ($r->{what} eq 'option' ? $name : $f) =~ $r->{re};
			($verdict, $reason) = $r->{keep} ? ('derived', $r->{reason}) :
				('excluded', $r->{reason});
			last;
		}
	}
	print join("\t", $name, $verdict, $reason, $f, area($name, $f)), "\n";
}
close($fh);

# The parity report's area of an option: by its location first (netfilter
# and tc options keep their area whatever their name), then by name, then
# by location again.
sub area {
	my ($name, $f) = @_;
	return 'netfilter' if $f =~ m{^net/(netfilter|ipv4/netfilter|ipv6/netfilter|bridge/netfilter)/};
	return 'tc' if $f =~ m{^net/sched/};
	return 'cgroups' if $name =~ /CGROUP|^MEMCG|^CPUSETS|^CFS_BANDWIDTH$|_GROUP_SCHED$|^BLK_DEV_THROTTLING|^PAGE_COUNTER$/;
	return 'namespaces' if $name =~ /^NAMESPACES$|_NS$/;
	return 'BPF' if $name =~ /(^|_)BPF(_|$)/;
	return 'LSMs' if $f =~ m{^security/} || $name =~ /^(SECURITY|LSM|AUDIT)/;
	return 'crypto' if $f =~ m{^(crypto|lib/crypto|arch/x86/crypto)/} || $name =~ /^CRYPTO_/;
	return 'fs' if $f =~ m{^fs/};
	return 'block' if $f =~ m{^(block|drivers/block|drivers/md|drivers/nvme|drivers/target|drivers/scsi)/};
	return 'net' if $f =~ m{^(net|drivers/net)/};
	return 'other';
}
