"""Fixtures for the Slack tests: the stand-in, the app running for real in HTTP mode on a loopback port,
and helpers that build and sign Slack's requests.

Imported by conftest.py. Every test here talks to 127.0.0.1 only; proxies are unset for all tests
because slack-sdk does not honour NO_PROXY.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import redis
from slack_standin import SlackStandIn

from bot.engine import Engine
from bot.settings import Settings
from bot.slack.app import create_app, runtime_of
from bot.slack.http_server import SlackHttpServer
from bot.slack.runtime import BotRuntime
from bot.slack.tunables import Tunables
from bot.state import MemoryState, SharedState
from bot.state.redis_state import RedisState

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ALERT_CHANNEL = "C0ALERTS01"
CHAT_CHANNEL = "C0GENERAL1"
REDIS_URL = "redis://127.0.0.1:6379/0"
ROOT = Path(__file__).resolve().parent

# Short waits, so leases and grace periods run out within a test.
FAST = Tunables(
    job_lease=2.0,
    heartbeat=0.2,
    flood_poster_lease=2.0,
    flood_stale_grace=1.0,
    pace_interval=1.0,
)

GMAIL_BOUNCE = """\
Address not found

Your message wasn't delivered to ana.lima@example.com because the address couldn't be found, or is \
unable to receive mail.

The response from the remote server was:
550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the \
recipient's email address for typos or unnecessary spaces. For more information, go to \
https://support.google.com/mail/?p=NoSuchUser 41be03b00d2f7-5f8a9ab1c2dsi1234567a12.100 - gsmtp
"""

POSTFIX_ALERT = """\
[mail-relay-01] delivery failure
status=bounced (host mx.example.net[203.0.113.7] said: 550 5.1.1 <bob@example.net>: \
Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))
"""


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack-sdk sends loopback traffic to a proxy from HTTP(S)_PROXY, ignoring NO_PROXY."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load()


@pytest.fixture()
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()
    # Slack refuses blocks beyond its limits; the app must cut its answers before sending, in every test.
    refused = [(c.method, c.status) for c in stand_in.refused]
    assert not refused, f"the stand-in refused messages beyond Slack's Block Kit limits: {refused}"


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture()
def redis_prefix() -> Iterator[str]:
    if not redis_available():
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"smtpbot-test:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


def sign(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    base = f"v0:{timestamp}:{body}".encode()
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature}


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


def http_request(
    port: int, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body.encode() if body else None, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, response.read(), dict(response.getheaders()))
    finally:
        conn.close()


_event_ids = itertools.count(1)
_ts = itertools.count(1)


def new_ts() -> str:
    return f"1710000000.{next(_ts):06d}"


def event_body(
    event: dict[str, Any], event_id: str | None = None, team_id: str = "T0STANDIN"
) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": "A0STANDIN",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": "U0SMTPBOT", "is_bot": True}],
    }


def message_event(text: str, channel: str = ALERT_CHANNEL, **fields: Any) -> dict[str, Any]:
    event = {
        "type": "message",
        "channel": channel,
        "channel_type": "channel",
        "user": "U0HUMAN01",
        "text": text,
        "ts": new_ts(),
    }
    event.update(fields)
    return {k: v for k, v in event.items() if v is not None}


def integration_alert(text: str, channel: str = ALERT_CHANNEL, **fields: Any) -> dict[str, Any]:
    """A message from an integration (incoming webhook / another app): subtype bot_message, no user."""
    return message_event(
        text, channel, **{"subtype": "bot_message", "bot_id": "B0GRAFANA", "user": None, **fields}
    )


def mention_event(text: str, channel: str = CHAT_CHANNEL, **fields: Any) -> dict[str, Any]:
    event = {
        "type": "app_mention",
        "channel": channel,
        "user": "U0HUMAN01",
        "text": f"<@U0SMTPBOT> {text}",
        "ts": new_ts(),
    }
    event.update(fields)
    return event


@dataclass
class RunningApp:
    """The app in HTTP mode on a loopback port, with its stand-in Slack."""

    standin: SlackStandIn
    server: SlackHttpServer
    app: Any
    settings: Settings
    sent: list[Reply] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def runtime(self) -> BotRuntime:
        return runtime_of(self.app)

    def post(
        self, body: str, content_type: str, extra_headers: dict[str, str] | None = None, **sign_args: Any
    ) -> Reply:
        headers = {"Content-Type": content_type, **sign(body, **sign_args), **(extra_headers or {})}
        reply = http_request(self.port, "POST", "/slack/events", body, headers)
        self.sent.append(reply)
        return reply

    def event(
        self, event: dict[str, Any], event_id: str | None = None, retry_num: int | None = None, **kw: Any
    ) -> Reply:
        extra = {}
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        body = json.dumps(event_body(event, event_id))
        return self.post(body, "application/json", extra, **kw)

    def event_body(self, body: dict[str, Any]) -> Reply:
        return self.post(json.dumps(body), "application/json")

    def command(
        self, text: str, channel: str = CHAT_CHANNEL, response_url: str | None = None, **kw: Any
    ) -> tuple[Reply, str]:
        response_url = response_url or self.standin.response_url()
        form = {
            "token": "legacy",
            "team_id": "T0STANDIN",
            "team_domain": "standin",
            "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "general",
            "user_id": "U0HUMAN01",
            "user_name": "ana",
            "command": "/smtp",
            "text": text,
            "api_app_id": "A0STANDIN",
            "response_url": response_url,
            "trigger_id": f"trigger-{uuid.uuid4().hex}",
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **kw), response_url

    def interactive(self, payload: dict[str, Any]) -> Reply:
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def idle(self, timeout: float = 30.0) -> bool:
        return self.runtime.wait_idle(timeout)

    def stop(self) -> None:
        self.server.shutdown()
        self.runtime.stop(5)


def make_settings(standin: SlackStandIn, **overrides: Any) -> Settings:
    base = Settings(
        slack_bot_token=standin.bot_token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=standin.api_url,
        smtpbot_alert_channels=(ALERT_CHANNEL,),
        # Live checks would ask the system's resolver, off this machine: tests that want them pass
        # smtpbot_diagnose with loopback servers (diagnose_fixtures.py)
        smtpbot_diagnose="off",
    )
    return replace(base, **overrides)


def start_app(
    standin: SlackStandIn,
    engine: Engine,
    state: SharedState | None = None,
    tunables: Tunables = FAST,
    **setting_overrides: Any,
) -> RunningApp:
    settings = make_settings(standin, **setting_overrides)
    app = create_app(settings, engine, state or MemoryState(), tunables=tunables)
    server = SlackHttpServer(app, 0, host="127.0.0.1", settings=settings, state=runtime_of(app).state).start()
    return RunningApp(standin, server, app, settings)


@pytest.fixture()
def slack_app(standin: SlackStandIn, engine: Engine) -> Iterator[RunningApp]:
    running = start_app(standin, engine)
    yield running
    running.stop()


@pytest.fixture()
def redis_state_factory(redis_prefix: str) -> Iterator[Any]:
    """RedisStates sharing one test prefix: what replicas sharing one Redis see."""
    made: list[RedisState] = []

    def make() -> RedisState:
        state = RedisState.from_url(REDIS_URL, redis_prefix)
        made.append(state)
        return state

    yield make
    for state in made:
        state.close()
