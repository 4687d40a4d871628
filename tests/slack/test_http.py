"""The app in HTTP mode, end to end: signed requests to a loopback port, answers at the stand-in Slack."""

from __future__ import annotations

import json
import logging
import socket
import time
from urllib.parse import urlencode, urlsplit

import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_fixtures import (
    ALERT_CHANNEL,
    CHAT_CHANNEL,
    GMAIL_BOUNCE,
    POSTFIX_ALERT,
    REDIS_URL,
    RunningApp,
    event_body,
    http_request,
    integration_alert,
    mention_event,
    message_event,
    new_ts,
    sign,
    start_app,
)

from bot.slack.answer_blocks import HELPFUL_ACTION, NOT_HELPFUL_ACTION, SHARE_ACTION
from bot.slack.block_kit import MAX_BLOCKS, MAX_MESSAGE_CHARS, MAX_SECTION_CHARS
from bot.state.redis_state import RedisState


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def section_texts(blocks: list[dict]) -> list[str]:
    texts = [b["text"]["text"] for b in blocks if b.get("type") == "section" and "text" in b]
    texts += [f["text"] for b in blocks for f in b.get("fields", [])]
    return texts


def assert_within_slack_limits(blocks: list[dict]) -> None:
    assert 0 < len(blocks) <= MAX_BLOCKS
    assert len(json.dumps(blocks, ensure_ascii=False)) <= MAX_MESSAGE_CHARS
    assert all(len(t) <= MAX_SECTION_CHARS for t in section_texts(blocks))


def answered_only_by_post(app: RunningApp) -> dict:
    """Wait for the work to finish; exactly one chat.postMessage and no other answer."""
    assert app.idle()
    posts = app.standin.posts()
    assert len(posts) == 1, [p.params.get("text") for p in posts]
    return posts[0].params


# --- /smtp -----------------------------------------------------------------------------------------


def test_signed_slash_command_is_acknowledged_then_answered_ephemerally_with_the_code(
    slack_app: RunningApp,
) -> None:
    reply, response_url = slack_app.command("550 5.7.26")
    assert reply.status == 200
    responses = slack_app.standin.wait_for(slack_app.standin.responses)
    assert len(responses) == 1 and responses[0].path == urlsplit(response_url).path
    answer = responses[0].params
    assert answer["response_type"] == "ephemeral"
    assert answer["blocks"][0]["type"] == "header"
    assert "550 5.7.26" in answer["blocks"][0]["text"]["text"]
    assert "550 5.7.26" in answer["text"]
    buttons = [e["action_id"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons[0] == SHARE_ACTION and HELPFUL_ACTION in buttons
    assert_within_slack_limits(answer["blocks"])
    # answered through the response_url only: works in DMs and channels the bot is not in
    assert slack_app.idle()
    assert [c.method for c in slack_app.standin.api_calls()] == ["response_url"]


def test_smtp_in_a_direct_message_answers_through_response_url(slack_app: RunningApp) -> None:
    slack_app.command("421 4.7.0", channel="D0DIRECT01")
    assert slack_app.standin.wait_for(slack_app.standin.responses)
    assert slack_app.idle()
    assert not slack_app.standin.posts()


@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
def test_smtp_help_is_answered_in_the_acknowledgement(slack_app: RunningApp, text: str) -> None:
    reply, _ = slack_app.command(text)
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert "/smtp list 5.7" in json.dumps(body["blocks"])
    assert slack_app.idle()
    assert slack_app.standin.api_calls() == []


def test_smtp_list_and_search(slack_app: RunningApp) -> None:
    slack_app.command("list 5.7")
    slack_app.command("search mailbox full")
    slack_app.command("list")  # needs a prefix: usage in the ack
    responses = slack_app.standin.wait_for(
        lambda: len(slack_app.standin.responses()) == 2 and slack_app.standin.responses()
    )
    texts = [json.dumps(r.params["blocks"]) for r in responses]
    listing = next(t for t in texts if "Codes under" in t)
    search = next(t for t in texts if "Knowledge entries for" in t)
    assert "5.7." in listing
    assert "mailbox" in search.lower()
    for r in responses:
        assert_within_slack_limits(r.params["blocks"])


def test_share_in_channel_posts_the_answer_without_the_recipient_address(slack_app: RunningApp) -> None:
    slack_app.command(POSTFIX_ALERT)
    (private,) = slack_app.standin.wait_for(slack_app.standin.responses)
    # the asker may see the failed recipient; the channel may not
    assert "bob@example.net" in json.dumps(private.params["blocks"])
    share = next(
        e
        for b in private.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == SHARE_ACTION
    )
    click_url = slack_app.standin.response_url()
    reply = slack_app.interactive(
        {
            "type": "block_actions",
            "team": {"id": "T0STANDIN"},
            "user": {"id": "U0HUMAN01"},
            "channel": {"id": CHAT_CHANNEL},
            "api_app_id": "A0STANDIN",
            "container": {"type": "message", "is_ephemeral": True},
            "trigger_id": "t1",
            "response_url": click_url,
            "actions": [
                {
                    "action_id": SHARE_ACTION,
                    "block_id": "answer_actions",
                    "value": share["value"],
                    "type": "button",
                }
            ],
        }
    )
    assert reply.status == 200
    assert slack_app.idle()
    shared = [r.params for r in slack_app.standin.responses() if r.path.endswith(click_url.rsplit("/", 1)[1])]
    assert shared[0]["response_type"] == "in_channel"
    posted = json.dumps(shared[0]["blocks"], ensure_ascii=False)
    assert "bob@example.net" not in posted and "…@example.net" in posted
    assert "Shared by <@U0HUMAN01>" in posted
    assert shared[1] == {"delete_original": True}


@pytest.mark.parametrize(("action_id", "helpful"), [(HELPFUL_ACTION, True), (NOT_HELPFUL_ACTION, False)])
def test_helpful_clicks_are_logged(
    slack_app: RunningApp, caplog: pytest.LogCaptureFixture, action_id: str, helpful: bool
) -> None:
    caplog.set_level(logging.INFO, logger="smtpbot.feedback")
    reply = slack_app.interactive(
        {
            "type": "block_actions",
            "team": {"id": "T0STANDIN"},
            "user": {"id": "U0HUMAN01"},
            "channel": {"id": CHAT_CHANNEL},
            "trigger_id": "t2",
            "response_url": slack_app.standin.response_url(),
            "actions": [{"action_id": action_id, "value": "google.user-unknown", "type": "button"}],
        }
    )
    assert reply.status == 200
    records = [r for r in caplog.records if r.name == "smtpbot.feedback"]
    assert len(records) == 1
    assert records[0].helpful is helpful and records[0].entries == ["google.user-unknown"]
    assert records[0].user == "U0HUMAN01"
    (thanks,) = slack_app.standin.wait_for(slack_app.standin.responses)  # the clicker is thanked
    assert thanks.params["text"].startswith("Thanks, noted")


def test_message_shortcut_explains_the_message_privately(slack_app: RunningApp) -> None:
    reply = slack_app.interactive(
        {
            "type": "message_action",
            "callback_id": "explain_bounce",
            "team": {"id": "T0STANDIN"},
            "user": {"id": "U0HUMAN01"},
            "channel": {"id": CHAT_CHANNEL},
            "trigger_id": "t3",
            "response_url": slack_app.standin.response_url(),
            "message": {"type": "message", "user": "U0OTHER01", "ts": new_ts(), "text": GMAIL_BOUNCE},
        }
    )
    assert reply.status == 200
    (answer,) = slack_app.standin.wait_for(slack_app.standin.responses)
    assert answer.params["response_type"] == "ephemeral"
    assert "550 5.1.1" in answer.params["text"]


def test_app_home_lists_usage_and_watched_channels(slack_app: RunningApp) -> None:
    reply = slack_app.event(
        {"type": "app_home_opened", "user": "U0HUMAN01", "channel": "D0HOME0001", "tab": "home"}
    )
    assert reply.status == 200
    (publish,) = slack_app.standin.wait_for(lambda: slack_app.standin.calls_to("views.publish"))
    view = publish.json_param("view")
    assert publish.params["user_id"] == "U0HUMAN01" and view["type"] == "home"
    assert f"<#{ALERT_CHANNEL}>" in json.dumps(view)


# --- mentions and direct messages ----------------------------------------------------------------------


def test_mention_with_a_pasted_gmail_bounce_gets_one_threaded_answer_with_blocks(
    slack_app: RunningApp,
) -> None:
    event = mention_event(GMAIL_BOUNCE)
    assert slack_app.event(event).status == 200
    post = answered_only_by_post(slack_app)
    assert post["channel"] == CHAT_CHANNEL and post["thread_ts"] == event["ts"]
    blocks = post["blocks"]
    assert blocks[0]["type"] == "header" and "550 5.1.1" in blocks[0]["text"]["text"]
    assert "550 5.1.1" in post["text"]
    assert_within_slack_limits(blocks)
    assert post.get("unfurl_links") is False


def test_mention_inside_a_thread_is_answered_in_that_thread(slack_app: RunningApp) -> None:
    parent = new_ts()
    slack_app.event(mention_event("what does 452 4.2.2 mean?", thread_ts=parent))
    post = answered_only_by_post(slack_app)
    assert post["thread_ts"] == parent


def test_a_mention_arriving_as_app_mention_and_as_message_is_answered_once(slack_app: RunningApp) -> None:
    mention = mention_event("550 5.1.1 user unknown")
    as_message = {**mention, "type": "message", "channel_type": "channel"}
    slack_app.event(mention)
    slack_app.event(as_message)
    # and in an alert channel, where the message listener would otherwise answer too
    mention2 = mention_event("550 5.1.1 user unknown", channel=ALERT_CHANNEL)
    slack_app.event({**mention2, "type": "message", "channel_type": "channel"})
    slack_app.event(mention2)
    assert all(r.status == 200 for r in slack_app.sent)
    assert slack_app.idle()
    assert sorted(p.params["thread_ts"] for p in slack_app.standin.posts()) == sorted(
        [mention["ts"], mention2["ts"]]
    )


def test_direct_message_is_answered_in_its_thread_with_the_address(slack_app: RunningApp) -> None:
    event = message_event(POSTFIX_ALERT, channel="D0DIRECT01", channel_type="im")
    slack_app.event(event)
    post = answered_only_by_post(slack_app)
    assert post["channel"] == "D0DIRECT01" and post["thread_ts"] == event["ts"]
    assert "bob@example.net" in json.dumps(post["blocks"])  # only the asker sees a DM


def test_mention_in_a_channel_hides_recipient_addresses(slack_app: RunningApp) -> None:
    slack_app.event(mention_event(POSTFIX_ALERT))
    post = answered_only_by_post(slack_app)
    everything = json.dumps(post, ensure_ascii=False)
    assert "bob@example.net" not in everything
    assert "…@example.net" in everything


def test_addresses_are_shown_when_configured(standin, engine) -> None:
    app = start_app(standin, engine, smtpbot_show_addresses=True)
    try:
        app.event(mention_event(POSTFIX_ALERT))
        post = answered_only_by_post(app)
        assert "bob@example.net" in json.dumps(post["blocks"])
    finally:
        app.stop()


def test_the_same_finding_is_not_answered_twice_in_one_thread(slack_app: RunningApp) -> None:
    parent = new_ts()
    slack_app.event(mention_event("550 5.1.1 user unknown", thread_ts=parent))
    assert slack_app.idle()
    slack_app.event(mention_event("550 5.1.1 user unknown", thread_ts=parent))
    assert slack_app.idle()
    first, second = slack_app.standin.posts()
    assert first.params["blocks"][0]["type"] == "header"
    assert "already explained" in second.params["text"]


def test_junk_paste_of_40_kb_gets_a_clear_short_answer(slack_app: RunningApp) -> None:
    junk = ("lorem ipsum dolor sit amet " * 1600)[:40_000]
    reply = slack_app.event(mention_event(junk))
    assert reply.status == 200
    post = answered_only_by_post(slack_app)
    assert_within_slack_limits(post["blocks"])
    assert "no SMTP reply code" in post["text"]


def test_a_paste_with_many_failures_is_cut_to_fit_slack(slack_app: RunningApp) -> None:
    text = many_failures_paste()
    slack_app.event(mention_event(text))
    post = answered_only_by_post(slack_app)
    assert_within_slack_limits(post["blocks"])
    assert len(post["text"]) <= 3000


def many_failures_paste(repeat: int = 20) -> str:
    """A Postfix report with dozens of different failures: more than any message can show."""
    lines = [
        f"<user{i}@{domain}>: host mx.{domain}[192.0.2.{i}] said: {code} (in reply to RCPT TO command)"
        for i, (domain, code) in enumerate(
            [
                ("example.com", "550 5.1.1 User unknown"),
                ("example.org", "552 5.2.2 Mailbox full"),
                ("example.net", "554 5.7.1 Relay access denied"),
                ("example.edu", "550 5.7.26 DMARC policy rejection"),
                ("example.info", "421 4.7.0 Try again later, too many connections"),
                ("example.biz", "452 4.2.2 Over quota"),
                ("example.io", "550 5.7.1 Message rejected as spam"),
                ("example.dev", "553 5.1.3 Bad recipient address syntax"),
                ("example.app", "554 5.6.0 Message content rejected"),
                ("example.co", "451 4.3.0 Temporary local problem"),
                ("example.me", "550 5.4.1 Recipient address rejected: Access denied"),
                ("example.tv", "552 5.3.4 Message size exceeds fixed limit"),
            ]
            * 5
        )
    ]
    return "This is the mail system at host relay.example.org.\n\n" + "\n".join(lines) * repeat


def test_oversized_answers_are_cut_before_sending_on_every_path(slack_app: RunningApp) -> None:
    """/smtp (response_url), its Share button, a mention, an alert and the alert's count update: the
    stand-in refuses blocks beyond Slack's limits as Slack does, and refuses none of these."""
    paste = many_failures_paste()
    slack_app.command(paste)
    (private,) = slack_app.standin.wait_for(slack_app.standin.responses)
    share = next(
        e
        for b in private.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == SHARE_ACTION
    )
    slack_app.interactive(
        {
            "type": "block_actions",
            "team": {"id": "T0STANDIN"},
            "user": {"id": "U0HUMAN01"},
            "channel": {"id": CHAT_CHANNEL},
            "trigger_id": "t1",
            "response_url": slack_app.standin.response_url(),
            "actions": [{"action_id": SHARE_ACTION, "value": share["value"], "type": "button"}],
        }
    )
    slack_app.event(mention_event(paste))
    slack_app.event(integration_alert(paste))
    slack_app.event(integration_alert(paste.replace("user", "other")))  # same problems: counted
    assert slack_app.idle(60)
    standin = slack_app.standin
    assert standin.refused == []
    shared = [r.params for r in standin.responses() if r.params.get("response_type") == "in_channel"]
    assert len(shared) == 1
    assert len(standin.posts()) == 2 and standin.wait_for(lambda: standin.calls_to("chat.update"))
    for blocks in [private.params["blocks"], shared[0]["blocks"]] + [
        c.json_param("blocks") for c in standin.posts() + standin.calls_to("chat.update")
    ]:
        assert_within_slack_limits(blocks)


def test_the_stand_in_refuses_what_slack_refuses(slack_app: RunningApp) -> None:
    """The check above means something: blocks past the limits are refused with Slack's errors."""
    from slack_sdk.errors import SlackApiError

    from bot.slack.clients import web_client

    client = web_client(slack_app.standin.bot_token, slack_app.standin.api_url)
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2900}} for _ in range(5)]
    too_many = [{"type": "divider"}] * 51
    big_section = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    for blocks, error in [
        (too_long, "msg_blocks_too_long"),
        (too_many, "invalid_blocks"),
        (big_section, "invalid_blocks"),
    ]:
        with pytest.raises(SlackApiError) as caught:
            client.chat_postMessage(channel=CHAT_CHANNEL, text="x", blocks=blocks)
        assert caught.value.response["error"] == error
    assert len(slack_app.standin.refused) == 3
    slack_app.standin.refused.clear()


# --- alert channels -----------------------------------------------------------------------------------


def test_alert_posted_by_an_integration_is_answered_in_its_thread(slack_app: RunningApp) -> None:
    alert = integration_alert(POSTFIX_ALERT)
    assert slack_app.event(alert).status == 200
    post = answered_only_by_post(slack_app)
    assert post["channel"] == ALERT_CHANNEL and post["thread_ts"] == alert["ts"]
    assert "550 5.1.1" in post["blocks"][0]["text"]["text"]
    assert "bob@example.net" not in json.dumps(post)


def test_alert_in_attachments_is_read(slack_app: RunningApp) -> None:
    alert = integration_alert(
        "",
        attachments=[
            {"fallback": "bounce", "title": "Delivery failed", "text": POSTFIX_ALERT, "color": "danger"}
        ],
    )
    slack_app.event(alert)
    answered_only_by_post(slack_app)


@pytest.mark.parametrize(
    "text",
    [
        "deploy finished, 3 hosts updated",
        "Lunch at 12? The usual place",
        "can someone check why the build is red",
        "I sent the email to the customer yesterday",
    ],
)
def test_ordinary_chat_in_an_alert_channel_causes_no_api_call(slack_app: RunningApp, text: str) -> None:
    assert slack_app.event(message_event(text)).status == 200
    assert slack_app.idle()
    assert slack_app.standin.api_calls() == []


@pytest.mark.parametrize(
    "text",
    [
        "anyone know what 550 5.1.1 means? marketing keeps asking",
        "we moved the MX yesterday, 550 users moved over, all fine now?",
    ],
)
def test_a_question_about_a_code_in_an_alert_channel_causes_no_api_call(
    slack_app: RunningApp, text: str
) -> None:
    assert slack_app.event(message_event(text)).status == 200
    assert slack_app.idle()
    assert slack_app.standin.api_calls() == []


def test_a_cron_jobs_mailq_in_a_code_block_is_answered_in_its_thread(slack_app: RunningApp) -> None:
    listing = (
        "-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n"
        "4F5A6B7C8D     1822 Mon Dec  7 08:55:12  news@example.net\n"
        "(host mx.example.com[192.0.2.41] said: 452 4.2.2 <raj@example.com>: Mailbox full "
        "(in reply to RCPT TO command))\n"
        "                                         raj@example.com\n\n-- 1 Kbytes in 1 Request."
    )
    escaped = listing.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    alert = integration_alert("cron@mx2: mailq\n```" + escaped + "```")
    slack_app.event(alert)
    post = answered_only_by_post(slack_app)
    assert post["thread_ts"] == alert["ts"] and "452" in json.dumps(post)
    assert "raj@example.com" not in json.dumps(post)  # a channel answer hides the address


def test_the_bots_own_message_is_never_answered(slack_app: RunningApp) -> None:
    own = message_event(POSTFIX_ALERT, user="U0SMTPBOT", bot_id="B0SMTPBOT")
    own_as_bot_message = integration_alert(POSTFIX_ALERT, bot_id="B0SMTPBOT")
    assert slack_app.event(own).status == 200
    assert slack_app.event(own_as_bot_message).status == 200
    assert slack_app.idle()
    assert slack_app.standin.api_calls() == []


def test_a_bot_reply_in_a_thread_is_not_answered(slack_app: RunningApp) -> None:
    reply = integration_alert(POSTFIX_ALERT, thread_ts=new_ts())
    assert slack_app.event(reply).status == 200
    assert slack_app.idle()
    assert slack_app.standin.api_calls() == []


def test_messages_outside_alert_channels_are_not_answered(slack_app: RunningApp) -> None:
    slack_app.event(integration_alert(POSTFIX_ALERT, channel=CHAT_CHANNEL))
    slack_app.event(message_event(POSTFIX_ALERT, channel=CHAT_CHANNEL))
    assert slack_app.idle()
    assert slack_app.standin.api_calls() == []


# --- acknowledgements, duplicates, retries, forgeries ------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": ALERT_CHANNEL,
            "hidden": True,
            "message": {"type": "message", "text": POSTFIX_ALERT, "ts": "1.1"},
            "ts": "1.2",
        },
        {
            "type": "message",
            "subtype": "message_deleted",
            "channel": ALERT_CHANNEL,
            "hidden": True,
            "deleted_ts": "1.1",
            "ts": "1.3",
        },
        {
            "type": "message",
            "subtype": "channel_join",
            "channel": ALERT_CHANNEL,
            "user": "U0HUMAN02",
            "text": "<@U0HUMAN02> has joined the channel",
            "ts": "1.4",
        },
        {
            "type": "message",
            "subtype": "message_replied",
            "channel": ALERT_CHANNEL,
            "hidden": True,
            "ts": "1.5",
        },
        {
            "type": "reaction_added",
            "user": "U0HUMAN01",
            "reaction": "eyes",
            "item": {"type": "message", "channel": ALERT_CHANNEL, "ts": "1.1"},
        },
        {"type": "member_joined_channel", "user": "U0SMTPBOT", "channel": ALERT_CHANNEL},
        {"type": "app_uninstalled"},
        {"type": "some_event_slack_adds_next_year", "channel": ALERT_CHANNEL},
    ],
    ids=lambda e: e.get("subtype") or e["type"],
)
def test_every_event_kind_and_subtype_is_acknowledged_without_work(
    slack_app: RunningApp, event: dict
) -> None:
    reply = slack_app.event(event)
    assert reply.status == 200
    assert slack_app.idle()
    assert slack_app.standin.api_calls() == []


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "block_actions", "actions": [{"action_id": "some_other_button", "value": "x"}]},
        {"type": "shortcut", "callback_id": "a_global_shortcut", "trigger_id": "t"},
        {
            "type": "view_submission",
            "view": {"id": "V1", "type": "modal", "callback_id": "a_modal", "state": {"values": {}}},
        },
        {
            "type": "view_closed",
            "view": {"id": "V1", "type": "modal", "callback_id": "a_modal"},
            "is_cleared": False,
        },
        {"type": "block_suggestion", "action_id": "menu", "value": "x"},
    ],
    ids=lambda p: p["type"],
)
def test_every_interaction_kind_is_acknowledged(slack_app: RunningApp, payload: dict) -> None:
    payload = {"team": {"id": "T0STANDIN"}, "user": {"id": "U0HUMAN01"}, **payload}
    assert slack_app.interactive(payload).status == 200


def test_unknown_slash_command_is_acknowledged(slack_app: RunningApp) -> None:
    form = urlencode(
        {
            "team_id": "T0STANDIN",
            "user_id": "U0HUMAN01",
            "command": "/other",
            "text": "x",
            "response_url": slack_app.standin.response_url(),
            "channel_id": CHAT_CHANNEL,
        }
    )
    assert slack_app.post(form, "application/x-www-form-urlencoded").status == 200


def test_the_same_event_delivered_twice_is_answered_once(slack_app: RunningApp) -> None:
    body = event_body(integration_alert(POSTFIX_ALERT))
    first = slack_app.event_body(body)
    again = slack_app.event_body(body)
    assert first.status == again.status == 200
    answered_only_by_post(slack_app)


def test_an_event_first_seen_as_a_retry_is_answered_and_later_retries_are_not(slack_app: RunningApp) -> None:
    event = integration_alert(POSTFIX_ALERT)
    assert slack_app.event(event, event_id="EvRETRY0001", retry_num=1).status == 200
    assert slack_app.event(event, event_id="EvRETRY0001", retry_num=2).status == 200
    answered_only_by_post(slack_app)


def test_retry_num_zero_is_a_first_delivery(slack_app: RunningApp) -> None:
    event = mention_event("550 5.1.1")
    slack_app.event(event, retry_num=0)
    answered_only_by_post(slack_app)


@pytest.mark.parametrize("how", ["wrong secret", "stale timestamp", "no signature", "tampered body"])
def test_forged_or_stale_requests_get_401_and_no_answer(slack_app: RunningApp, how: str) -> None:
    body = json.dumps(event_body(mention_event("550 5.1.1")))
    headers = {"Content-Type": "application/json"}
    if how == "wrong secret":
        headers |= sign(body, secret="0" * 32)
    elif how == "stale timestamp":
        headers |= sign(body, timestamp=int(time.time()) - 600)
    elif how == "tampered body":
        headers |= sign(body)
        body = body.replace("550", "551")
    reply = http_request(slack_app.port, "POST", "/slack/events", body, headers)
    assert reply.status == 401
    assert slack_app.idle()
    assert slack_app.standin.api_calls() == []


def test_url_verification_challenge(slack_app: RunningApp) -> None:
    reply = slack_app.event_body({"type": "url_verification", "challenge": "abc123", "token": "x"})
    assert reply.status == 200 and reply.json() == {"challenge": "abc123"}


# --- Slack being slow or refusing -------------------------------------------------------------------------


def test_rate_limited_post_is_retried_after_retry_after_and_delivered(slack_app: RunningApp) -> None:
    slack_app.standin.rate_limit("chat.postMessage", times=2, retry_after=1)
    slack_app.event(mention_event("550 5.1.1"))
    answered_only_by_post(slack_app)
    attempts = slack_app.standin.calls_to("chat.postMessage", ok_only=False)
    assert [c.status for c in attempts] == [429, 429, 200]
    assert attempts[2].at - attempts[0].at >= 2.0  # waited Retry-After each time


def test_a_post_whose_connection_drops_is_retried_and_delivered(slack_app: RunningApp) -> None:
    slack_app.standin.cut_connection("chat.postMessage", times=2)
    event = mention_event("550 5.1.1")
    slack_app.event(event)
    post = answered_only_by_post(slack_app)
    assert post["thread_ts"] == event["ts"]
    attempts = slack_app.standin.calls_to("chat.postMessage", ok_only=False)
    assert [c.status for c in attempts] == [-1, -1, 200]


def test_acknowledgements_never_wait_for_slack(slack_app: RunningApp) -> None:
    hold = slack_app.standin.hold("chat.postMessage")
    events = [mention_event(f"550 5.1.{i}", channel=f"C0BUSY{i:04d}") for i in range(8)]
    replies = [slack_app.event(e) for e in events]
    # every event acknowledged while Slack has not answered a single post
    assert [r.status for r in replies] == [200] * 8
    assert slack_app.standin.wait_for(lambda: hold.arrived >= 1)
    assert slack_app.standin.posts() == []
    # and /smtp is still answered while posting is stuck
    reply, _ = slack_app.command("550 5.7.26")
    assert reply.status == 200
    assert slack_app.standin.wait_for(slack_app.standin.responses)
    slack_app.standin.unhold("chat.postMessage")
    assert slack_app.standin.wait_for(lambda: len(slack_app.standin.posts()) == 8)


# --- the HTTP server itself ---------------------------------------------------------------------------------


def metric(port: int, name: str, **labels: str) -> float:
    """The sum of a metric's samples matching `labels`, read from the app's own /metrics."""
    reply = http_request(port, "GET", "/metrics")
    assert reply.status == 200
    total = 0.0
    for family in text_string_to_metric_families(reply.body.decode()):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def test_health_readiness_and_metrics(slack_app: RunningApp) -> None:
    port = slack_app.port
    assert http_request(port, "GET", "/healthz").status == 200
    ready = http_request(port, "GET", "/readyz")
    assert ready.status == 200 and ready.json()["ready"] is True
    watched = {
        "commands": ("smtpbot_requests_total", {"kind": "command", "outcome": "accepted"}),
        "answers": ("smtpbot_answers_total", {"mode": "explicit", "action": "post"}),
        "userunknown": ("smtpbot_findings_total", {"reason": "userunknown"}),
        "latency": ("smtpbot_request_duration_seconds_count", {"kind": "mention"}),
        "slow_bucket": ("smtpbot_request_duration_seconds_bucket", {"kind": "mention", "le": "+Inf"}),
        "explain": ("smtpbot_explain_duration_seconds_count", {}),
        "api_errors": (
            "smtpbot_slack_api_errors_total",
            {"method": "chat.postmessage", "error": "channel_not_found"},
        ),
    }
    before = {key: metric(port, name, **labels) for key, (name, labels) in watched.items()}

    slack_app.command("550 5.1.1")
    slack_app.event(mention_event(GMAIL_BOUNCE))  # answered: a post, a userunknown finding
    assert slack_app.idle()
    slack_app.standin.hold("chat.postMessage")
    slack_app.event(mention_event("452 4.2.2", channel="C0GONE0001"))  # Slack refuses this one
    assert slack_app.standin.wait_for(
        lambda: slack_app.standin.calls_to("chat.postMessage", ok_only=False)[1:]
    )
    slack_app.standin.unhold("chat.postMessage", error="channel_not_found")
    assert slack_app.idle()

    after = {key: metric(port, name, **labels) for key, (name, labels) in watched.items()}
    delta = {key: after[key] - before[key] for key in watched}
    assert delta == {
        "commands": 1,
        "answers": 1,
        "userunknown": 2,  # the command's 5.1.1 and the bounce's
        "latency": 2,
        "slow_bucket": 2,
        "explain": 3,
        "api_errors": 1,
    }, delta


def test_readyz_reports_whether_redis_answers(standin, engine, redis_state_factory) -> None:
    app = start_app(standin, engine, state=redis_state_factory(), redis_url=REDIS_URL)
    try:
        ready = http_request(app.port, "GET", "/readyz")
        assert ready.status == 200
        assert ready.json()["checks"]["redis"] == "ok"
    finally:
        app.stop()
    gone = f"redis://127.0.0.1:{closed_port()}/0"
    app = start_app(standin, engine, state=RedisState.from_url(gone, "smtpbot-test:"), redis_url=gone)
    try:
        # Still ready: the replica answers from its own memory while Redis is down, and says so.
        assert http_request(app.port, "GET", "/healthz").status == 200
        degraded = http_request(app.port, "GET", "/readyz")
        assert degraded.status == 200
        assert degraded.json()["checks"]["redis"].startswith("degraded: unreachable")
    finally:
        app.stop()


def test_oversized_or_malformed_requests_are_refused(slack_app: RunningApp) -> None:
    too_big = http_request(
        slack_app.port,
        "POST",
        "/slack/events",
        "",
        {"Content-Length": str(50 * 1024 * 1024), "Content-Type": "application/json"},
    )
    assert too_big.status == 413
    assert http_request(slack_app.port, "GET", "/nope").status == 404
    assert (
        http_request(slack_app.port, "POST", "/elsewhere", "{}", {"Content-Type": "application/json"}).status
        == 404
    )
    garbage = "\xff not json"
    assert http_request(
        slack_app.port,
        "POST",
        "/slack/events",
        garbage,
        {"Content-Type": "application/json", **sign(garbage)},
    ).status in (400, 401)
    assert slack_app.idle()
    assert slack_app.standin.api_calls() == []


def test_a_command_mentioning_payload_is_answered(slack_app: RunningApp) -> None:
    """Bolt reads any form containing the word "payload" as an empty interaction."""
    reply, url = slack_app.command("552 5.3.4 message payload too large")
    assert reply.status == 200
    assert slack_app.idle()
    (answer,) = slack_app.standin.responses()
    assert answer.path == "/" + url.split("/", 3)[3]
    assert "5.3.4" in str(answer.params.get("text"))
