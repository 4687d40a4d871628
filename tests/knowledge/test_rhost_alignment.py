"""Provider replies whose reading was aligned with Sisimai's provider modules (bench/rhost_audit.py),
each beside a reply that must keep its other reading, and the audit's own floor."""

from __future__ import annotations

import pytest
from repo_paths import bench_module

from bot.engine import Engine

rhost_audit = bench_module("rhost_audit")

ENGINE = Engine.load(extra_dir="")  # the shipped knowledge only, whatever the environment says


def reason_of(text: str) -> str:
    best = ENGINE.explain(text, "explicit").best
    return best.reason if best else ""


def bounced_by(host: str, reply: str) -> str:
    return f"<ana@example.net>: host {host}[192.0.2.1] said: {reply} (in reply to RCPT TO command)"


@pytest.mark.parametrize(
    ("host", "reply", "reason"),
    [
        # Outlook.com codes in replies that carry no server id after the code
        (
            "hotmail-com.olc.protection.outlook.com",
            "550 SC-003 Mail rejected by Outlook.com for policy reasons.",
            "blocked",
        ),
        (
            "hotmail-com.olc.protection.outlook.com",
            "550 SC-004 Mail rejected by Outlook.com for policy reasons.",
            "blocked",
        ),
        (
            "hotmail-com.olc.protection.outlook.com",
            "550 OU-002 Mail rejected by Outlook.com for policy reasons.",
            "badreputation",
        ),
        # QQ's spelling "denined" of its documented reply
        (
            "mx3.qq.com",
            "550 Mailbox unavailable or access denined https://service.mail.qq.com/detail/122/166",
            "speeding",
        ),
        (
            "mx-out.facebook.com",
            "550 5.7.1 POL-P7 https://www.facebook.com/postmaster/response_codes",
            "authfailure",
        ),
        ("lsean.ezweb.ne.jp", "550 : User unknown", "filtered"),
        (
            "mailstore1.secureserver.net",
            "554 This message is looping: it already has my Delivered-To line. (#5.4.6)",
            "systemerror",
        ),
        ("mail.example.com", "550 5.1.7 Invalid address", "rejected"),
        ("mail.example.com", "501 5.5.4 Invalid domain name", "blocked"),
        ("cluster1.eu.messagelabs.com", "550 Requested action aborted [4]", "notcompliantrfc"),
    ],
)
def test_aligned_provider_readings(host: str, reply: str, reason: str) -> None:
    assert reason_of(bounced_by(host, reply)) == reason


@pytest.mark.parametrize(
    ("host", "reply", "reason"),
    [
        # an address before the colon is au's answer for an address that does not exist
        ("lsean.ezweb.ne.jp", "550 <ana@ezweb.ne.jp>: User unknown", "userunknown"),
        # the same words from a server that is not au's say nothing about a filter
        ("mx.example.net", "550 : User unknown", "userunknown"),
        # qmail's loop wording from other servers keeps the generic reading
        (
            "mx.example.net",
            "554 This message is looping: it already has my Delivered-To line. (#5.4.6)",
            "networkerror",
        ),
        # an address that is malformed still reads as a syntax error
        ("mx.example.net", "553 5.1.7 Invalid sender address syntax", "syntaxerror"),
    ],
)
def test_other_readings_kept(host: str, reply: str, reason: str) -> None:
    assert reason_of(bounced_by(host, reply)) == reason


def test_audit_pairs_are_well_formed() -> None:
    pairs = rhost_audit.read_pairs()
    assert len(pairs) >= 450
    for module, host, reason, reply in pairs:
        assert host in rhost_audit.HOSTS, (module, host)
        assert reason and reply, (module, reply)


def test_audit_agreement_stays_above_its_floor() -> None:
    pairs = rhost_audit.read_pairs()
    agreed = 0
    for _module, host, theirs, reply in pairs:
        agreed += rhost_audit.agrees(
            reason_of(rhost_audit.as_bounce_line(rhost_audit.HOSTS[host], reply)), theirs
        )
    # 430/452 before the alignment, 440/452 after, 436/452 after the December 2026 audit of the
    # providers' pages (four readings the pages contradict), 435/452 after the audit of
    # Microsoft's per-code pages (4.7.500 "Server busy"), 433/452 after the audit of Yahoo's pages
    # (TSS09 and 5.7.9 "policy reasons"); the rest disagree on purpose (bench/README.md)
    assert agreed >= 433
