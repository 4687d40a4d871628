#!/usr/bin/perl
# Run Debian's Sisimai (4.25, libsisimai-perl) over email files and print one JSON line per file,
# in the order given, the same shape as `smtpbot explain --json --files`:
#
#   {"source": PATH, "findings": [{"reason": ..., "status": ..., "replycode": ..., "recipient": ...,
#                                  "softbounce": 1|0|-1}, ...]}
#   {"source": PATH, "findings": [], "error": "..."}        when Sisimai died on that file
#
# and, last, {"summary": {"files": N, "load_s": S, "parse_s": S}}: load_s is the time to load every
# Sisimai module (the counterpart of smtpbot's Engine.load()), parse_s the time spent inside
# Sisimai->make over all files, file reading included. bench/compare_sisimai.py drives this.
#
#   perl bench/sisimai_dump.pl FILE...
#   perl bench/sisimai_dump.pl - < list-of-paths
use strict;
use warnings;
use Time::HiRes qw(time);
use JSON::PP;

my $started = time;
require Sisimai;
# Sisimai loads its MTA modules lazily on the first email that needs them; load them all up front so
# that parse_s measures parsing, as smtpbot's in-process figure excludes Engine.load().
Sisimai->engine;
Sisimai->reason;
require Sisimai::Data;
require Sisimai::Message;
require Sisimai::Mail;
my $load_s = time - $started;

my @files = @ARGV;
if (@files == 1 && $files[0] eq '-') {
    @files = map { chomp; $_ } grep { /\S/ } <STDIN>;
}

my $json = JSON::PP->new->canonical->utf8;
$| = 0;
my $parse_s = 0;
for my $path (@files) {
    my @findings;
    my $error;
    my $t0 = time;
    my $ok = eval {
        # 'delivered' => 1 so that a success DSN is reported as "delivered" instead of nothing
        my $records = Sisimai->make($path, 'delivered' => 1) // [];
        for my $r (@$records) {
            push @findings, {
                'reason'     => $r->reason // '',
                'status'     => $r->deliverystatus // '',
                'replycode'  => $r->replycode // '',
                'recipient'  => ($r->recipient ? $r->recipient->address : '') // '',
                'softbounce' => $r->softbounce // -1,
            };
        }
        1;
    };
    $parse_s += time - $t0;
    unless ($ok) {
        $error = $@ || 'unknown error';
        $error =~ s/\s+\z//;
        @findings = ();
    }
    my $line = { 'source' => $path, 'findings' => \@findings };
    $line->{'error'} = $error if defined $error;
    my $text = eval { $json->encode($line) };
    # a field Sisimai decoded into something JSON::PP cannot encode must not lose the file
    $text //= $json->encode({ 'source' => $path, 'findings' => [], 'error' => 'could not encode result' });
    print $text, "\n";
}
print $json->encode({ 'summary' => {
    'files'   => scalar @files,
    'load_s'  => $load_s + 0,
    'parse_s' => $parse_s + 0,
} }), "\n";
