"""Many recipients refused for the same reason get one explanation that lists them, in the terminal
and in Slack; different problems stay apart in the engine's order; recipients beyond the engine's
cap are counted, not lost. Inputs go through the real engine."""

from __future__ import annotations

import dataclasses
import json

from slack_fixtures import ALERT_CHANNEL, RunningApp, integration_alert

from bot.engine import Engine
from bot.engine.engine import MAX_FINDINGS
from bot.engine.model import Explanation
from bot.finding_groups import group_findings
from bot.render_text import render
from bot.slack.answer_blocks import render_explanation

UNKNOWN_TITLE = "550 5.1.1"
FULL_TITLE = "452 4.2.2"


def bounce_event(i: int) -> dict:
    """A SendGrid bounce event (fields as SendGrid's event webhook documents them)."""
    address = f"reader{i}@lists.example.com"
    return {
        "email": address,
        "timestamp": 1767000000 + i,
        "event": "bounce",
        "type": "bounce",
        "status": "5.1.1",
        "reason": f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in local recipient table",
    }


def deferred_event(i: int) -> dict:
    address = f"member{i}@club.example.org"
    return {
        "email": address,
        "timestamp": 1767000500 + i,
        "event": "deferred",
        "attempt": "2",
        "response": f"452 4.2.2 <{address}>: Mailbox full, try again later",
    }


def same_error(count: int) -> str:
    return json.dumps([bounce_event(i) for i in range(count)])


def mixed_errors(each: int) -> str:
    """Bounces and deferrals interleaved, `each` of both."""
    events = []
    for i in range(each):
        events += [bounce_event(i), deferred_event(i)]
    return json.dumps(events)


def postfix_log_line(i: int) -> str:
    """One Postfix delivery line (the format of postfix/smtp's log), a remote server per recipient."""
    rcpt, mx = f"ana{i}@site{i}.example", f"mx.site{i}.example[192.0.2.{i + 1}]"
    return (
        f"Mar  4 10:0{i}:11 relay postfix/smtp[2{i}11]: 4F2A{i}C0D: to=<{rcpt}>, relay={mx}:25, "
        f"delay=0.4, delays=0.1/0/0.2/0.1, dsn=5.1.1, status=bounced (host {mx} said: 550 5.1.1 "
        f"<{rcpt}>: Recipient address rejected: User unknown in local recipient table "
        "(in reply to RCPT TO command))"
    )


def headings(rendered: str) -> list[str]:
    """The titles of a terminal answer: the lines underlined with '='."""
    lines = rendered.splitlines()
    return [lines[i - 1] for i, line in enumerate(lines) if line and set(line) == {"="}]


def slack_headers(blocks: list[dict]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "header"]


def slack_fields(blocks: list[dict]) -> list[str]:
    return [f["text"] for b in blocks for f in b.get("fields", [])]


def also_found(blocks: list[dict]) -> str:
    (text,) = [t for b in blocks if (t := b.get("text", {}).get("text", "")).startswith("*Also found*")]
    return text


# --- the engine counts what it leaves out ------------------------------------------------------------


def test_the_engine_counts_recipients_beyond_its_cap(engine: Engine) -> None:
    explanation = engine.explain(same_error(300))
    assert len(explanation.findings) == MAX_FINDINGS
    assert explanation.more_findings == 300 - MAX_FINDINGS
    assert engine.explain(same_error(4)).more_findings == 0
    # the JSON contract keeps its keys
    assert set(explanation.contract()) == {"findings"}


def test_groups_keep_the_engine_order_and_each_findings_place(engine: Engine) -> None:
    explanation = engine.explain(mixed_errors(3))
    groups = group_findings(explanation.findings)
    assert [g.finding.codes_label for g in groups] == ["550 5.1.1", "452 4.2.2"]
    assert groups[0].recipients == tuple(f"reader{i}@lists.example.com" for i in range(3))
    assert groups[1].recipients == tuple(f"member{i}@club.example.org" for i in range(3))
    assert sum(len(g.findings) for g in groups) == len(explanation.findings)


# --- terminal -------------------------------------------------------------------------------------------


def test_terminal_explains_one_error_once_for_many_recipients(engine: Engine) -> None:
    text = render(engine.explain(same_error(300)))
    assert len(headings(text)) == 1 and headings(text)[0].startswith(UNKNOWN_TITLE)
    assert text.count("What it means") == 1
    assert "Affected:      10 recipients: reader0@lists.example.com, reader1@lists.example.com," in text
    assert "and 7 more" in text and "reader3@lists.example.com" not in text
    assert "… and 290 more recipients not shown" in text


def test_terminal_keeps_different_errors_apart_in_order(engine: Engine) -> None:
    text = render(engine.explain(mixed_errors(3)))
    first, second = headings(text)
    assert first.startswith(UNKNOWN_TITLE) and second.startswith(FULL_TITLE)
    unknown, full = (" ".join(part.split()) for part in text.split(second))  # unwrapped
    assert "3 recipients: reader0@lists.example.com, reader1@lists.example.com, reader2@" in unknown
    assert "3 recipients: member0@club.example.org, member1@club.example.org, member2@" in full
    assert "member0@" not in unknown and "reader0@" not in full
    assert "not shown" not in text


def test_terminal_hides_addresses_when_asked(engine: Engine) -> None:
    text = render(engine.explain(same_error(5)), show_addresses=False)
    assert "Affected:      5 recipients\n" in text and "reader" not in text.split("What it means")[0]


def test_a_fact_the_recipients_disagree_on_is_left_out(engine: Engine) -> None:
    explanation = engine.explain("\n".join(postfix_log_line(i) for i in range(4)))
    assert len({f.remote_mta for f in explanation.findings}) == 4
    text = render(explanation)
    assert len(headings(text)) == 1
    assert "Remote server:" not in text and "4 recipients: ana0@site0.example" in text
    single = render(engine.explain(postfix_log_line(0)))
    assert "Remote server: mx.site0.example" in single and "Recipient:     ana0@site0.example" in single


def test_a_single_recipient_answer_is_unchanged(engine: Engine) -> None:
    text = render(engine.explain(same_error(1)))
    assert "Recipient:     reader0@lists.example.com" in text and "Affected" not in text


# --- Slack Block Kit --------------------------------------------------------------------------------------


def test_block_kit_explains_one_error_once_for_many_recipients(engine: Engine) -> None:
    explanation = engine.explain(same_error(300))
    private = render_explanation(explanation, audience="private")
    assert [h[:9] for h in slack_headers(private.blocks)] == [UNKNOWN_TITLE]
    affected = [f for f in slack_fields(private.blocks) if f.startswith("*Affected*")]
    assert affected == [
        "*Affected*\n10 recipients: `reader0@lists.example.com`, `reader1@lists.example.com`, "
        "`reader2@lists.example.com` and 7 more"
    ]
    assert "… and 290 more recipients not shown" in json.dumps(private.blocks, ensure_ascii=False)
    assert "Hard bounce (permanent) — 300 recipients." in private.text


def test_block_kit_in_a_channel_counts_recipients_without_their_addresses(engine: Engine) -> None:
    channel = render_explanation(engine.explain(same_error(300)), audience="channel")
    everything = json.dumps(channel.message(), ensure_ascii=False)
    assert "reader0@lists.example.com" not in everything and "reader7@" not in everything
    assert "*Affected*\n10 recipients" in slack_fields(channel.blocks)
    assert "300 recipients" in channel.text
    shown = render_explanation(engine.explain(same_error(3)), audience="channel", show_addresses=True)
    assert any("`reader2@lists.example.com`" in f for f in slack_fields(shown.blocks))


def test_block_kit_keeps_different_errors_apart_in_order(engine: Engine) -> None:
    explanation = engine.explain(mixed_errors(3))
    rendered = render_explanation(explanation, audience="private")
    assert [h[:9] for h in slack_headers(rendered.blocks)] == [UNKNOWN_TITLE, FULL_TITLE]
    affected = [f for f in slack_fields(rendered.blocks) if f.startswith("*Affected*")]
    assert len(affected) == 2
    assert "`reader0@lists.example.com`" in affected[0] and "`member0@club.example.org`" in affected[1]
    assert "— 6 recipients, 2 different problems." in rendered.text
    assert "not shown" not in json.dumps(rendered.blocks)


def test_groups_beyond_the_detailed_ones_are_summarised_with_their_counts(engine: Engine) -> None:
    base = engine.explain(same_error(3)).findings
    # four different problems of three recipients each: three detailed, the fourth in one line
    findings = tuple(
        dataclasses.replace(f, entry_id=f"e{n}", title=f"Problem {n}") for n in range(4) for f in base
    )
    explanation = Explanation(mode="explicit", input_kind="json", findings=findings, more_findings=5)
    private = render_explanation(explanation, audience="private")
    assert (
        "Problem 3 (hard bounce) — 3 recipients: `reader0@lists.example.com`, `reader1@lists.example.com`, "
        in (also_found(private.blocks))
    )
    assert "… and 5 more recipients not shown" in json.dumps(private.blocks, ensure_ascii=False)
    channel = render_explanation(explanation, audience="channel")
    assert "Problem 3 (hard bounce) — 3 recipients" in also_found(channel.blocks)
    assert "reader" not in also_found(channel.blocks)
    assert "— 17 recipients, 4 different problems." in channel.text


# --- over the wire --------------------------------------------------------------------------------------


def test_an_alert_with_many_recipients_is_answered_once_per_problem(slack_app: RunningApp) -> None:
    alert = integration_alert(mixed_errors(4))
    assert slack_app.event(alert).status == 200
    assert slack_app.idle()
    (post,) = slack_app.standin.posts()
    blocks = post.json_param("blocks")
    assert post.params["channel"] == ALERT_CHANNEL
    assert [h[:9] for h in slack_headers(blocks)] == [UNKNOWN_TITLE, FULL_TITLE]
    assert "*Affected*\n4 recipients" in slack_fields(blocks)  # an alert channel: counts, no addresses
    assert "reader1@lists.example.com" not in json.dumps(post.params, ensure_ascii=False)
    assert "8 recipients, 2 different problems" in post.params["text"]
