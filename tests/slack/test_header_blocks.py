"""A pasted message header answered in Slack: inside Slack's limits, and nothing echoed can format,
link or mention. Rendering on its own, then over the wire through the stand-in."""

from __future__ import annotations

import json

from repo_paths import DATA
from slack_fixtures import CHAT_CHANNEL, RunningApp, mention_event

from bot.engine import Engine
from bot.headers.report import analyse
from bot.slack.answer_blocks import SHARE_ACTION, render_explanation
from bot.slack.block_kit import MAX_BLOCKS, MAX_MESSAGE_CHARS, MAX_SECTION_CHARS
from bot.slack.header_blocks import header_blocks, header_fallback

HEADERS = DATA / "headers"
EVIL = "<!channel> @here *bold* `tick` ```fence``` <https://evil.example|click>"


def within_limits(blocks: list[dict]) -> None:
    assert 0 < len(blocks) <= MAX_BLOCKS
    assert len(json.dumps(blocks, ensure_ascii=False)) <= MAX_MESSAGE_CHARS
    for block in blocks:
        if "text" in block and block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_CHARS


def mrkdwn_texts(blocks: list[dict]) -> list[str]:
    texts = [b["text"]["text"] for b in blocks if b.get("text", {}).get("type") == "mrkdwn"]
    texts += [e["text"] for b in blocks for e in b.get("elements", []) if e.get("type") == "mrkdwn"]
    return texts


def hostile_header() -> str:
    hops = "".join(
        f"Received: from h{i}.example.com ({EVIL} [192.0.2.{i}]) by h{i + 1}.example.com "
        f"with ESMTP id {EVIL}; Tue, 3 Nov 2026 {i % 24:02d}:00:00 +0000\n"
        for i in range(1, 80)
    )
    return (
        f'Authentication-Results: mx.example.org; dkim=fail header.d=example.com header.s="{EVIL}"; '
        f"spf=softfail smtp.mailfrom=x@example.com; dmarc=fail (p=reject {EVIL}) header.from=example.com\n"
        f"{hops}X-Spam-Status: Yes, score=9.9 required=5.0 tests={EVIL.replace(' ', ',')}\n"
        f"X-Forefront-Antispam-Report: SCL:9;SFV:SPM;CAT:{EVIL};\n"
        f"From: =?utf-8?q?x?= <ana@example.com>\nTo: b@example.org\nSubject: {EVIL}\n"
        f"List-Unsubscribe: <mailto:{EVIL}@example.com>\nPrecedence: bulk\n"
    )


def test_every_sample_renders_inside_slacks_limits() -> None:
    for path in sorted(HEADERS.glob("*.eml")):
        report = analyse(path.read_text())
        blocks = header_blocks(report)
        within_limits(blocks)
        assert blocks[0]["type"] == "header"
        assert len(json.dumps(blocks, ensure_ascii=False)) <= 7000  # room for findings and buttons


def test_nothing_echoed_from_a_header_can_mention_link_or_format() -> None:
    report = analyse(hostile_header())
    blocks = header_blocks(report, hide_addresses=True)
    within_limits(blocks)
    assert {"microsoft_scl", "spamassassin", "dkim"} <= {v.check for v in report.verdicts}
    for text in mrkdwn_texts(blocks):
        assert "<!" not in text and "<http" not in text and "<@" not in text
        # echoed values sit inside code: outside our own *title*, no backtick run is left open
        assert text.count("```") % 2 == 0 and text.replace("```", "").count("`") % 2 == 0
    verdicts = [b for b in blocks if b.get("text", {}).get("type") == "plain_text"]
    assert verdicts, "verdicts are plain_text, which Slack neither formats nor links"
    assert "ana@example.com" not in json.dumps(blocks)
    fallback = header_fallback(report)
    assert "<!" not in fallback and "`" not in fallback and "@here" not in fallback


def test_a_header_answer_with_findings_still_fits(engine: Engine) -> None:
    report_text = hostile_header() + "\n\n550 5.1.1 user unknown\n452 4.2.2 mailbox full\n"
    explanation = engine.explain(report_text)
    rendered = render_explanation(explanation, audience="channel", share_id="x" * 32)
    within_limits(rendered.blocks)
    assert rendered.blocks[0]["type"] == "header" and rendered.blocks[-1]["type"] == "actions"


def test_a_mention_with_a_pasted_header_is_answered_with_the_analysis(slack_app: RunningApp) -> None:
    text = (HEADERS / "microsoft365-junk-scl5.eml").read_text()
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    event = mention_event(f"<@U0BOT> why is this in junk?\n```{escaped}```")
    assert slack_app.event(event).status == 200
    assert slack_app.idle()
    (post,) = slack_app.standin.posts()
    assert post.params["channel"] == CHAT_CHANNEL and post.params["thread_ts"] == event["ts"]
    blocks = post.params["blocks"]
    within_limits(blocks)
    assert blocks[0]["text"]["text"].startswith("Message header:")
    assert "SCL 5" in blocks[1]["text"]["text"]
    assert "Microsoft scored it SCL 5" in post.params["text"]


def test_smtp_with_a_pasted_header_answers_privately_with_a_share_button(slack_app: RunningApp) -> None:
    reply, _ = slack_app.command((HEADERS / "yahoo-filtered-bulk.eml").read_text())
    assert reply.status == 200
    (response,) = slack_app.standin.wait_for(slack_app.standin.responses)
    answer = response.params
    assert answer["response_type"] == "ephemeral"
    assert "Yahoo filed it in Bulk" in json.dumps(answer["blocks"])
    buttons = [e["action_id"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [SHARE_ACTION]
    within_limits(answer["blocks"])
