#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
# Check that every line of a fragment landed in a kernel .config, as
# check-config.sh does, and for each one that did not say what stopped it,
# as menuconfig's help would: the option's `depends on` (its own, and the
# `if` and `menu` blocks around it in its file) with the current value of
# each symbol, the unmet ones first; who `select`s an option wanted off; a
# bool asked to be m; an option this tree (or ARCH=um) does not have. The
# scripts/kconfig tools have no batch "why", so this reads the Kconfig
# files itself; a dependency that comes from a block in another file (an
# `if` around a `source`) is not seen, and then it says so.
#
# usage: kconfig-why.pl [--absent FILE] SRCDIR DOTCONFIG FRAGMENT
# Exit status 0 when every line landed, 1 otherwise (one line each on stderr).
# --absent FILE: a line for an option this tree (or ARCH=um) does not have
# at all goes to FILE instead, and does not count (a tree of another
# version than our fragments were written for, --kernel-tree).
use strict;
use warnings;
use File::Find;

my $absent;
if (@ARGV && $ARGV[0] eq '--absent') {
	shift @ARGV;
	$absent = shift @ARGV;
}
my ($src, $dotconfig, $frag) = @ARGV;
die "usage: kconfig-why.pl [--absent FILE] SRCDIR DOTCONFIG FRAGMENT\n" unless defined $frag;
if (defined $absent) {
	open(my $a, '>', $absent) or die "kconfig-why: $absent: $!\n";
	close($a);
}

my %val;
open(my $fh, '<', $dotconfig) or die "kconfig-why: $dotconfig: $!\n";
while (<$fh>) {
	$val{$1} = $2 if /^CONFIG_(\w+)=(.*)$/;
}
close($fh);

my @want;
open($fh, '<', $frag) or die "kconfig-why: $frag: $!\n";
while (<$fh>) {
	chomp;
	if (/^# CONFIG_(\w+) is not set$/) {
		push @want, [ $_, $1, undef ] if exists $val{$1};
	} elsif (/^CONFIG_(\w+)=(.*)$/) {
		push @want, [ $_, $1, $2 ] unless ($val{$1} // "") eq $2;
	}
}
close($fh);
exit 0 unless @want;

my %wanted = map { $_->[1] => 1 } @want;
my (%defs, %selects);
find({ no_chdir => 1, wanted => sub {
	return unless -f && m{/Kconfig[^/]*$};
	kconfig_read($File::Find::name);
} }, $src);

my $bad = 0;
for my $w (@want) {
	my ($line, $sym, $v) = @$w;
	my $have = exists $val{$sym} ? "CONFIG_$sym=$val{$sym}" : "not set";
	if (defined $absent && !exists $val{$sym} && !grep { is_um($_) } @{ $defs{$sym} // [] }) {
		open(my $a, '>>', $absent) or die "kconfig-why: $absent: $!\n";
		print $a "$line\n";
		close($a);
		next;
	}
	my $why = why($sym, $v);
	print STDERR "config: $line did not land (have: $have): $why\n";
	$bad = 1;
}
exit $bad;

# Is this definition of a symbol one ARCH=um sees (not another
# architecture's)?
sub is_um {
	my ($d) = @_;
	# arch/Kconfig is every architecture's
	return $d->{file} !~ m{^arch/(?!um/|x86/um/)[^/]+/};
}

# One Kconfig file: the entries of the wanted symbols with their
# dependencies, and every `select` of a wanted symbol.
sub kconfig_read {
	my ($file) = @_;
	my (@stack, $cur, $help, $block);
	my $rel = substr($file, length($src) + 1);
	open(my $k, '<', $file) or return;
	my @lines = <$k>;
	close($k);
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
		$l =~ s/\s+#.*$// unless $l =~ /"/;
		if ($l =~ /^(menu)?config\s+(\w+)/) {
			$cur = { sym => $2, file => $rel, deps => [ map { @$_ } @stack ] };
			push @{ $defs{$2} }, $cur if $wanted{$2};
			$block = undef;
		} elsif ($l =~ /^(menu|choice)\b/) {
			push @stack, [];
			$block = $stack[-1];
			$cur = undef;
		} elsif ($l =~ /^if\s+(.*)/) {
			push @stack, [ $1 ];
			$cur = $block = undef;
		} elsif ($l =~ /^(endif|endmenu|endchoice)\b/) {
			pop @stack;
			$cur = $block = undef;
		} elsif ($l =~ /^(comment|source|mainmenu)\b/) {
			$cur = $block = undef;
		} elsif ($l =~ /^depends\s+on\s+(.*)/) {
			if ($cur) {
				push @{ $cur->{deps} }, $1;
			} elsif ($block) {
				push @$block, $1;
			}
		} elsif ($l =~ /^(bool|tristate|string|int|hex|def_bool|def_tristate)\b/) {
			$cur->{type} = $1 if $cur;
		} elsif ($l =~ /^(select|imply)\s+(\w+)(?:\s+if\s+(.*))?/) {
			push @{ $selects{$2} }, [ $cur->{sym}, $3, $1 ]
				if $cur && $wanted{$2} && $1 eq 'select';
		} elsif ($l =~ /^(help|---help---)\s*$/) {
			$help = -1;
		}
	}
}

# Why SYM is not what was asked (V, or undef for off).
sub why {
	my ($sym, $v) = @_;
	my @d = grep { is_um($_) } @{ $defs{$sym} // [] };
	if (!@d) {
		my @other = @{ $defs{$sym} // [] };
		return @other ? "not an option for ARCH=um (only in $other[0]{file})" :
			"no such option in this tree";
	}
	if (!defined $v) {
		my @by = grep { value($_->[0]) ne 'n' && (!defined $_->[1] || tri($_->[1])) }
			@{ $selects{$sym} // [] };
		return "selected by " . join(', ', map { "$_->[0] [=" . value($_->[0]) . "]" } @by)
			if @by;
	}
	my $type = (grep { defined } map { $_->{type} } @d)[0] // '';
	return "$sym is a bool: y or n" if defined $v && $v eq 'm' && $type =~ /bool/;
	my (@unmet, @met);
	for my $e (map { @{ $_->{deps} } } @d) {
		push @{ tri($e) ? \@met : \@unmet }, annotate($e);
	}
	return "depends on " . join(' && ', @unmet) . " ($d[0]{file})" if @unmet;
	return "its dependencies are met (" . (@met ? join(' && ', @met) : 'none') .
		"); something outside $d[0]{file} decides it (a block around its source line, a choice, a range or a select)";
}

sub value {
	my ($s) = @_;
	return $val{$s} // 'n';
}

# EXPR with [=value] after each symbol, as menuconfig shows it.
sub annotate {
	my ($e) = @_;
	my @parts = split /("[^"]*"|\$\([^()]*\))/, $e;
	for (@parts) {
		next if /^("|\$\()/;
		s/\b([A-Za-z_][A-Za-z0-9_]*)\b/sym_shown($1)/ge;
	}
	return join '', @parts;
}

# A symbol as menuconfig shows it in an expression: y, m and n as they are.
sub sym_shown {
	my ($s) = @_;
	return $s =~ /^[ymn]$/ ? $s : "$s [=" . value($s) . "]";
}

# Kconfig's tristate logic on EXPR: true unless it evaluates to n.
sub tri {
	my ($e) = @_;
	my @t = $e =~ /("[^"]*"|&&|\|\||!=|<=|>=|[!()=<>]|[A-Za-z0-9_.-]+)/g;
	my $pos = 0;
	my $r = eval { parse_or(\@t, \$pos) };
	return defined $r ? $r > 0 : 1;
}

sub parse_or {
	my ($t, $p) = @_;
	my $v = parse_and($t, $p);
	while ($$p < @$t && $t->[$$p] eq '||') {
		$$p++;
		my $w = parse_and($t, $p);
		$v = $w > $v ? $w : $v;
	}
	return $v;
}

sub parse_and {
	my ($t, $p) = @_;
	my $v = parse_not($t, $p);
	while ($$p < @$t && $t->[$$p] eq '&&') {
		$$p++;
		my $w = parse_not($t, $p);
		$v = $w < $v ? $w : $v;
	}
	return $v;
}

sub parse_not {
	my ($t, $p) = @_;
	my $tok = $t->[$$p++] // die;
	if ($tok eq '!') {
		return 2 - parse_not($t, $p);
	}
	if ($tok eq '(') {
		my $v = parse_or($t, $p);
		$$p++;
		return $v;
	}
	my $a = atom($tok);
	if ($$p < @$t && $t->[$$p] =~ /^(=|!=|<|>|<=|>=)$/) {
		my $op = $t->[$$p++];
		my $b = atom($t->[$$p++] // die);
		my $c = ($a =~ /^-?\d+$/ && $b =~ /^-?\d+$/) ? $a <=> $b : $a cmp $b;
		my %ops = ('=' => $c == 0, '!=' => $c != 0, '<' => $c < 0,
			   '>' => $c > 0, '<=' => $c <= 0, '>=' => $c >= 0);
		return $ops{$op} ? 2 : 0;
	}
	return { y => 2, m => 1 }->{$a} // 0;
}

sub atom {
	my ($tok) = @_;
	return $1 if $tok =~ /^"(.*)"$/;
	return $tok if $tok =~ /^[ymn]$/ || $tok =~ /^-?\d+$/;
	my $v = value($tok);
	$v =~ s/^"(.*)"$/$1/;
	return $v;
}
