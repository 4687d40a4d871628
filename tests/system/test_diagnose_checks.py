"""Each live check against real DNS: NSD and rbldnsd on loopback serving the zones in diagnose_zones."""

from __future__ import annotations

import pytest
from diagnose_fixtures import LoopbackDns

from bot.diagnose.dkim import check_dkim
from bot.diagnose.dmarc import check_dmarc
from bot.diagnose.dnsbl import check_dnsbl
from bot.diagnose.mta_sts import check_mta_sts, check_tls_rpt
from bot.diagnose.mx import check_mx
from bot.diagnose.ptr import check_ptr
from bot.diagnose.spf import check_spf
from bot.diagnose.spf_record import SpfSyntaxError, parse

# --- mx ------------------------------------------------------------------------------------------


def test_mx_lists_hosts_with_their_addresses(loopback_dns: LoopbackDns) -> None:
    result = check_mx(loopback_dns.ask(), "good.test")
    assert result.status == "pass"
    assert result.details["records"] == ["10 mx1.good.test", "20 mx2.good.test"]
    assert result.details["addresses"] == {"mx1.good.test": ["192.0.2.10"], "mx2.good.test": ["2001:db8::10"]}


@pytest.mark.parametrize(
    ("domain", "status", "words"),
    [
        ("nullmx.test", "fail", "null MX"),
        ("implicit.test", "warn", "implicit MX"),
        ("noaddr.test", "fail", "no MX host of noaddr.test has an address"),
        ("partial.test", "warn", "ghost.partial.test has no address"),
        ("nosuch.test", "fail", "does not exist (NXDOMAIN)"),
        ("liar.test", "warn", "implicit MX"),
    ],
)
def test_mx_problems(loopback_dns: LoopbackDns, domain: str, status: str, words: str) -> None:
    result = check_mx(loopback_dns.ask(), domain)
    assert (result.status, result.subject) == (status, domain)
    assert words in result.summary


def test_mx_domain_without_mx_or_address_fails(loopback_dns: LoopbackDns) -> None:
    result = check_mx(loopback_dns.ask(), "twospf.test")
    assert result.status == "fail"
    assert "cannot receive mail" in result.summary


def test_mx_notes_whether_the_remote_mta_is_an_mx_host(loopback_dns: LoopbackDns) -> None:
    assert check_mx(loopback_dns.ask(), "good.test", "mx2.good.test").details["remote_mta_in_mx"] is True
    assert check_mx(loopback_dns.ask(), "good.test", "mx.other.test").details["remote_mta_in_mx"] is False


# --- spf -----------------------------------------------------------------------------------------


def test_spf_reads_the_one_spf_record_among_txt_records(loopback_dns: LoopbackDns) -> None:
    result = check_spf(loopback_dns.ask(), "good.test")
    assert result.status == "pass"
    assert result.details["record"] == "v=spf1 ip4:192.0.2.0/29 mx -all"
    assert result.details["lookups"] == 1


@pytest.mark.parametrize(
    ("domain", "ip", "status", "result", "matched"),
    [
        ("good.test", "192.0.2.5", "pass", "pass", "ip4:192.0.2.0/29"),
        ("good.test", "192.0.2.10", "pass", "pass", "mx"),  # mx1.good.test's address
        ("good.test", "2001:db8::10", "pass", "pass", "mx"),
        ("good.test", "203.0.113.5", "fail", "fail", "-all"),
        ("softfail.test", "192.0.2.5", "pass", "pass", "include:good.test"),
        ("softfail.test", "203.0.113.5", "warn", "softfail", "~all"),
        ("redirect.test", "192.0.2.5", "pass", "pass", "ip4:192.0.2.0/29"),
        ("redirect.test", "203.0.113.5", "fail", "fail", "-all"),
        ("macro.test", "192.0.2.7", "pass", "pass", "exists:%{i}.allow.macro.test"),
        ("macro.test", "192.0.2.8", "fail", "fail", "-all"),
        ("noinclude.test", "192.0.2.5", "fail", "permerror", "include:implicit.test"),
        ("viaptr.test", "192.0.2.10", "pass", "pass", "ptr:good.test"),  # mx1.good.test, confirmed
        ("viaptr.test", "192.0.2.11", "fail", "fail", "-all"),  # liar.test: not under good.test
        ("viaptr.test", "2001:db8:1::25", "pass", "pass", "ip6:2001:db8:1::/48"),
        ("badredirect.test", "192.0.2.5", "fail", "permerror", None),
    ],
)
def test_spf_result_for_an_ip(
    loopback_dns: LoopbackDns, domain: str, ip: str, status: str, result: str, matched: str | None
) -> None:
    found = check_spf(loopback_dns.ask(), domain, ip)
    assert (found.status, found.details.get("result"), found.details.get("matched")) == (
        status,
        result,
        matched,
    )


def test_spf_says_the_ip_is_not_in_the_record(loopback_dns: LoopbackDns) -> None:
    summary = check_spf(loopback_dns.ask(), "good.test", "203.0.113.5").summary
    assert summary == "`v=spf1 ip4:192.0.2.0/29 mx -all`: 203.0.113.5 is not in it (fail)"


@pytest.mark.parametrize(
    ("domain", "words"),
    [
        ("twospf.test", "2 SPF records"),
        ("badspf.test", "'ip4:192.0.2.300' is not a valid network"),
        ("unknownspf.test", "'foo:bar.test' is not an SPF mechanism"),
        ("implicit.test", "publishes no SPF record"),
        ("nosuch.test", "publishes no SPF record (NXDOMAIN)"),
    ],
)
def test_spf_record_problems_fail(loopback_dns: LoopbackDns, domain: str, words: str) -> None:
    result = check_spf(loopback_dns.ask(), domain)
    assert result.status == "fail"
    assert words in result.summary


def test_spf_names_the_includes_past_the_lookup_limit(loopback_dns: LoopbackDns) -> None:
    # 6 includes, each with `a` and `mx`: 18 lookups; the 11th is inc4's `a`
    result = check_spf(loopback_dns.ask(), "manyinc.test")
    assert result.status == "fail"
    assert result.details["lookups"] == 18
    assert result.details["beyond_lookup_limit"][:3] == [
        "include:inc4.test > a",
        "include:inc4.test > mx",
        "include:inc5.test",
    ]
    assert "18 DNS lookups, over the limit of 10" in result.summary


def test_spf_names_the_lookups_past_the_void_limit(loopback_dns: LoopbackDns) -> None:
    result = check_spf(loopback_dns.ask(), "voids.test")
    assert result.status == "fail"
    assert result.details["void_lookups"] == 3
    assert result.details["beyond_void_limit"] == ["a:v3.nothing.test"]


def test_spf_include_loops_end(loopback_dns: LoopbackDns) -> None:
    result = check_spf(loopback_dns.ask(), "loop.test", "192.0.2.5")
    assert result.status == "fail"
    assert result.details["lookups"] > 10  # the walk stops; the limit names the loop
    assert result.details["beyond_lookup_limit"][0].startswith("include:loop.test > include:loop.test")


def test_spf_never_expands_the_local_part(loopback_dns: LoopbackDns) -> None:
    result = check_spf(loopback_dns.ask(), "localpart.test", "192.0.2.5")
    assert result.status == "warn"
    assert "not evaluated" in result.summary


# --- dmarc ---------------------------------------------------------------------------------------


def test_dmarc_record_with_policy_and_reports(loopback_dns: LoopbackDns) -> None:
    result = check_dmarc(loopback_dns.ask(), "good.test")
    assert result.status == "pass"
    assert (result.details["p"], result.details["rua"]) == ("reject", ["mailto:dmarc@good.test"])


def test_dmarc_found_at_the_organisational_domain(loopback_dns: LoopbackDns) -> None:
    result = check_dmarc(loopback_dns.ask(), "sub.good.test")
    assert (result.status, result.details["found_at"], result.details["policy_applied"]) == (
        "pass",
        "good.test",
        "reject",
    )
    assert "(from good.test)" in result.summary


def test_dmarc_subdomain_policy_applies_below_the_organisational_domain(loopback_dns: LoopbackDns) -> None:
    result = check_dmarc(loopback_dns.ask(), "a.spdomain.test")
    assert (result.status, result.details["policy_applied"], result.details["sp"]) == ("warn", "none", "none")


def test_dmarc_reads_every_policy_and_report_address(loopback_dns: LoopbackDns) -> None:
    details = check_dmarc(loopback_dns.ask(), "reports.test").details
    assert (details["p"], details["sp"], details["np"]) == ("quarantine", "reject", "reject")
    assert details["rua"] == ["mailto:a@reports.test", "mailto:b@reports.test"]
    assert details["ruf"] == ["mailto:f@reports.test"]


@pytest.mark.parametrize(
    ("domain", "status", "words"),
    [
        ("none.test", "warn", "policy none; no aggregate reports"),
        ("implicit.test", "fail", "no DMARC record"),
        ("twodmarc.test", "fail", "2 DMARC records"),
        ("badp.test", "fail", "p=maybe is not a valid policy"),
    ],
)
def test_dmarc_problems(loopback_dns: LoopbackDns, domain: str, status: str, words: str) -> None:
    result = check_dmarc(loopback_dns.ask(), domain)
    assert result.status == status
    assert words in result.summary


# --- dkim ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "status", "bits", "words"),
    [
        ("big", "pass", 2048, "2048 bits"),
        ("mid", "warn", 1024, "use 2048"),
        ("small", "fail", 512, "under 1024"),
        ("ed", "pass", 256, "Ed25519"),
        ("revoked", "fail", None, "revoked (empty p=)"),
    ],
)
def test_dkim_keys(
    loopback_dns: LoopbackDns, selector: str, status: str, bits: int | None, words: str
) -> None:
    result = check_dkim(loopback_dns.ask(), "good.test", selector)
    assert (result.status, result.details["bits"], result.subject) == (
        status,
        bits,
        f"{selector}._domainkey.good.test",
    )
    assert words in result.summary


def test_dkim_missing_key_fails_and_no_selector_skips(loopback_dns: LoopbackDns) -> None:
    assert check_dkim(loopback_dns.ask(), "good.test", "gone").status == "fail"
    assert check_dkim(loopback_dns.ask(), "good.test", None).status == "skipped"


# --- ptr -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ip", "status", "words"),
    [
        ("192.0.2.10", "pass", "192.0.2.10 is mx1.good.test, which resolves back to it"),
        ("192.0.2.11", "warn", "does not resolve back"),
        ("192.0.2.12", "fail", "no reverse DNS"),
        ("203.0.113.5", "pass", "203.0.113.5 is host5.isp.test, which resolves back to it"),
        ("198.51.100.9", "error", "REFUSED"),  # a server that will not answer is no evidence either way
    ],
)
def test_ptr(loopback_dns: LoopbackDns, ip: str, status: str, words: str) -> None:
    result = check_ptr(loopback_dns.ask(), ip)
    assert result.status == status, result
    assert words in result.summary


# --- dnsbl ---------------------------------------------------------------------------------------


def test_dnsbl_listing_with_the_lists_reason(loopback_dns: LoopbackDns) -> None:
    result = check_dnsbl(loopback_dns.ask(dnsbl=True), "192.0.2.66", ("bl.test",))
    assert result.status == "fail"
    assert result.details["zones"] == [
        {
            "zone": "bl.test",
            "status": "listed",
            "codes": ["127.0.0.2"],
            "reason": "Listed for spam traps; see https://bl.test/lookup?ip=192.0.2.66",
        }
    ]


def test_dnsbl_not_listed(loopback_dns: LoopbackDns) -> None:
    result = check_dnsbl(loopback_dns.ask(dnsbl=True), "192.0.2.67", ("bl.test",))
    assert (result.status, result.summary) == ("pass", "192.0.2.67 is not on bl.test")


def test_dnsbl_ipv6_listings_are_read_by_reversed_nibbles(loopback_dns: LoopbackDns) -> None:
    listed = check_dnsbl(loopback_dns.ask(dnsbl=True), "2001:db8:66::5", ("bl.test",))
    assert (listed.status, listed.details["zones"][0]["codes"]) == ("fail", ["127.0.0.3"])
    assert listed.summary == (
        "2001:db8:66::5 is listed on bl.test: Listed over IPv6; see https://bl.test/lookup?ip=2001:db8:66::5"
    )
    for clean in ("2001:db8:67::5", "2001:db8:66::25"):  # outside the /48; excluded inside it
        result = check_dnsbl(loopback_dns.ask(dnsbl=True), clean, ("bl.test",))
        assert (result.status, result.summary) == ("pass", f"{clean} is not on bl.test")


@pytest.mark.parametrize(
    ("zone", "words"),
    [
        ("empty.test", "test point 127.0.0.2 is not listed"),
        ("yes.test", "test point 127.0.0.1 is listed"),
        ("refusing.test", "refuses queries through public or open resolvers (127.255.255.254)"),
    ],
)
def test_dnsbl_untrusted_lists_are_errors_never_listings(
    loopback_dns: LoopbackDns, zone: str, words: str
) -> None:
    result = check_dnsbl(loopback_dns.ask(dnsbl=True), "192.0.2.66", (zone,))
    assert result.status == "error"
    assert words in result.summary


def test_dnsbl_one_broken_list_among_good_ones_warns(loopback_dns: LoopbackDns) -> None:
    result = check_dnsbl(loopback_dns.ask(dnsbl=True), "192.0.2.67", ("bl.test", "refusing.test"))
    assert result.status == "warn"
    assert [z["status"] for z in result.details["zones"]] == ["not listed", "error"]


def test_dnsbl_without_zones_is_skipped(loopback_dns: LoopbackDns) -> None:
    assert check_dnsbl(loopback_dns.ask(dnsbl=True), "192.0.2.66", ()).status == "skipped"


# --- mta-sts and tls-rpt -------------------------------------------------------------------------


def test_mta_sts_and_tls_rpt_records(loopback_dns: LoopbackDns) -> None:
    sts = check_mta_sts(loopback_dns.ask(), "good.test")
    rpt = check_tls_rpt(loopback_dns.ask(), "good.test")
    assert (sts.status, sts.details["id"]) == ("pass", "20260101T000000")
    assert (rpt.status, rpt.details["rua"]) == ("pass", "mailto:tls@good.test")


def test_mta_sts_missing_warns_and_invalid_fails(loopback_dns: LoopbackDns) -> None:
    assert check_mta_sts(loopback_dns.ask(), "implicit.test").status == "warn"
    assert check_tls_rpt(loopback_dns.ask(), "implicit.test").status == "warn"
    invalid = check_mta_sts(loopback_dns.ask(), "badsts.test")
    assert (invalid.status, invalid.summary) == ("fail", "`v=STSv1;` lacks id=")


@pytest.mark.parametrize(
    "record",
    [
        "v=spf1 ip4:192.0.2.0/33 -all",
        "v=spf1 ip6:192.0.2.1 -all",
        "v=spf1 ip4:2001:db8::1 -all",
        "v=spf1 all:good.test",
        "v=spf1 include -all",
        "v=spf1 redirect= -all",
        "v=spf1 redirect=a.test redirect=b.test",
    ],
)
def test_spf_syntax_errors(record: str) -> None:
    with pytest.raises(SpfSyntaxError):
        parse(record)


def test_spf_syntax_accepts_every_mechanism_and_dual_prefixes() -> None:
    terms = parse("v=spf1 +a/24//64 ~mx:mx.test ?ptr exists:%{i}.x.test ip6:2001:db8::/32 exp=why.test -all")
    assert [(t.qualifier, t.name, t.cidr4, t.cidr6) for t in terms] == [
        ("+", "a", 24, 64),
        ("~", "mx", None, None),
        ("?", "ptr", None, None),
        ("+", "exists", None, None),
        ("+", "ip6", None, 32),
        ("+", "exp", None, None),
        ("-", "all", None, None),
    ]
