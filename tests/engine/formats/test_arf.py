"""RFC 5965 feedback reports are read by structure, whatever their prose says."""

from __future__ import annotations

import pytest
from sample_mail import findings, message, multipart_report

from bot.engine.formats import arf

ORIGINAL = (
    "From: news@example.org\nTo: reader@example.com\nSubject: Weekly news\nMessage-ID: <n1@example.org>"
)


def report(fields: str, prose: str = "This is an email abuse report.", original: str = ORIGINAL) -> str:
    body, ctype = multipart_report(prose, fields, "feedback-report", original)
    return message(body, subject="Abuse report", Content_Type=ctype, From="fbl@isp.example.net")


CASES = [
    (
        "abuse",
        "Feedback-Type: abuse\nUser-Agent: FBL/1.0\nVersion: 1\nOriginal-Rcpt-To: ann@example.com",
        ["ann@example.com"],
    ),
    ("no prose words", "Feedback-Type: abuse\nVersion: 1", ["reader@example.com"]),
    (
        "several complainants",
        "Feedback-Type: abuse\nVersion: 1\nOriginal-Rcpt-To: "
        "a1@example.com\nOriginal-Rcpt-To: a2@example.net",
        ["a1@example.com", "a2@example.net"],
    ),
    (
        "opt-out",
        "Feedback-Type: opt-out\nVersion: 0.1\nRemoval-Recipient: out@example.com",
        ["out@example.com"],
    ),
    ("auth-failure", "Feedback-Type: auth-failure\nVersion: 1\nAuth-Failure: dmarc", ["reader@example.com"]),
]


@pytest.mark.parametrize(("name", "fields", "expected"), CASES, ids=[c[0] for c in CASES])
def test_feedback_report_is_feedback(engine, name: str, fields: str, expected: list[str]) -> None:
    text = report(fields, prose="Report attached." if name == "no prose words" else "An abuse report.")
    got = findings(engine, text)
    assert [f.recipient for f in got] == expected
    assert {f.reason for f in got} == {"feedback"}
    assert {f.bounce for f in got} == {"none"}


def test_detected_by_the_feedback_part_alone() -> None:
    body, ctype = multipart_report("x", "Feedback-Type: abuse\nVersion: 1", "feedback-report")
    plain_mixed = message(
        body, Content_Type=ctype.replace("multipart/report; report-type=feedback-report", "multipart/mixed")
    )
    assert arf.detect(plain_mixed)


def test_a_bounce_is_no_feedback_report() -> None:
    assert not arf.detect(message("<a@example.com>: host said: 550 5.1.1 unknown"))


def test_a_microsoft_complaint_names_the_original_recipient_field() -> None:
    """Microsoft's JMRP reports mark who complained in the reported message itself."""
    original = "X-HmXmrOriginalRecipient: <reader@mail.example>\nFrom: news@example.org\nTo: undisclosed:;"
    text = report("Feedback-Type: abuse\nVersion: 0.1", original=original)
    assert [i.recipient for i in arf.parse(text, False)] == ["reader@mail.example"]
