"""The DNS the diagnosis tests read: one `test.` zone, TEST-NET reverse zones and DNSBL lists.

Only `.test` names (RFC 2606) and TEST-NET addresses (RFC 5737, RFC 3849). DKIM keys are made by
openssl when the servers start, so key sizes are real keys' sizes.
"""

from __future__ import annotations

import base64
import subprocess

SOA = "@ SOA ns.test. hostmaster.test. 1 3600 600 86400 120\n@ NS ns.test.\n"


def rsa_public_key(bits: int) -> str:
    private = subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{bits}"],
        capture_output=True,
        check=True,
    ).stdout
    der = subprocess.run(
        ["openssl", "pkey", "-pubout", "-outform", "DER"], input=private, capture_output=True, check=True
    ).stdout
    return base64.b64encode(der).decode()


def txt(value: str) -> str:
    """A TXT value as zone-file strings of at most 200 characters (one string holds 255)."""
    return " ".join(f'"{value[i : i + 200]}"' for i in range(0, len(value), 200))


def test_zone() -> str:
    keys = {bits: rsa_public_key(bits) for bits in (512, 1024, 2048)}
    ed25519 = base64.b64encode(bytes(range(32))).decode()
    many = " ".join(f"include:inc{n}.test" for n in range(1, 7))
    return (
        "$ORIGIN test.\n$TTL 300\n"
        + SOA
        + "ns A 127.0.0.1\n"
        # mx
        + "good MX 10 mx1.good\ngood MX 20 mx2.good\nmx1.good A 192.0.2.10\nmx2.good AAAA 2001:db8::10\n"
        + "nullmx MX 0 .\n"
        + "implicit A 192.0.2.20\n"
        + 'noaddr MX 10 ghost.noaddr\nnoaddr TXT "v=spf1 -all"\n'
        + "partial MX 10 mx1.good\npartial MX 20 ghost.partial\n"
        # spf
        + f'good TXT {txt("v=spf1 ip4:192.0.2.0/29 mx -all")}\ngood TXT "an unrelated TXT record"\n'
        + 'twospf TXT "v=spf1 -all"\ntwospf TXT "v=spf1 ip4:192.0.2.1 -all"\n'
        + 'badspf TXT "v=spf1 ip4:192.0.2.300 -all"\n'
        + 'unknownspf TXT "v=spf1 foo:bar.test -all"\n'
        + f'manyinc TXT "v=spf1 {many} -all"\n'
        + "".join(f'inc{n} TXT "v=spf1 a mx -all"\ninc{n} A 192.0.2.{40 + n}\n' for n in range(1, 7))
        + 'voids TXT "v=spf1 a:v1.nothing.test a:v2.nothing.test a:v3.nothing.test -all"\n'
        + 'softfail TXT "v=spf1 include:good.test ~all"\n'
        + 'redirect TXT "v=spf1 redirect=good.test"\n'
        + 'macro TXT "v=spf1 exists:%{i}.allow.macro.test -all"\n192.0.2.7.allow.macro A 127.0.0.2\n'
        + 'localpart TXT "v=spf1 exists:%{l}.users.localpart.test -all"\n'
        + 'noinclude TXT "v=spf1 include:implicit.test -all"\n'
        + 'loop TXT "v=spf1 include:loop.test -all"\n'
        + 'viaptr TXT "v=spf1 ptr:good.test ip6:2001:db8:1::/48 -all"\n'
        + 'badredirect TXT "v=spf1 redirect=implicit.test"\n'
        + '_dmarc.reports TXT "v=DMARC1; p=quarantine; sp=reject; np=reject; rua=mailto:a@reports.test,'
        + ' mailto:b@reports.test; ruf=mailto:f@reports.test"\n'
        # dmarc
        + '_dmarc.good TXT "v=DMARC1; p=reject; rua=mailto:dmarc@good.test"\nsub.good A 192.0.2.30\n'
        + '_dmarc.none TXT "v=DMARC1; p=none"\n'
        + '_dmarc.twodmarc TXT "v=DMARC1; p=reject"\n_dmarc.twodmarc TXT "v=DMARC1; p=none"\n'
        + '_dmarc.badp TXT "v=DMARC1; p=maybe"\n'
        + '_dmarc.spdomain TXT "v=DMARC1; p=reject; sp=none; rua=mailto:r@spdomain.test"\n'
        # dkim
        + f"big._domainkey.good TXT {txt('v=DKIM1; k=rsa; p=' + keys[2048])}\n"
        + f"mid._domainkey.good TXT {txt('v=DKIM1; k=rsa; p=' + keys[1024])}\n"
        + f"small._domainkey.good TXT {txt('v=DKIM1; k=rsa; p=' + keys[512])}\n"
        + 'revoked._domainkey.good TXT "v=DKIM1; k=rsa; p="\n'
        + f'ed._domainkey.good TXT "v=DKIM1; k=ed25519; p={ed25519}"\n'
        # ptr
        + "liar A 192.0.2.99\nhost5.isp A 203.0.113.5\n"
        # mta-sts and tls-rpt
        + '_mta-sts.good TXT "v=STSv1; id=20260101T000000"\n'
        + '_smtp._tls.good TXT "v=TLSRPTv1; rua=mailto:tls@good.test"\n'
        + '_mta-sts.badsts TXT "v=STSv1;"\nbadsts MX 10 mx1.good\n'
        + "mta-sts.good A 192.0.2.10\nmta-sts.good AAAA 2001:db8::10\n"
        # MTA-STS policies served by the tests' HTTPS server on loopback
        + "".join(
            f'_mta-sts.{name} TXT "v=STSv1; id=1"\nmta-sts.{name} A 127.0.0.1\n{name} MX 10 mx1.good\n'
            for name in STS_POLICY_DOMAINS
        )
    )


# one domain per way an HTTPS policy server behaves (tests/test_diagnose_sts_policy.py)
STS_POLICY_DOMAINS = ("stsenforce", "ststesting", "stsnone", "stsother", "stsredirect", "stsbig", "stsslow")


def reverse_zone() -> str:
    return "$ORIGIN 2.0.192.in-addr.arpa.\n$TTL 300\n" + SOA + "10 PTR mx1.good.test.\n11 PTR liar.test.\n"


def reverse_zone_203() -> str:
    return "$ORIGIN 113.0.203.in-addr.arpa.\n$TTL 300\n" + SOA + "5 PTR host5.isp.test.\n"


ZONES = {
    "test.": test_zone,
    "2.0.192.in-addr.arpa.": reverse_zone,
    "113.0.203.in-addr.arpa.": reverse_zone_203,
}

# rbldnsd ip4set data: `:A:TXT` sets the answer for the lines after it; `$` stands for the IP
DNSBL_ZONES = {
    "bl.test": ":127.0.0.2:Listed for spam traps; see https://bl.test/lookup?ip=$\n127.0.0.2\n192.0.2.66\n",
    # a list that lost its data: its test point 127.0.0.2 is not listed
    "empty.test": ":127.0.0.2:Listed\n198.51.100.1\n",
    # a list that refuses the resolver and answers every query with Spamhaus's 127.255.255.254
    "refusing.test": ":127.255.255.254:Query refused\n0.0.0.0/1\n128.0.0.0/1\n",
    # a list that says yes to everything, test point 127.0.0.1 included
    "yes.test": ":127.0.0.2:Listed\n0.0.0.0/1\n128.0.0.0/1\n",
}
# rbldnsd ip6trie data for the same lists: IPv6 addresses are looked up by their 32 reversed nibbles
DNSBL_IP6_ZONES = {
    "bl.test": ":127.0.0.3:Listed over IPv6; see https://bl.test/lookup?ip=$\n2001:db8:66::/48\n!2001:db8:66::25\n",
}
