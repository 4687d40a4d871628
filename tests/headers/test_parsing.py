"""The pieces of header analysis on their own: fields, the Received scanner, results, domains, time."""

from __future__ import annotations

import time

import pytest

from bot.headers.authresults import comment_value, parse_field, parse_result, split_top_level
from bot.headers.detect import header_report, looks_like_headers
from bot.headers.domains import aligned, from_domain, org_domain
from bot.headers.fields import read_fields
from bot.headers.received import ip_in, scan
from bot.headers.report import analyse
from bot.headers.timing import duration

HEADER = (
    "Received: from a.example.com (a.example.com [192.0.2.1]) by mx.example.org with ESMTPS id 1;"
    " Tue, 3 Nov 2026 10:00:00 +0000\n"
    "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.com\n"
    "From: A <a@example.com>\nTo: b@example.org\nSubject: s\n"
)


@pytest.mark.parametrize(
    ("name", "org"),
    [
        ("mail.eu.example.co.uk", "example.co.uk"),
        ("a.b.example.com", "example.com"),
        ("example.com.", "example.com"),
        ("bounce@news.example.net", "example.net"),
        ("x.test", "x.test"),
        ("com", None),
        ("co.uk", None),
        ("", None),
        ("a..example.com", None),
    ],
)
def test_organisational_domain_from_the_bundled_public_suffix_list(name: str, org: str | None) -> None:
    assert org_domain(name) == org


def test_alignment_relaxed_and_strict() -> None:
    assert aligned("mail.example.com", "example.com") is True
    assert aligned("mail.example.com", "example.com", strict=True) is False
    assert aligned("example.co.uk", "other.co.uk") is False  # a public suffix is no organisation
    assert aligned("esp.example.net", "example.com") is False
    assert aligned(None, "example.com") is None
    assert from_domain('"Shop, Inc" <news@Shop.Example.com>') == "shop.example.com"


def test_the_public_suffix_list_is_read_from_the_package_not_the_network(monkeypatch) -> None:
    import socket

    from bot.headers import domains

    def no_network(*args, **kwargs):
        raise AssertionError("the network was used")

    domains._suffixes.cache_clear()
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert org_domain("www.example.co.uk") == "example.co.uk"


def test_scanner_keeps_nested_comments_whole() -> None:
    assert scan("from a (b (c) d) by e") == [
        ("word", "from"),
        ("word", "a"),
        ("comment", "b (c) d"),
        ("word", "by"),
        ("word", "e"),
    ]
    assert ip_in("(mail.example.com. [192.0.2.7])") == "192.0.2.7"
    assert ip_in("IPv6:2001:db8::1") == "2001:db8::1"
    assert ip_in("version 8.1.0 (built)") is None


def test_results_split_outside_comments_and_quotes() -> None:
    value = 'mx.example.org; spf=pass (a; b) smtp.mailfrom="x;y@example.com"; dkim=none'
    assert split_top_level(value) == [
        "mx.example.org",
        'spf=pass (a; b) smtp.mailfrom="x;y@example.com"',
        "dkim=none",
    ]
    field = parse_field(0, value)
    assert field.authserv_id == "mx.example.org" and [r.method for r in field.results] == ["spf", "dkim"]


def test_one_broken_result_does_not_cost_the_others() -> None:
    field = parse_field(
        0,
        "mx.example.org; dkim=pass header.d=example.com; spf=; dmarc=fail(p=REJECT) header.from=example.com",
    )
    assert [(r.method, r.result) for r in field.results] == [("dkim", "pass"), ("dmarc", "fail")]
    assert comment_value(field.results[1], "p") == "reject"
    assert parse_result("x" * 5000) is None


def test_a_header_paste_is_told_from_a_bounce_and_from_a_question() -> None:
    assert looks_like_headers("why did this land in spam?\n\n" + HEADER)
    assert not looks_like_headers("550 5.1.1 user unknown")
    bounce = "From: MAILER-DAEMON@example.org\n" + HEADER
    assert not looks_like_headers(bounce) and header_report(bounce) is None
    report = "Content-Type: multipart/report; report-type=delivery-status\n" + HEADER
    assert not looks_like_headers(report)
    assert not looks_like_headers("From: a@example.com\nTo: b@example.org\nSubject: hi\n")


def test_fields_are_unfolded_and_capped() -> None:
    fields = read_fields("Subject: a\n b\n\tc\nX-Long: " + "y" * 20_000 + "\n")
    assert fields[0].value == "a b c" and len(fields[1].value) <= 8_000


def test_durations_read_like_a_person_writes_them() -> None:
    assert [duration(s) for s in (4, 95, 7380, 90000, -300)] == [
        "4 s",
        "1 m 35 s",
        "2 h 03 m",
        "1 d 01 h",
        "5 m 00 s",
    ]


@pytest.mark.parametrize(
    "hostile",
    [
        "Authentication-Results: mx.example.org; spf=pass " + "(" * 50_000 + "\n" + HEADER,
        "Authentication-Results: mx.example.org; "
        + "dkim=pass header.d=example.com; " * 5000
        + "\n"
        + HEADER,
        "".join(
            f"Received: from h{i}.example.com ([192.0.2.{i % 250}]) by h{i + 1}.example.com with ESMTP;"
            " Tue, 3 Nov 2026 10:00:00 +0000\n"
            for i in range(3000)
        )
        + HEADER,
        "Received: " + "from " * 60_000 + "\n" + HEADER,
        "Received: (" * 20_000 + "\n" + HEADER,
        "X-Forefront-Antispam-Report: " + "SCL:5;" * 20_000 + "\n" + HEADER,
    ],
)
def test_hostile_headers_are_read_in_bounded_time(hostile: str) -> None:
    started = time.perf_counter()
    report = analyse(hostile)
    assert time.perf_counter() - started < 3.0
    assert report is not None


def test_one_click_needs_a_dkim_signature_that_covers_both_fields() -> None:
    bulk = (
        "List-Unsubscribe: <https://example.com/u/1>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n"
        "Precedence: bulk\n" + HEADER
    )
    covered = (
        "DKIM-Signature: v=1; d=example.com; s=s1; h=From:To:List-Unsubscribe:List-Unsubscribe-Post; b=x\n"
    )
    uncovered = "DKIM-Signature: v=1; d=example.com; s=s1; h=from:to:subject; b=x\n"

    def status(text: str) -> str:
        return next(v.status for v in analyse(text).verdicts if v.check == "unsubscribe")

    assert status(covered + bulk) == "pass"
    assert status(uncovered + bulk) == "warn"
    assert status(bulk) == "pass"  # no signature in the paste: nothing to tell from
