"""Socket Mode end to end: the app connected to the stand-in's WebSocket."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from slack_fixtures import (
    ALERT_CHANNEL,
    FAST,
    POSTFIX_ALERT,
    event_body,
    http_request,
    integration_alert,
    mention_event,
)
from slack_standin import SlackStandIn

from bot.settings import Settings
from bot.slack.app import create_app, runtime_of
from bot.slack.clients import web_client
from bot.slack.http_server import SlackHttpServer
from bot.slack.socket_mode import SocketModeService
from bot.state import MemoryState


@dataclass
class SocketApp:
    standin: SlackStandIn
    service: SocketModeService
    health: SlackHttpServer
    app: object

    def idle(self, timeout: float = 30.0) -> bool:
        return runtime_of(self.app).wait_idle(timeout)

    def event(self, event: dict, retry_attempt: int = 0, event_id: str | None = None):
        return self.standin.send_envelope(
            "events_api", event_body(event, event_id), retry_attempt=retry_attempt
        )

    def acked(self, envelope) -> bool:
        return bool(self.standin.wait_for(lambda: envelope.ack is not None, 10))


@pytest.fixture()
def socket_app(standin: SlackStandIn, engine) -> Iterator[SocketApp]:
    settings = Settings(
        slack_bot_token=standin.bot_token,
        slack_app_token=standin.app_token,
        slack_api_url=standin.api_url,
        smtpbot_alert_channels=(ALERT_CHANNEL,),
    )
    app = create_app(settings, engine, MemoryState(), tunables=replace(FAST))
    service = SocketModeService(
        app, standin.app_token, web_client(None, standin.api_url), ping_interval=0.5
    ).start()
    health = SlackHttpServer(None, 0, host="127.0.0.1", settings=settings, health=service.health).start()
    assert standin.wait_for(lambda: standin.open_sockets() == 1, 10)
    yield SocketApp(standin, service, health, app)
    health.shutdown()
    service.close()
    runtime_of(app).stop(5)


def test_envelopes_are_acknowledged_and_answered(socket_app: SocketApp) -> None:
    event = mention_event("550 5.1.1 user unknown")
    envelope = socket_app.event(event)
    assert socket_app.acked(envelope)
    assert envelope.ack == {"envelope_id": envelope.envelope_id}
    (post,) = socket_app.standin.wait_for(socket_app.standin.posts)
    assert post.params["thread_ts"] == event["ts"]


def test_slash_command_over_socket_mode(socket_app: SocketApp) -> None:
    standin = socket_app.standin
    command = {
        "team_id": "T0STANDIN",
        "channel_id": "C0GENERAL1",
        "user_id": "U0HUMAN01",
        "command": "/smtp",
        "text": "550 5.7.26",
        "response_url": standin.response_url(),
        "trigger_id": "t1",
    }
    envelope = standin.send_envelope("slash_commands", command)
    assert socket_app.acked(envelope)
    (answer,) = standin.wait_for(standin.responses)
    assert "550 5.7.26" in answer.params["text"]
    # help is answered in the acknowledgement itself
    help_envelope = standin.send_envelope("slash_commands", {**command, "text": "help"})
    assert socket_app.acked(help_envelope)
    assert "/smtp list 5.7" in str(help_envelope.ack["payload"]["blocks"])


UNHANDLED_EVENTS = [
    {
        "type": "reaction_added",
        "user": "U0HUMAN01",
        "reaction": "eyes",
        "item": {"type": "message", "channel": ALERT_CHANNEL, "ts": "1.1"},
    },
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
        "deleted_ts": "1.1",
        "ts": "1.3",
    },
    {
        "type": "message",
        "subtype": "channel_join",
        "channel": ALERT_CHANNEL,
        "user": "U0HUMAN02",
        "ts": "1.4",
    },
    {"type": "some_event_slack_adds_next_year"},
]


def test_unhandled_envelopes_are_acknowledged_too(socket_app: SocketApp) -> None:
    envelopes = [socket_app.event(event) for event in UNHANDLED_EVENTS]
    envelopes.append(
        socket_app.standin.send_envelope(
            "interactive",
            {
                "type": "block_actions",
                "team": {"id": "T0STANDIN"},
                "user": {"id": "U0HUMAN01"},
                "actions": [{"action_id": "unknown_button", "value": "x"}],
            },
        )
    )
    assert all(socket_app.acked(e) for e in envelopes)
    assert socket_app.idle()
    assert socket_app.standin.api_calls() == []


def test_closing_says_goodbye_cleanly(socket_app: SocketApp) -> None:
    socket_app.service.close()
    assert socket_app.standin.wait_for(lambda: socket_app.standin.open_sockets() == 0, 10)
    assert socket_app.standin.close_codes() == [1000]


def test_first_delivery_with_retry_attempt_zero_and_first_seen_retries_are_answered_once(
    socket_app: SocketApp,
) -> None:
    standin = socket_app.standin
    first = socket_app.event(integration_alert(POSTFIX_ALERT), retry_attempt=0)  # recent Bolt: header "0"
    retry_only = integration_alert(POSTFIX_ALERT.replace("example.net", "example.org"))
    late = socket_app.event(retry_only, retry_attempt=1, event_id="EvSOCKRETRY1")  # sent while we were away
    again = socket_app.event(retry_only, retry_attempt=2, event_id="EvSOCKRETRY1")
    assert all(socket_app.acked(e) for e in (first, late, again))
    assert socket_app.idle()
    threads = sorted(p.params["thread_ts"] for p in standin.posts())
    assert len(threads) == 2


def test_reconnects_after_the_connection_is_dropped(socket_app: SocketApp) -> None:
    standin = socket_app.standin
    standin.drop_connections()
    assert standin.wait_for(lambda: standin.connections_opened >= 2 and standin.open_sockets() == 1, 20)
    envelope = socket_app.event(mention_event("452 4.2.2"))
    assert socket_app.acked(envelope)
    assert standin.wait_for(standin.posts)
    assert socket_app.service.reconnects >= 1
    assert http_request(socket_app.health.port, "GET", "/healthz").json()["reconnects"] >= 1


def test_watchdog_replaces_a_silent_socket(socket_app: SocketApp) -> None:
    standin = socket_app.standin
    standin.silent = True  # the connection stays open but nothing comes back, not even pongs
    assert standin.wait_for(lambda: standin.connections_opened >= 2, 20)
    standin.silent = False
    assert standin.wait_for(lambda: standin.open_sockets() == 1, 10)
    envelope = socket_app.event(mention_event("452 4.2.2"))
    assert socket_app.acked(envelope)
    assert standin.wait_for(standin.posts)


def test_healthz_reflects_the_connection(socket_app: SocketApp) -> None:
    standin, port = socket_app.standin, socket_app.health.port
    assert http_request(port, "GET", "/healthz").status == 200
    standin.connections_error = "internal_error"  # reconnecting will fail for now
    standin.drop_connections()
    down = standin.wait_for(lambda: http_request(port, "GET", "/healthz").status == 503, 20)
    assert down
    assert http_request(port, "GET", "/healthz").json()["status"] == "disconnected"
    assert http_request(port, "GET", "/readyz").status == 503
    standin.connections_error = None
    assert standin.wait_for(lambda: http_request(port, "GET", "/healthz").status == 200, 20)


def test_malformed_envelopes_are_acknowledged_and_ignored(socket_app: SocketApp) -> None:
    standin = socket_app.standin
    click = {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T0STANDIN"}}
    envelopes = [
        standin.send_envelope("interactive", {**click, "actions": [1]}),
        standin.send_envelope("interactive", {"type": "message_action", "message": "550 5.1.1"}),
        standin.send_envelope("events_api", {"type": "event_callback", "event": ["x"]}),
    ]
    assert all(socket_app.acked(e) for e in envelopes)
    assert [e.ack for e in envelopes] == [{"envelope_id": e.envelope_id} for e in envelopes]
    # and the connection still serves
    event = mention_event("550 5.1.1 user unknown")
    assert socket_app.acked(socket_app.event(event))
    (post,) = standin.wait_for(standin.posts)
    assert post.params["thread_ts"] == event["ts"]
    assert socket_app.idle()
