"""A bounce pasted into Slack reads as the email itself: the engine gets the text that the Slack
layer makes of a message event (`bot.slack.mrkdwn.message_text`, the function the bot uses), with
Slack's escapes (&lt; &gt; &amp;), auto-links (<mailto:a@b|a@b>, <https://x|https://x>, <https://x>),
a code fence, quote marks on every line, every line break doubled, blank lines lost, or a forward
pasted with the person's question before it. Each variant is checked against the labels of the
bench/corpus-mta email it is built from."""

from __future__ import annotations

import pytest
from forward_variants import SAMPLES, differences, load, slack_paste

from bot.engine import Engine
from bot.engine.formats.mime_reader import split_headers
from bot.engine.normalize import undouble_line_breaks
from bot.slack.mrkdwn import message_text, plain_text

STYLES = ("plain", "bare-links", "fenced", "quoted", "doubled", "collapsed", "forwarded")


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("sample_id", SAMPLES)
def test_a_pasted_bounce_reads_as_the_email(engine: Engine, sample_id: str, style: str) -> None:
    sample = load(sample_id)
    text = message_text({"type": "message", "text": slack_paste(sample.raw, style)})
    assert differences(engine.explain(text).findings, sample) == []


@pytest.mark.parametrize("sample_id", SAMPLES[:4])
def test_a_bounce_pasted_after_the_slash_command_reads_as_the_email(engine: Engine, sample_id: str) -> None:
    """`/smtp <paste>`: the command's text goes through plain_text alone."""
    sample = load(sample_id)
    assert differences(engine.explain(plain_text(slack_paste(sample.raw, "quoted"))).findings, sample) == []


def test_quote_marks_go_but_a_quoted_greater_than_inside_a_line_stays() -> None:
    assert plain_text("&gt; 550 5.1.1 &lt;a@example.com&gt;: no\n&gt;&gt;&gt; b &gt; c") == (
        "550 5.1.1 <a@example.com>: no\nb > c"
    )


def test_only_a_paste_with_every_line_break_doubled_is_undoubled() -> None:
    two_paragraphs = "550 5.1.1 <a@example.com>: User unknown\n\n452 4.2.2 Mailbox full"
    assert undouble_line_breaks(two_paragraphs) == two_paragraphs
    lines = [f"line {n}" for n in range(12)]
    assert undouble_line_breaks("\n\n".join(lines)) == "\n".join(lines)
    with_a_blank_line = "\n\n".join(lines[:6]) + "\n\n\n\n" + "\n\n".join(lines[6:])
    assert undouble_line_breaks(with_a_blank_line) == "\n".join(lines[:6]) + "\n\n" + "\n".join(lines[6:])
    one_single_break = "\n\n".join(lines) + "\nlast"
    assert undouble_line_breaks(one_single_break) == one_single_break


def test_a_header_block_without_its_blank_line_ends_at_the_first_line_that_is_no_field() -> None:
    headers, body = split_headers(
        "From: a@example.org\nSubject: x\n  folded\nThis is the mail system.\nTo: b", ("from",)
    )
    assert headers["from"] == "a@example.org"
    assert body == "This is the mail system.\nTo: b"
    # in a body part only Content-* fields are headers: a delivery-status part keeps its fields
    headers, body = split_headers(
        "Content-Type: message/delivery-status\nAction: failed\nStatus: 5.1.1", in_part=True
    )
    assert headers == {"content-type": "message/delivery-status"}
    assert body == "Action: failed\nStatus: 5.1.1"
