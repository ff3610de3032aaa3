#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
# Where each Kconfig option of a Linux tree is defined, as ARCH=um sees the
# tree: the Kconfig files are read from the top-level Kconfig through every
# `source` line (SRCARCH um, HEADER_ARCH x86), so an option only another
# architecture's files define (arch/x86/Kconfig) is not listed. One line
# per option, tab separated: NAME, its type, whether it has a prompt
# (1: a fragment can set it; 0: only Kconfig sets it, from a default or a
# select) and the file that defines it first. The Debian-derived fragment (scripts/debian-config.sh) and the
# parity report (scripts/kernel-parity.sh) sort options by this location.
#
# usage: kconfig-where.pl SRCDIR
use strict;
use warnings;

my ($src) = @ARGV;
die "usage: kconfig-where.pl SRCDIR\n" unless defined $src && -f "$src/Kconfig";
my %var = (SRCARCH => 'um', ARCH => 'um', HEADER_ARCH => 'x86', SUBARCH => 'x86');
my (%file, %type, %prompt, @order, %seen);

kconfig_read('Kconfig', '');
print join("\t", $_, $type{$_} // '', $prompt{$_} ? 1 : 0, $file{$_}), "\n"
	for @order;

# One Kconfig file (relative to SRCDIR; rsource is relative to DIR).
sub kconfig_read {
	my ($rel) = @_;
	return if $seen{$rel}++;
	open(my $k, '<', "$src/$rel") or return;
	my @lines = <$k>;
	close($k);
	my ($cur, $help);
	for (my $i = 0; $i < @lines; $i++) {
		my $l = $lines[$i];
		while ($l =~ s/\\\n$// && $i + 1 < @lines) {
			$l .= $lines[++$i];
		}
		chomp $l;
		(my $exp = $l) =~ s/\t/        /g;
		my ($ind) = $exp =~ /^( *)/;
		if (defined $help) {
			next if $l =~ /^\s*$/;
			if ($help < 0) {
				$help = length($ind);
				next;
			}
			next if length($ind) >= $help;
			undef $help;
		}
		$l =~ s/^\s+//;
		if ($l =~ /^(?:menu)?config\s+(\w+)/) {
			$cur = $1;
			unless (exists $file{$cur}) {
				$file{$cur} = $rel;
				push @order, $cur;
			}
		} elsif ($l =~ /^(o?)(r?)source\s+"([^"]+)"/) {
			my ($opt, $relative, $path) = ($1, $2, $3);
			$path =~ s/\$\((\w+)\)/$var{$1} \/\/ ''/ge;
			(my $dir = $rel) =~ s{[^/]*$}{};
			$path = "$dir$path" if $relative;
			my @g = $path =~ /[*?[]/ ? map { substr($_, length($src) + 1) }
				glob("$src/$path") : ($path);
			for my $f (@g) {
				if (-f "$src/$f") {
					kconfig_read($f);
				} elsif (!$opt) {
					warn "kconfig-where: $rel sources $f, which is missing\n";
				}
			}
			$cur = undef;
		} elsif ($l =~ /^(bool|tristate|string|int|hex)\b\s*(["'])?/ ||
			 $l =~ /^def_(bool|tristate)\b/) {
			next unless defined $cur;
			$type{$cur} //= $1;
			$prompt{$cur} = 1 if $2;
		} elsif ($l =~ /^prompt\s+["']/) {
			$prompt{$cur} = 1 if defined $cur;
		} elsif ($l =~ /^(menu|choice|endmenu|endchoice|if|endif|comment|mainmenu)\b/) {
			$cur = undef;
		} elsif ($l =~ /^(help|---help---)\s*$/) {
			$help = -1;
		}
	}
}
