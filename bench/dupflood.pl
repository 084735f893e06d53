#!/usr/bin/perl
# bench/dupflood.pl: a web service definition whose N node ids all fall
# in one slot of a hash table that is indexed, as the parser's
# duplicate-key check and aml-import-ws's reference check once were, by
# the low bits of the unseeded 32-bit FNV-1a hash (offset basis
# 2166136261, prime 16777619).  With linear probing, each id added then
# walks past every id before it: quadratic work in the number of ids.
#
#	perl bench/dupflood.pl [-c] [-d] [-e] N >flood.json
#
#	N   node ids (at most 2^22)
#	-c  compact (one line), as Resource Manager sends it
#	-d  the last id once more at the end: a duplicate key
#	-e  an edge from each node to the next (reference lookups by id)
#
# A table of n keys had 2^B slots, the least power of two at or above 2n
# (and 16), so every id here has the same low B bits of its hash: 0.
# FNV-1a's low B bits depend only on the low B bits of the state before
# each byte, so they can be worked backwards: the state a 3-character
# suffix must start from to end at 0 is found for every suffix, and an
# id is a 4-character prefix whose state is one of those, followed by
# that suffix (a meet in the middle).  The result is deterministic: the
# same N gives the same bytes.
use strict;
use warnings;
use integer;

my %opt = (c => 0, d => 0, e => 0);
while (@ARGV && $ARGV[0] =~ /^-([cde]+)$/) {
	my $flags = $1;
	$opt{$_} = 1 for split //, $flags;
	shift;
}
my $n = shift;
die "usage: dupflood.pl [-c] [-d] [-e] N\n"
    if @ARGV || !defined $n || $n !~ /^[1-9][0-9]*$/ || $n > (1 << 22);

my $bits = 4;
$bits++ while (1 << $bits) < 2 * $n;
my $mask = (1 << $bits) - 1;
my $prime = 16777619;
# The prime's inverse modulo 2^24 (Newton's iteration), for going back;
# B is at most 23.
my $inv = $prime & 0xffffff;
$inv = ($inv * ((2 - $prime * $inv) & 0xffffff)) & 0xffffff for 1 .. 5;
die "dupflood.pl: no inverse\n" unless (($prime * $inv) & $mask) == 1;

my @alpha = ('a' .. 'z', 'A' .. 'Z', '0' .. '9');

# Every 3-character suffix by the state (low bits) it must start from.
my %need;
for my $x (@alpha) {
	for my $y (@alpha) {
		for my $z (@alpha) {
			my $h = 0;
			$h = (($h * $inv) ^ ord) & $mask for $z, $y, $x;
			push @{$need{$h}}, "$x$y$z";
		}
	}
}

my @ids;
PREFIX: for my $a (@alpha) {
	my $ha = ((2166136261 ^ ord $a) * $prime) & $mask;
	for my $b (@alpha) {
		my $hb = (($ha ^ ord $b) * $prime) & $mask;
		for my $c (@alpha) {
			my $hc = (($hb ^ ord $c) * $prime) & $mask;
			for my $d (@alpha) {
				my $hd = (($hc ^ ord $d) * $prime) & $mask;
				next unless $need{$hd};
				push @ids, "$a$b$c$d$_" for @{$need{$hd}};
				last PREFIX if @ids >= $n;
			}
		}
	}
}
die "dupflood.pl: only ", scalar @ids, " ids found\n" if @ids < $n;
$#ids = $n - 1;

my ($nl, $i2, $i3, $i4, $sp, $c) = $opt{c} ? ('', '', '', '', '', ':') :
    ("\n", '  ', '    ', '      ', ' ', ': ');
print "{$nl$i2\"location\"$c\"South Central US\",$nl$i2\"properties\"$c\{$nl",
    "$i3\"packageType\"$c\"Graph\",$nl$i3\"title\"$c\"FNV-1a flood, $n ids\",$nl",
    "$i3\"assets\"$c\{$nl$i4\"asset1\"$c\{$sp\"name\"$c\"Model [trained model]\",$sp",
    "\"type\"$c\"Resource\",$sp\"locationInfo\"$c\{$sp\"uri\"$c",
    "\"https://acct.blob.core.windows.net/models/m.ilearner\"$sp}$sp}$nl$i3},$nl",
    "$i3\"package\"$c\{$nl$i4\"nodes\"$c\{$nl";
push @ids, $ids[$n - 1] if $opt{d};
for my $i (0 .. $#ids) {
	print "$i4$i2\"$ids[$i]\"$c\{$sp\"assetId\"$c\"asset1\"$sp}", $i < $#ids ? ',' : '', $nl;
}
print "$i4},$nl$i4\"edges\"$c\[";
if ($opt{e}) {
	print $nl;
	for my $i (0 .. $n - 2) {
		print "$i4$i2\{$sp\"sourceNodeId\"$c\"$ids[$i]\",$sp\"sourcePortId\"$c\"out\",$sp",
		    "\"targetNodeId\"$c\"$ids[$i + 1]\",$sp\"targetPortId\"$c\"in\"$sp}",
		    $i < $n - 2 ? ',' : '', $nl;
	}
	print $i4;
}
print "],$nl$i4\"graphParameters\"$c\{}$nl$i3},$nl$i3\"parameters\"$c\{}$nl$i2}$nl}\n";
