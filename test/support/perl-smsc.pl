#!/usr/bin/perl
# An independent SMSC for contract tests, built on Debian's Net::SMPP (libnet-smpp-perl), so our
# SMPP client is checked against a peer that shares none of our code. It accepts bind_transceiver
# (system_id/password from the command line), decodes submit_sm itself (GSM 03.38 or UCS2, with
# concatenation UDH), prints one JSON line per event on stdout, and answers each complete message
# with a deliver_sm delivery receipt (TLVs and the "id:... stat:..." text).
#
# usage: perl perl-smsc.pl PORT SYSTEM_ID PASSWORD     (PORT 0 = any free port)
use strict;
use warnings;
use utf8;
use Net::SMPP;
use JSON::PP;
use Encode qw(decode);

$| = 1;
my ($port, $system_id, $password) = @ARGV;
$port //= 0;
my $json = JSON::PP->new->canonical->ascii;
sub emit { print $json->encode($_[0]), "\n"; }

# GSM 03.38 basic table (index = septet) and the extension table (after ESC 0x1B).
my @gsm = split //, "\@£\$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x{1B}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
my %gsm_ext = (0x0A => "\f", 0x14 => '^', 0x28 => '{', 0x29 => '}', 0x2F => '\\', 0x3C => '[', 0x3D => '~', 0x3E => ']', 0x40 => '|', 0x65 => '€');

sub decode_gsm {
    my @bytes = unpack 'C*', $_[0];
    my $text = '';
    for (my $i = 0; $i < @bytes; $i++) {
        if ($bytes[$i] == 0x1B && $i + 1 < @bytes) { $text .= $gsm_ext{$bytes[++$i]} // ' '; }
        else { $text .= $gsm[$bytes[$i] & 0x7F]; }
    }
    return $text;
}

sub decode_text {
    my ($data_coding, $bytes) = @_;
    return decode('UTF-16BE', $bytes) if ($data_coding & 0x0F) == 8;
    return decode('ISO-8859-1', $bytes) if ($data_coding & 0x0F) == 3;
    return decode_gsm($bytes);
}

my $listen = Net::SMPP->new_listen('127.0.0.1', port => $port, smpp_version => 0x34, async => 1, timeout => 3600)
    or die "cannot listen: $!";
emit({ event => 'listening', port => $listen->sockport });

my $next_id = 7000;
while (1) {
    my $c = $listen->accept or next;
    my %pending;    # "dest/ref" => { total, parts => { seq => text } }
    while (my $pdu = $c->read_pdu()) {
        my $cmd = $pdu->{cmd};
        if ($cmd == Net::SMPP::CMD_bind_transceiver) {
            my $ok = $pdu->{system_id} eq $system_id && $pdu->{password} eq $password;
            $c->bind_transceiver_resp(system_id => 'perl-smsc', seq => $pdu->{seq}, status => $ok ? 0 : 0x0E);
            emit({ event => 'bind', system_id => $pdu->{system_id}, ok => $ok ? JSON::PP::true : JSON::PP::false });
        } elsif ($cmd == Net::SMPP::CMD_submit_sm) {
            my $id = 'perl' . $next_id++;
            $c->submit_sm_resp(message_id => $id, seq => $pdu->{seq});
            my $sm = $pdu->{short_message};
            my ($ref, $total, $part) = (0, 1, 1);
            if ($pdu->{esm_class} & 0x40) {
                my $udhl = unpack 'C', $sm;
                my $udh = substr($sm, 1, $udhl);
                $sm = substr($sm, 1 + $udhl);
                my $i = 0;
                while ($i + 1 < length $udh) {
                    my ($iei, $len) = unpack 'CC', substr($udh, $i, 2);
                    if ($iei == 0x00 && $len == 3) { ($ref, $total, $part) = unpack 'CCC', substr($udh, $i + 2, 3); }
                    if ($iei == 0x08 && $len == 4) { ($ref, $total, $part) = unpack 'nCC', substr($udh, $i + 2, 4); }
                    $i += 2 + $len;
                }
            }
            my $key = "$pdu->{destination_addr}/$ref";
            $pending{$key} //= { total => $total, parts => {} };
            $pending{$key}{parts}{$part} = decode_text($pdu->{data_coding}, $sm);
            next if scalar(keys %{ $pending{$key}{parts} }) < $total;
            my $text = join '', map { $pending{$key}{parts}{$_} } sort { $a <=> $b } keys %{ $pending{$key}{parts} };
            delete $pending{$key};
            emit({ event => 'message', destination => $pdu->{destination_addr}, source => $pdu->{source_addr},
                   data_coding => $pdu->{data_coding}, parts => $total, message_id => $id, text => $text });
            next unless $pdu->{registered_delivery} & 1;
            my $stamp = sprintf '%02d%02d%02d%02d%02d', (gmtime)[5] % 100, (gmtime)[4] + 1, (gmtime)[3], (gmtime)[2], (gmtime)[1];
            $c->deliver_sm(
                source_addr => $pdu->{destination_addr}, source_addr_ton => 1, source_addr_npi => 1,
                destination_addr => $pdu->{source_addr}, esm_class => 0x04, data_coding => 0,
                short_message => "id:$id sub:001 dlvr:001 submit date:$stamp done date:$stamp stat:DELIVRD err:000 text:",
                receipted_message_id => "$id\0", message_state => chr(2),
            );
            emit({ event => 'receipt', message_id => $id });
        } elsif ($cmd == Net::SMPP::CMD_enquire_link) {
            $c->enquire_link_resp(seq => $pdu->{seq});
        } elsif ($cmd == Net::SMPP::CMD_unbind) {
            $c->unbind_resp(seq => $pdu->{seq});
            emit({ event => 'unbind' });
            last;
        }
        # responses (deliver_sm_resp, enquire_link_resp) need no answer
    }
    close $c;
}
