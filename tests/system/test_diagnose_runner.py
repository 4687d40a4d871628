"""A whole diagnosis: every check in order, bounded in time, with answers cached."""

from __future__ import annotations

import time

from diagnose_fixtures import LoopbackDns
from dns_servers import LOOPBACK, SilentResolver
from slack_fixtures import REDIS_URL

from bot.diagnose import CHECKS, DiagnoseConfig, Diagnoser, Subjects
from bot.diagnose.cache import MAX_TTL, MIN_TTL, MemoryCache, RedisCache, clamp_ttl
from bot.diagnose.resolver import DnsClient
from bot.diagnose.targets import from_argument, from_header, from_paste
from bot.settings import Settings, dns_server_list


def test_full_diagnosis_of_a_domain_and_ip(loopback_dns: LoopbackDns) -> None:
    subjects = Subjects("good.test", "good.test", "192.0.2.66", dkim_selector="big")
    diagnosis = loopback_dns.diagnoser().run("good.test", subjects)
    assert [c.check for c in diagnosis.checks] == list(CHECKS)
    assert {c.check: c.status for c in diagnosis.checks} == {
        "mx": "pass",
        "spf": "fail",  # 192.0.2.66 is outside ip4:192.0.2.0/29 and not an MX host
        "dmarc": "pass",
        "dkim": "pass",
        "ptr": "fail",
        "dnsbl": "fail",
        "mta-sts": "pass",
        "tls-rpt": "pass",
    }


def test_checks_without_a_subject_are_skipped_with_the_reason(loopback_dns: LoopbackDns) -> None:
    by_ip = {c.check: c for c in loopback_dns.diagnoser().run("192.0.2.10", Subjects(ip="192.0.2.10")).checks}
    assert by_ip["ptr"].status == "pass"
    assert by_ip["dnsbl"].status == "pass"
    assert by_ip["mx"].status == by_ip["spf"].status == "skipped"
    by_domain = {
        c.check: c for c in loopback_dns.diagnoser().run("good.test", from_argument("good.test")).checks
    }
    assert by_domain["ptr"].summary.startswith("no IP to check")
    assert by_domain["dkim"].status == "skipped"


def test_modes_turn_checks_off(loopback_dns: LoopbackDns) -> None:
    subjects = Subjects("good.test", "good.test", "192.0.2.66")
    dns_only = {c.check: c.status for c in loopback_dns.diagnoser(mode="dns").run("x", subjects).checks}
    assert dns_only["dnsbl"] == "skipped"
    assert dns_only["ptr"] == "fail"
    off = loopback_dns.diagnoser(mode="off").run("x", subjects)
    assert {c.status for c in off.checks} == {"skipped"}


def test_a_dead_resolver_gives_errors_in_bounded_time() -> None:
    silent = SilentResolver()
    try:
        config = DiagnoseConfig(((LOOPBACK, silent.port),), dnsbl_zones=("bl.test",), mode="dns+dnsbl")
        started = time.monotonic()
        diagnosis = Diagnoser(config).run(
            "good.test", Subjects("good.test", "good.test", "192.0.2.66", None, "s")
        )
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert {c.status for c in diagnosis.checks} == {"error"}
    # every check asks at once; each first question waits its 1 s, the whole never passes 5 s
    assert elapsed < 5.5


def test_the_whole_diagnosis_stops_at_its_deadline() -> None:
    silent = SilentResolver()
    try:
        config = DiagnoseConfig(((LOOPBACK, silent.port),), timeout=1.5, query_timeout=1.0)
        started = time.monotonic()
        Diagnoser(config).run("good.test", Subjects("good.test", "good.test", "192.0.2.66"))
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert elapsed < 2.0


def test_answers_are_cached_negative_ones_too(loopback_dns: LoopbackDns) -> None:
    cache = MemoryCache()
    client = DnsClient(loopback_dns.servers, cache)
    deadline = time.monotonic() + 5
    assert client.query("good.test", "MX", deadline).outcome == "ok"
    assert client.query("nosuch.test", "MX", deadline).outcome == "nxdomain"
    assert client.query("good.test", "AAAA", deadline).outcome == "nodata"
    # the same questions to a dead server: answered from the cache
    dead = DnsClient(((LOOPBACK, 9),), cache)
    assert dead.query("good.test", "MX", deadline).records == ("10 mx1.good.test", "20 mx2.good.test")
    assert dead.query("nosuch.test", "MX", deadline).outcome == "nxdomain"
    assert dead.query("good.test", "AAAA", deadline).outcome == "nodata"


def test_errors_are_not_cached() -> None:
    silent = SilentResolver()
    cache = MemoryCache()
    try:
        client = DnsClient(((LOOPBACK, silent.port),), cache, timeout=0.2)
        assert client.query("good.test", "MX", time.monotonic() + 1).outcome == "error"
    finally:
        silent.close()
    assert cache.get("MX:good.test") is None


def test_ttls_are_clamped_to_a_minute_and_an_hour() -> None:
    assert (clamp_ttl(0), clamp_ttl(300), clamp_ttl(86400)) == (MIN_TTL, 300, MAX_TTL)


def test_redis_cache_shares_answers(redis_prefix: str) -> None:
    first = RedisCache(REDIS_URL, redis_prefix)
    first.put("MX:good.test", ["ok", ["10 mx1.good.test"], ""], 5)
    assert RedisCache(REDIS_URL, redis_prefix).get("MX:good.test") == ["ok", ["10 mx1.good.test"], ""]
    assert 0 < first._redis.ttl(redis_prefix + "MX:good.test") <= MIN_TTL


def test_a_redis_outage_costs_only_the_cache() -> None:
    cache = RedisCache("redis://127.0.0.1:9/0")
    cache.put("MX:good.test", ["ok", [], ""], 60)
    assert cache.get("MX:good.test") is None


def test_servers_setting_parses_ports() -> None:
    assert dns_server_list("127.0.0.1:5300, 192.0.2.53,[2001:db8::53]:53") == (
        ("127.0.0.1", 5300),
        ("192.0.2.53", 53),
        ("2001:db8::53", 53),
    )


def test_targets_drop_local_parts() -> None:
    assert from_argument("ana@Good.Test") == Subjects("good.test", "good.test")
    assert from_argument("192.0.2.1") == Subjects(ip="192.0.2.1")
    assert from_argument("not a domain") is None


def test_paste_gives_sender_recipient_ip_and_selector() -> None:
    paste = (
        "Authentication-Results: mx.google.com; dkim=pass header.i=@good.test header.s=big;\n"
        "  spf=fail (google.com: domain of bob@good.test does not designate 203.0.113.5 as permitted"
        " sender) smtp.mailfrom=bob@good.test; dmarc=fail header.from=good.test\n"
    )
    subjects = from_paste(paste, ["ana@other.test"], ["mx.other.test"])
    assert subjects == Subjects("good.test", "other.test", "203.0.113.5", "mx.other.test", "big", "good.test")


def test_a_header_gives_from_envelope_and_the_signature_that_speaks_for_from() -> None:
    signatures = [("esp.test", "s1"), ("mail.good.test", "big"), ("good.test", None)]
    subjects = from_header("Good.Test", "bounces.esp.test", signatures, "192.0.2.3")
    assert subjects == Subjects(
        "good.test",
        ip="192.0.2.3",
        dkim_selector="big",
        dkim_domain="mail.good.test",
        spf_domain="bounces.esp.test",
    )
    # no aligned signature: the first with a selector; the same envelope as From is no extra subject
    assert from_header("good.test", "good.test", [("esp.test", "s1")], None) == Subjects(
        "good.test", dkim_selector="s1", dkim_domain="esp.test"
    )
    # what is not a domain, a selector or an IP is dropped before anything is looked up
    assert from_header("nodot", None, [("good.test", "<!here>")], "mx.good.test") == Subjects()


def test_spf_is_read_for_the_envelope_domain_when_it_differs(loopback_dns: LoopbackDns) -> None:
    subjects = Subjects("none.test", ip="192.0.2.3", spf_domain="redirect.test")
    checks = {c.check: c for c in loopback_dns.diagnoser().run("header", subjects).checks}
    assert (checks["spf"].subject, checks["spf"].status) == ("redirect.test", "pass")
    assert checks["dmarc"].subject == "none.test"


def test_paste_reads_dkim_signature_and_received_spf() -> None:
    paste = (
        "From: MAILER-DAEMON@relay.test\n\n"
        "Received-SPF: pass (relay.test: domain of x@good.test) client-ip=192.0.2.5;\n"
        "DKIM-Signature: v=1; a=rsa-sha256; d=good.test;\n\ts=mid; h=from:to;\n"
        "From: Bob <bob@good.test>\n"
    )
    subjects = from_paste(paste)
    assert (subjects.sender_domain, subjects.ip, subjects.dkim_selector, subjects.dkim_domain) == (
        "good.test",
        "192.0.2.5",
        "mid",
        "good.test",
    )


def test_diagnose_settings_are_read_and_checked() -> None:
    settings = Settings.from_env(
        {
            "SMTPBOT_DNS_SERVERS": "127.0.0.1:5300",
            "SMTPBOT_DNSBL_ZONES": "bl.test, other.test.",
            "SMTPBOT_SPAMHAUS_DQS_KEY": "k3y",
            "SMTPBOT_DIAGNOSE": "dns+dnsbl",
        },
        dotenv=False,
    )
    assert settings.smtpbot_dns_servers == (("127.0.0.1", 5300),)
    assert settings.smtpbot_dnsbl_zones == ("bl.test", "other.test")
    assert settings.smtpbot_diagnose == "dns+dnsbl"
    assert "k3y" in settings.secrets()
    bad = Settings.from_env(
        {"SMTPBOT_DNS_SERVERS": "resolver.test", "SMTPBOT_DIAGNOSE": "loud"}, dotenv=False
    )
    assert (bad.smtpbot_dns_servers, bad.smtpbot_diagnose) == ((), "dns")
    assert [p.split(":")[0] for p in bad.problems] == [
        "SMTPBOT_DIAGNOSE='loud' is not a mode",
        "SMTPBOT_DNS_SERVERS",
    ]


def test_paste_prefers_the_signature_aligned_with_the_sender() -> None:
    paste = (
        "DKIM-Signature: v=1; d=reports.test; s=fbl; h=from;\n"
        "Source-IP: 192.0.2.9\n"
        "DKIM-Signature: v=1; d=mail.good.test; s=mid; h=from;\n"
        "DKIM-Signature: v=1; d=esp.test; s=esp1; h=from;\n"
        "Authentication-Results: mx.test; dmarc=pass header.from=good.test\n"
    )
    subjects = from_paste(paste)
    assert (subjects.dkim_selector, subjects.dkim_domain, subjects.ip) == (
        "mid",
        "mail.good.test",
        "192.0.2.9",
    )


def test_cached_only_asks_nothing_and_skips_what_it_lacks(loopback_dns: LoopbackDns) -> None:
    diagnoser = loopback_dns.diagnoser(mode="dns")
    subjects = Subjects("good.test", "good.test")
    cold = {c.check: c for c in diagnoser.run("good.test", subjects, cached_only=True).checks}
    assert {c.status for c in cold.values()} == {"skipped"}
    assert cold["mx"].summary == "no recent answer in the cache"
    diagnoser.run("good.test", subjects)
    warm = {c.check: c.status for c in diagnoser.run("good.test", subjects, cached_only=True).checks}
    assert warm["mx"] == warm["spf"] == warm["dmarc"] == "pass"
