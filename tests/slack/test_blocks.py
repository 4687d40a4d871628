"""The Block Kit renderer and Slack text helpers: complete answers, inside Slack's limits, nothing leaked."""

from __future__ import annotations

import dataclasses
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_fixtures import POSTFIX_ALERT

from bot.engine import Engine
from bot.engine.model import Explanation, Finding
from bot.slack.answer_blocks import (
    ACTIONS_BLOCK_ID,
    FLOOD_BLOCK_ID,
    SHARE_ACTION,
    render_explanation,
    with_flood_count,
)
from bot.slack.block_kit import (
    MAX_BLOCKS,
    MAX_FIELD_CHARS,
    MAX_HEADER_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_SECTION_CHARS,
    fit_blocks,
)
from bot.slack.help_blocks import home_view, render_list, render_search
from bot.slack.kinds.command import parse
from bot.slack.kinds.message_route import route
from bot.slack.mrkdwn import clip, mask_addresses, message_text, plain_text


def within_limits(blocks: list[dict]) -> None:
    assert 0 < len(blocks) <= MAX_BLOCKS
    assert len(json.dumps(blocks, ensure_ascii=False)) <= MAX_MESSAGE_CHARS
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= MAX_HEADER_CHARS
        if block["type"] == "section":
            if "text" in block:
                assert len(block["text"]["text"]) <= MAX_SECTION_CHARS
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= MAX_FIELD_CHARS for f in block.get("fields", []))
        if block["type"] == "context":
            assert len(block["elements"]) <= 10


def finding(**overrides) -> Finding:
    base = Finding(
        entry_id="generic.userunknown.no-such-user",
        reason="userunknown",
        bounce="hard",
        title="The mailbox does not exist",
        meaning="The receiving server says there is no such mailbox.",
        retry="No: the address is wrong or gone.",
        who="sender",
        causes=("A typo in the address.",),
        sender_fix=("Check the address with the recipient.",),
        admin_fix=("Check aliases and forwarding.",),
        references=("RFC 3463", "https://www.rfc-editor.org/rfc/rfc5321"),
        confidence=0.9,
        matched_text="550 5.1.1 <bob@example.net>: User unknown",
        reply_code="550",
        enhanced_code="5.1.1",
        provider="Postfix",
        recipient="bob@example.net",
        remote_mta="mx.example.net",
        diagnostic="host mx.example.net said: 550 5.1.1 <bob@example.net>: Recipient address rejected",
    )
    return dataclasses.replace(base, **overrides)


def explanation(*findings: Finding, **overrides) -> Explanation:
    return Explanation(mode="explicit", input_kind="smtp", findings=findings, **overrides)


def test_an_answer_has_every_part() -> None:
    rendered = render_explanation(explanation(finding()), audience="private", share_id="s1")
    blocks = rendered.blocks
    text = json.dumps(blocks, ensure_ascii=False)
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "550 5.1.1 The mailbox does not exist", "emoji": True},
    }
    fields = " ".join(f["text"] for f in blocks[1]["fields"])
    for label in (
        "*Reason*",
        "Recipient address does not exist",
        "Hard bounce",
        "*Retry?*",
        "*Who must act*",
        "The sender",
        "Postfix",
    ):
        assert label in fields
    for part in (
        "*What it means*",
        "*Likely causes*",
        "*How to fix it (sender)*",
        "*How to fix it (recipient's admin)*",
    ):
        assert part in text
    assert "<https://www.rfc-editor.org/rfc/rfc5321|www.rfc-editor.org/rfc/rfc5321>" in text
    assert "reason `userunknown`" in text  # the Sisimai name stays, in the small print
    assert "Confidence 90%" in text and "matched `550 5.1.1 &lt;bob@example.net&gt;: User unknown`" in text
    assert blocks[-1]["block_id"] == ACTIONS_BLOCK_ID
    assert blocks[-1]["elements"][0]["action_id"] == SHARE_ACTION
    assert rendered.text.startswith("550 5.1.1 The mailbox does not exist: Hard bounce (permanent).")


def test_channel_answers_hide_addresses_private_ones_do_not() -> None:
    exp = explanation(finding())
    channel = render_explanation(exp, audience="channel")
    everything = json.dumps(channel.message(), ensure_ascii=False)
    assert "bob@example.net" not in everything and "…@example.net" in everything
    private = json.dumps(render_explanation(exp, audience="private").message(), ensure_ascii=False)
    assert "bob@example.net" in private
    shown = json.dumps(render_explanation(exp, audience="channel", show_addresses=True).message())
    assert "bob@example.net" in shown


def test_text_from_the_paste_cannot_ping_or_link() -> None:
    nasty = finding(
        matched_text="<!channel> <@U0ADMIN> <https://evil.example|click> & more", diagnostic="<!here>"
    )
    text = json.dumps(render_explanation(explanation(nasty), audience="channel").blocks)
    assert "<!channel>" not in text and "<@U0ADMIN>" not in text and "<!here>" not in text
    assert "&lt;!channel&gt;" in text and "&amp; more" in text


def test_a_notice_and_a_cut_paste() -> None:
    rendered = render_explanation(
        Explanation(mode="explicit", input_kind="text", notice="Nothing found.", truncated=True),
        audience="private",
    )
    assert rendered.text == "Nothing found."
    text = json.dumps(rendered.blocks)
    assert "Nothing found." in text and "read only its first part" in text


def test_oversized_findings_are_cut_to_fit() -> None:
    huge = finding(
        meaning="word " * 5000,
        causes=tuple(f"cause {i} " * 40 for i in range(60)),
        sender_fix=tuple(f"fix {i} " * 50 for i in range(60)),
        references=tuple(f"https://example.com/{i}" for i in range(200)),
        title="T" * 400,
        retry="r" * 5000,
    )
    many = [dataclasses.replace(huge, entry_id=f"e{i}", recipient=f"u{i}@example.com") for i in range(10)]
    for audience in ("private", "channel"):
        rendered = render_explanation(explanation(*many), audience=audience, share_id="x")
        within_limits(rendered.blocks)
        assert rendered.blocks[-1]["type"] == "actions"  # the buttons survive the cut
        assert len(rendered.text) <= 3000


def test_findings_that_do_not_fit_are_summarised() -> None:
    many = [finding(entry_id=f"e{i}", title=f"Problem {i}", recipient=f"u{i}@example.com") for i in range(10)]
    rendered = render_explanation(explanation(*many), audience="private")
    within_limits(rendered.blocks)
    text = json.dumps(rendered.blocks)
    assert "*Also found*" in text and "Problem 9" in text
    assert "— 10 recipients, 10 different problems." in rendered.text


def test_flood_count_line_is_added_once_before_the_buttons() -> None:
    blocks = render_explanation(explanation(finding()), audience="channel").blocks
    once = with_flood_count(blocks, 5, 1_700_000_000)
    twice = with_flood_count(once, 7, 1_700_000_100)
    assert [b.get("block_id") for b in twice].count(FLOOD_BLOCK_ID) == 1
    assert twice[-1]["block_id"] == ACTIONS_BLOCK_ID and twice[-2]["block_id"] == FLOOD_BLOCK_ID
    assert "Seen *7* times" in json.dumps(twice[-2]) and "<!date^1700000100^" in json.dumps(twice[-2])


def test_fit_blocks_cuts_anything_to_slacks_limits_and_keeps_the_buttons() -> None:
    answer = render_explanation(explanation(finding()), audience="channel").blocks
    padded = [{"type": "section", "text": {"type": "mrkdwn", "text": "y" * 2900}} for _ in range(60)]
    fitted = fit_blocks([*padded, *answer])
    within_limits(fitted)
    assert fitted[-1]["block_id"] == ACTIONS_BLOCK_ID
    assert len(padded[0]["text"]["text"]) == 2900  # the caller's blocks are not changed
    assert fit_blocks(answer) == answer  # what already fits is sent as built


def test_listings_fit(engine: Engine) -> None:
    listing = render_list("5", engine.list_prefix("5"))
    within_limits(listing.blocks)
    assert "more" in json.dumps(listing.blocks)
    within_limits(render_list("9.9", []).blocks)
    within_limits(render_search("mailbox full", engine.search("mailbox full")).blocks)


def test_home_view_names_the_alert_channels() -> None:
    view = home_view([f"C{i:08d}" for i in range(60)], 600, False)
    assert view["type"] == "home"
    within_limits(view["blocks"])
    assert "<#C00000000>" in json.dumps(view) and "20 more" in json.dumps(view)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(min_size=0, max_size=3000)
    | st.lists(
        st.sampled_from([POSTFIX_ALERT, "550 5.7.1 <x@y.org> denied", "452 4.2.2 full", "junk"]), max_size=30
    ).map("\n".join)
)
def test_whatever_is_pasted_the_answer_fits(engine: Engine, text: str) -> None:
    exp = engine.explain(text)
    for audience in ("private", "channel"):
        rendered = render_explanation(exp, audience=audience, share_id="s")
        within_limits(rendered.blocks)
        assert rendered.text and len(rendered.text) <= 3000


# --- Slack text ------------------------------------------------------------------------------------------


def test_plain_text_undoes_slack_markup() -> None:
    raw = (
        "<@U0SMTPBOT> bounce: &lt;<mailto:ana@example.com|ana@example.com>&gt; said 550 5.1.1 "
        "see <https://support.google.com/mail/?p=NoSuchUser> in <#C0123|alerts> &amp; <!here>"
    )
    assert plain_text(raw) == (
        " bounce: <ana@example.com> said 550 5.1.1 see https://support.google.com/mail/?p=NoSuchUser"
        " in #alerts & "
    )


def test_quote_marks_go_outside_code_blocks_only() -> None:
    """In a ``` block a line that starts with ">" is what was pasted (a Sendmail transcript)."""
    raw = (
        "&gt; quoted line\n```\n&gt;&gt;&gt; RCPT TO:&lt;a@example.com&gt;\n"
        "&lt;&lt;&lt; 550 5.1.1 unknown\n```\n&gt; after"
    )
    assert plain_text(raw) == (
        "quoted line\n```\n>>> RCPT TO:<a@example.com>\n<<< 550 5.1.1 unknown\n```\nafter"
    )


def test_message_text_reads_attachments_and_blocks() -> None:
    event = {
        "text": "Alert fired",
        "attachments": [
            {
                "title": "Bounce",
                "text": "550 5.1.1 user unknown",
                "fields": [{"title": "host", "value": "mx1"}],
            }
        ],
        "blocks": [
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_preformatted",
                        "elements": [{"type": "text", "text": "421 4.7.0 later"}],
                    }
                ],
            }
        ],
    }
    text = message_text(event)
    for part in ("Alert fired", "550 5.1.1 user unknown", "host: mx1", "421 4.7.0 later"):
        assert part in text


def test_mask_addresses_and_clip() -> None:
    assert mask_addresses("to <a.b+c@mail.example.co.uk>, x@y.io") == "to <…@mail.example.co.uk>, …@y.io"
    assert clip("one two three four", 12) == "one two…"
    assert clip("short", 10) == "short"


# --- routing --------------------------------------------------------------------------------------------


def test_command_parsing() -> None:
    assert parse("") == ("help", "")
    assert parse(" Help ") == ("help", "")
    assert parse("list 5.7") == ("list", "5.7")
    assert parse("search mailbox full") == ("search", "mailbox full")
    assert parse("550 5.1.1 user unknown") == ("explain", "550 5.1.1 user unknown")
    assert parse("listed as spam by x") == ("explain", "listed as spam by x")


def test_message_routing() -> None:
    alerts = frozenset({"C0ALERT"})
    ours = ("U0BOT", "B0BOT")

    def kind(**event) -> str | None:
        return route({"ts": "1.1", "channel": "C0ALERT", **event}, *ours, alerts)[0]

    assert kind(text="550 5.1.1", user="U1") == "alert"
    assert kind(text="550", subtype="bot_message", bot_id="B0OTHER") == "alert"
    assert kind(text="550", subtype="bot_message", bot_id="B0OTHER", thread_ts="1.0") is None  # no ping-pong
    assert kind(text="550", user="U1", thread_ts="1.0") == "alert"  # a person in a thread: answered
    assert kind(text="550", bot_id="B0BOT", user="U0BOT") is None  # ourselves
    assert kind(text="<@U0BOT> 550", user="U1") is None  # left to app_mention
    for subtype in ("message_changed", "message_deleted", "channel_join", "channel_topic", "message_replied"):
        assert kind(text="550", user="U1", subtype=subtype) is None
    assert kind(text="550", user="U1", channel="C0OTHER") is None
    assert kind(text="550", user="U1", channel="D0DM", channel_type="im") == "mention"
    assert kind(text="550", bot_id="B0OTHER", channel="D0DM", channel_type="im") is None


def test_an_implied_status_is_a_fact_not_a_code_in_the_title() -> None:
    implied = finding(enhanced_code="5.1.1", enhanced_implied=True, matched_text="550 user unknown")
    rendered = render_explanation(explanation(implied), audience="private", share_id="s1")
    fields = " ".join(f["text"] for f in rendered.blocks[1]["fields"])
    assert rendered.blocks[0]["text"]["text"] == "550 The mailbox does not exist"
    assert "*Implied code*\n5.1.1 (not in the text" in fields
    assert rendered.text.startswith("550 The mailbox does not exist:")  # the notification's summary
    stated = render_explanation(explanation(finding()), audience="private", share_id="s1")
    assert stated.blocks[0]["text"]["text"] == "550 5.1.1 The mailbox does not exist"
    assert "Implied code" not in json.dumps(stated.blocks)
