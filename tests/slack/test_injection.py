"""Nothing echoed from a bounce can ping, link or format in a Slack answer.

Every field the answers repeat from the input (remote server from a DSN Remote-MTA, SES remoteMtaIp and
Mailgun mx-host; recipient; matched text; the server's words) is fed `<!channel>`, `@here`, `*bold*`,
`<https://x|y>` and a URL, over the wire, and every answer the stand-in receives is checked: mrkdwn is
verbatim, and the hostile text appears only inside code, escaped.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from slack_fixtures import ALERT_CHANNEL, RunningApp, mention_event, message_event

from bot.slack.mrkdwn import escape, host_name, mask_addresses

HOSTILE = "<!channel> @here *bold* <https://x|y> https://evil.example/"
DSN = f"""Reporting-MTA: dns; mail.example.org

Final-Recipient: rfc822; *bold*@example.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; @channel *URGENT* reset your password at https://evil.example/
Diagnostic-Code: smtp; 550 5.1.1 {HOSTILE} user unknown
"""
SES = json.dumps(
    {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "remoteMtaIp": HOSTILE,
            "bouncedRecipients": [
                {"emailAddress": "<!here>@example.com", "status": "5.1.1", "diagnosticCode": HOSTILE}
            ],
        },
    }
)
MAILGUN = json.dumps(
    {
        "event-data": {
            "event": "failed",
            "severity": "permanent",
            "recipient": "@here@example.com",
            "delivery-status": {
                "code": 550,
                "enhanced-code": "5.1.1",
                "mx-host": HOSTILE,
                "message": f"550 5.1.1 {HOSTILE} user unknown",
            },
        }
    }
)
FREE_TEXT = f"550 5.1.1 <{HOSTILE}>: Recipient address rejected: User unknown"
INPUTS = {"dsn": DSN, "ses": SES, "mailgun": MAILGUN, "free text": FREE_TEXT}
# What must never reach Slack outside code: a mention, the input's links, its bold text, its URLs.
# (Our own answers link their references and show dates with <!date^...>.)
DANGEROUS = re.compile(r"<!(?!date\^)|<[@#]|@here|@channel|\*bold\*|\*URGENT\*|https://evil|https://x", re.I)
_CODE_RE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def mrkdwn_texts(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            found.append(node)
        for value in node.values():
            found += mrkdwn_texts(value)
    elif isinstance(node, list):
        for value in node:
            found += mrkdwn_texts(value)
    return found


def assert_inert(blocks: Any, fallback: str) -> None:
    texts = mrkdwn_texts(blocks)
    assert texts
    for text in texts:
        assert text.get("verbatim") is True, text
        outside_code = _CODE_RE.sub("", text["text"])
        assert not DANGEROUS.search(outside_code), text["text"]
        assert "<!channel" not in text["text"] and "<https://x" not in text["text"]  # escaped in code too
    assert "<!" not in fallback and "<http" not in fallback


@pytest.mark.parametrize("where", ["channel", "im"])
@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_echoed_fields_cannot_ping_link_or_format(slack_app: RunningApp, kind: str, where: str) -> None:
    text = escape(INPUTS[kind])  # as Slack delivers a paste: <, > and & escaped
    event = (
        mention_event(text)
        if where == "channel"
        else message_event(text, channel="D0DIRECT01", channel_type="im")
    )
    assert slack_app.event(event).status == 200
    slack_app.command(text)
    slack_app.event(message_event(text, channel=ALERT_CHANNEL))
    assert slack_app.idle()
    standin = slack_app.standin
    answers = standin.posts() + standin.responses()
    assert len(answers) == 3, [c.method for c in standin.api_calls()]
    for call in answers:
        assert_inert(call.json_param("blocks"), str(call.params.get("text", "")))
    posted = json.dumps([c.json_param("blocks") for c in answers])
    assert "5.1.1" in posted  # the answers are real explanations, not refusals


def test_a_remote_server_is_shown_only_when_it_is_a_host_name() -> None:
    assert host_name("mx.example.net") == "mx.example.net"
    assert host_name("[192.0.2.1]") == "192.0.2.1"
    assert host_name("2001:db8::25") == "2001:db8::25"
    assert host_name("bücher.example.") == "bücher.example"
    for bad in (HOSTILE, "@channel", "mx.example.net *bold*", "a..b", "-a.example", "x" * 300, "<!here>"):
        assert host_name(bad) is None, bad


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("to <a.b+c@mail.example.co.uk>, x@y.io", "to <…@mail.example.co.uk>, …@y.io"),
        ("ñana@example.com said", "…@example.com said"),
        ("ana@exämple.com", "…@exämple.com"),
        ("ana@例え.jp", "…@例え.jp"),
        ("bob@[192.0.2.1] refused", "…@[192.0.2.1] refused"),
        ('rcpt "ana lima"@example.com unknown', "rcpt …@example.com unknown"),
        ("a" * 80 + "@example.com", "…@example.com"),
        ("ana＠example.com", "…＠example.com"),
        ("ana＠ｅｘａｍｐｌｅ．ｃｏｍ", "…＠ｅｘａｍｐｌｅ．ｃｏｍ"),
        ("o'brien@example.ie", "…@example.ie"),
        ("550 user unknown @ example.com", "550 user unknown @ example.com"),
    ],
)
def test_addresses_are_masked_in_channels(text: str, masked: str) -> None:
    assert mask_addresses(text) == masked


def test_masking_is_linear_in_the_text() -> None:
    import time

    for text in ("a" * 40_000 + "@", "@a." * 13_000, '"' * 20_000 + "@example.com", "a@" * 20_000):
        started = time.perf_counter()
        mask_addresses(text)
        assert time.perf_counter() - started < 0.2, text[:20]
