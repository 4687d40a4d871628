"""A bounce forwarded by a person is read as the bounce: attached as message/rfc822, or inline after
Gmail's, Outlook's, Apple Mail's or Thunderbird's forward block, in a forwarded email or pasted on
its own. Each variant is built from a bench/corpus-mta email and checked against that email's labels;
the person's own addresses (From, To, Cc, the colleagues named in the question) are never findings."""

from __future__ import annotations

import pytest
from forward_variants import (
    CLIENTS,
    HELPDESK,
    PERSON,
    QUESTION,
    SAMPLES,
    TEXT_PART_SAMPLES,
    attached,
    differences,
    inline,
    load,
    pasted_forward,
    readable,
)

from bot.engine import Engine
from bot.engine.formats import forwarded


@pytest.mark.parametrize("sample_id", SAMPLES)
def test_the_original_reads_as_labelled(engine: Engine, sample_id: str) -> None:
    sample = load(sample_id)
    assert differences(engine.explain(sample.raw).findings, sample) == []


@pytest.mark.parametrize("sample_id", SAMPLES)
def test_an_attached_bounce_reads_as_the_bounce(engine: Engine, sample_id: str) -> None:
    sample = load(sample_id)
    result = engine.explain(attached(sample.raw))
    assert result.input_kind == "email"
    assert differences(result.findings, sample) == []


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("sample_id", SAMPLES)
def test_an_inline_forward_reads_as_the_bounce(engine: Engine, sample_id: str, client: str) -> None:
    sample = load(sample_id)
    assert differences(engine.explain(inline(sample.raw, client)).findings, sample) == []


@pytest.mark.parametrize("sample_id", TEXT_PART_SAMPLES)
def test_an_inline_forward_of_the_text_part_alone_reads_as_the_bounce(engine: Engine, sample_id: str) -> None:
    """Gmail forwards a report's text part inline and its delivery-status part as an attachment:
    the text part alone still names each recipient and the reply (in Gmail's own layout, two
    paragraphs after the recipients, who are listed on one line)."""
    sample = load(sample_id)
    assert differences(engine.explain(inline(sample.raw, "gmail", status_part=False)).findings, sample) == []


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("sample_id", SAMPLES)
def test_a_pasted_forward_reads_as_the_bounce(engine: Engine, sample_id: str, client: str) -> None:
    sample = load(sample_id)
    assert differences(engine.explain(pasted_forward(sample.raw, client)).findings, sample) == []


def test_a_forward_of_a_forward_reads_as_the_bounce(engine: Engine) -> None:
    sample = load("postfix-02")
    twice = attached(attached(sample.raw), boundary="=_fwd_outer_43")
    assert differences(engine.explain(twice).findings, sample) == []


def test_an_attached_message_that_is_no_report_is_not_unwrapped() -> None:
    """A person forwarding an ordinary message as an attachment: nothing to unwrap."""
    ordinary = (
        "From: Ana Lima <ana@example.net>\nTo: rosa.vidal@example.com\nSubject: Lunch on Friday\n"
        "Date: Mon, 7 Dec 2026 08:00:00 +0000\n\nShall we meet at noon? The table was rejected twice.\n"
    )
    assert forwarded.inner_report(attached(ordinary)) is None


def test_a_bounce_that_returns_a_forward_is_read_as_the_bounce(engine: Engine) -> None:
    """The outer email is itself the report (a mail system sent it): the forward it returns, with a
    bounce inside, is the returned message and is never unwrapped."""
    returned = attached(load("gmail-01").raw)
    outer = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\nTo: rosa.vidal@example.com\n"
        "Subject: Undelivered Mail Returned to Sender\nDate: Mon, 7 Dec 2026 09:31:00 +0000\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="=_outer_7"\n\n'
        "--=_outer_7\nContent-Type: text/plain\n\n"
        "This is the mail system at host mx.example.com.\n\n"
        "<m.ruiz@example.net>: host mx.example.net said: 550 5.1.1 <m.ruiz@example.net>:\n"
        "    Recipient address rejected: User unknown (in reply to RCPT TO command)\n\n"
        f"--=_outer_7\nContent-Type: message/rfc822\n\n{returned}\n--=_outer_7--\n"
    )
    assert forwarded.inner_report(outer) is None
    assert [f.recipient for f in engine.explain(outer).findings] == ["m.ruiz@example.net"]


def test_an_inline_original_message_that_is_no_report_is_not_unwrapped() -> None:
    """Outlook's "-----Original Message-----" also heads the message a person replies to."""
    reply = (
        f"{QUESTION}\n\n-----Original Message-----\nFrom: Ana Lima <ana@example.net>\n"
        "Sent: Monday, December 7, 2026 9:12 AM\nTo: rosa.vidal@example.com\nSubject: Lunch on Friday\n\n"
        "Shall we meet at noon?\n"
    )
    assert forwarded.inner_report(reply) is None


def test_the_forwarders_addresses_are_never_findings(engine: Engine) -> None:
    sample = load("gmail-01")
    for text in (attached(sample.raw), inline(sample.raw, "gmail"), pasted_forward(sample.raw, "outlook")):
        named = {f.recipient for f in engine.explain(text).findings}
        assert named == {"marta.k@example.com"}
        assert PERSON.split("<")[1].rstrip(">") not in named


def test_a_forward_header_block_is_read_for_a_few_lines_at_most() -> None:
    # a text of nothing but Outlook's "From:" and "Sent:" lines opens a block at every pair; none
    # of them may read on to the end of the text
    lines = ["From: a@example.com", "Sent: Monday"] * 2_000
    fields, body_start = forwarded._forwarded_fields(lines, 0)
    assert set(fields) == {"from", "sent"}
    assert body_start == forwarded.MAX_FIELD_LINES


def quoted_reply(raw: str, attribution: str) -> str:
    """A reply to the bounce by the person it went back to: their question above the report's
    text, "> " before every line, under the client's attribution line."""
    fields, body = readable(raw, status_part=False)
    quoted = "\n".join(f"> {line}".rstrip() for line in body.split("\n"))
    return (
        f"From: {fields['To'] or PERSON}\nTo: {HELPDESK}\nSubject: Re: {fields['Subject']}\n"
        "Date: Mon, 7 Dec 2026 09:30:00 +0000\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
        f"{QUESTION}\n\n{attribution}\n{quoted}\n"
    )


@pytest.mark.parametrize("sample_id", TEXT_PART_SAMPLES)
def test_a_bounce_quoted_in_a_reply_reads_as_the_bounce(engine: Engine, sample_id: str) -> None:
    sample = load(sample_id)
    for attribution in ("On Mon, 7 Dec 2026 at 09:12, Mail Delivery System wrote:", "Postmaster wrote:"):
        assert differences(engine.explain(quoted_reply(sample.raw, attribution)).findings, sample) == []


def test_a_reply_quoting_a_person_is_not_unwrapped() -> None:
    """A reply quoting an ordinary message, whose words speak of a refusal, under a person's
    attribution and a Subject that says nothing of delivery: nothing to unwrap."""
    reply = (
        f"From: {PERSON}\nTo: Ana Lima <ana@example.net>\nSubject: Re: Lunch on Friday\n"
        "Date: Mon, 7 Dec 2026 09:30:00 +0000\n\nNoon is fine.\n\nOn Mon, 7 Dec 2026, Ana Lima wrote:\n"
        "> Shall we meet at noon? The table booking could not be delivered to the office.\n"
    )
    assert forwarded.inner_report(reply) is None
