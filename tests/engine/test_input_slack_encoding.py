"""Texts as Slack delivers them: HTML escapes, links, mentions, inline code and code blocks."""

from __future__ import annotations

from typing import Any

import pytest
from explain_checks import best, check
from repo_paths import DATA

from bot.engine import Engine

USER_UNKNOWN = {"reply_code": "550", "enhanced_code": "5.1.1", "reason": "userunknown"}

ENCODED = [
    pytest.param(
        "552 5.2.2 &lt;kim@example.net&gt;: Mailbox is full",
        {
            "reply_code": "552",
            "enhanced_code": "5.2.2",
            "reason": "mailboxfull",
            "recipient": "kim@example.net",
        },
        id="html escapes",
    ),
    pytest.param(
        "554 5.7.1 Message rejected: spam &amp; phishing content detected",
        {"reply_code": "554", "enhanced_code": "5.7.1"},
        id="ampersand",
    ),
    pytest.param(
        "<mailto:bob@example.com|bob@example.com>: host mx.example.com[203.0.113.5] said: 550 5.1.1 "
        "<mailto:bob@example.com|bob@example.com>: Recipient address rejected: User unknown in virtual "
        "mailbox table (in reply to RCPT TO command)",
        {**USER_UNKNOWN, "recipient": "bob@example.com", "remote_mta": "mx.example.com"},
        id="mailto link",
    ),
    pytest.param(
        # Slack makes a link of a host name as it does of an address: the host stays a host
        "<mailto:bob@example.com|bob@example.com>: host <http://mx.example.com|mx.example.com>[203.0.113.5] "
        "said: 550 5.1.1 <mailto:bob@example.com|bob@example.com>: Recipient address rejected: User "
        "unknown in virtual mailbox table (in reply to RCPT TO command)",
        {**USER_UNKNOWN, "recipient": "bob@example.com", "remote_mta": "mx.example.com"},
        id="host name link",
    ),
    pytest.param(
        # no tag such as S3150 in the text: only the documentation link tells it is Microsoft
        "550 5.7.1 Unfortunately, messages from [203.0.113.9] weren't sent. Please contact your "
        "Internet service provider. You can also refer your provider to "
        "<http://mail.live.com/mail/troubleshooting.aspx#errors|mail.live.com/mail/troubleshooting.aspx#errors>.",
        {"reply_code": "550", "enhanced_code": "5.7.1", "provider": "Microsoft"},
        id="link with a label names the provider",
    ),
    pytest.param(
        (DATA / "alerts" / "slack_escaped_postfix_bounce.txt").read_text(),
        {
            **USER_UNKNOWN,
            "provider": "Google",
            "recipient": "jane.doe@gmail.com",
            "remote_mta": "gmail-smtp-in.l.google.com",
        },
        id="link inside a multi-line reply",
    ),
    pytest.param(
        "<@U024BE7LH> what does `5.7.26` mean?", {"enhanced_code": "5.7.26"}, id="mention and inline code"
    ),
    pytest.param(
        "bounce from the relay: `550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown`",
        {**USER_UNKNOWN, "recipient": "bob@example.com"},
        id="inline code",
    ),
    pytest.param(
        "got this from the relay, any idea?\n```\n"
        "452 4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to\n"
        "https://support.google.com/mail/?p=OverQuotaTemp - gsmtp\n```",
        {"reply_code": "452", "enhanced_code": "4.2.2", "reason": "mailboxfull", "provider": "Google"},
        id="code block",
    ),
    pytest.param(
        "```text\n451 4.7.1 Greylisting in action, please come back later\n```",
        {"reply_code": "451", "enhanced_code": "4.7.1", "bounce": "soft"},
        id="code block with a language hint",
    ),
    pytest.param(
        "<#C024BE7LR|mail-alerts> 550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown",
        {"reason": "userunknown", "recipient": "ann@example.com"},
        id="channel reference",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ENCODED)
def test_slack_encoded_text(engine: Engine, text: str, expected: dict[str, Any]) -> None:
    check(best(engine, text), expected)


@pytest.mark.parametrize(
    ("text", "decoded", "escapes"),
    [
        ("552 5.2.2 &lt;kim@example.net&gt;: Mailbox is full", "<kim@example.net>", ("&lt;", "&gt;")),
        ("554 5.7.1 Message rejected: spam &amp; phishing content detected", "spam & phishing", ("&amp;",)),
    ],
)
def test_the_diagnostic_shows_the_text_unescaped(
    engine: Engine, text: str, decoded: str, escapes: tuple[str, ...]
) -> None:
    diagnostic = best(engine, text).diagnostic
    assert decoded in diagnostic
    assert not any(escape in diagnostic for escape in escapes)


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        # smart punctuation of a phone or a web page's typography, never a server's own
        (
            "I\u2019m not going to try again; this message has been in the queue too long.",
            "I'm not going to try again; this message has been in the queue too long.",
        ),
        (
            "550 5.7.1 \u201cMessage rejected\u201d: user\u2019s mailbox is disabled",
            '550 5.7.1 "Message rejected": user\'s mailbox is disabled',
        ),
    ],
)
def test_typographic_quotes_are_read_as_the_servers_ascii_ones(
    engine: Engine, typed: str, plain: str
) -> None:
    assert engine.explain(typed).contract() == engine.explain(plain).contract()
    with_file = engine.explain(typed.encode("utf-8")).contract()
    assert with_file["findings"] == engine.explain(plain.encode("utf-8")).contract()["findings"]
