"""Installations and OAuth state in the real PostgreSQL on this machine, and in a SQLite file.

Every PostgreSQL test works in a schema of its own (named per test, dropped afterwards), reached through
DATABASE_URL's `options=-csearch_path=...`, so the code under test runs exactly as configured in production.
"""

from __future__ import annotations

import base64
import html
import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import psycopg
import pytest
import sqlalchemy
from aiohttp import web
from bot_process import BotProcess
from slack_bolt.context.context import BoltContext
from slack_fixtures import SIGNING_SECRET, event_body, http_request, mention_event
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation
from slack_standin import Call, SlackStandIn

from bot import oauth
from bot.settings import Settings

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # slack-sdk ignores NO_PROXY; every request in these tests goes to loopback.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in (
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "DATABASE_URL",
        "SMTPBOT_DATA_DIR",
        "SLACK_API_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    yield
    oauth.dispose_engines()


@pytest.fixture
def pg_schema() -> Iterator[str]:
    schema = f"smtpbot_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema
    finally:
        oauth.dispose_engines()  # drop our pooled connections first, or DROP waits on their locks
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


OAUTH = {"SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "client-secret-for-tests"}


def settings_of(**env: str) -> Settings:
    """Settings from exactly these variables: no .env, no stray environment."""
    return Settings.from_env(env, dotenv=False)


def heroku_style_url(schema: str) -> str:
    """What a host hands out (postgres://), pointed at the test's own schema."""
    return f"postgres://postgres@127.0.0.1:5432/test?options={quote(f'-csearch_path={schema}')}"


def tables_in(schema: str) -> set[str]:
    with psycopg.connect(POSTGRES_URL) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
    return {row[0] for row in rows}


def an_installation(team_id: str, bot_token: str, **extra: Any) -> Installation:
    return Installation(
        app_id="A0SMTPBOT",
        team_id=team_id,
        team_name=f"Team {team_id}",
        bot_token=bot_token,
        bot_id="B0SMTPBOT",
        bot_user_id="U0SMTPBOT",
        bot_scopes=list(oauth.BOT_SCOPES),
        user_id="U0INSTALLER",
        **extra,
    )


# ---------------------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------------------


def test_single_workspace_mode_needs_no_database(tmp_path: Path) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-single-workspace",
        "SMTPBOT_DATA_DIR": str(tmp_path / "data"),
        # Even a database URL that cannot work is never touched without OAuth credentials.
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing",
    }
    assert oauth.build_oauth_settings(settings_of(**env)) is None
    assert not (tmp_path / "data").exists()
    # One credential without the other is still single-workspace mode.
    assert oauth.build_oauth_settings(settings_of(**env, SLACK_CLIENT_ID="111.222")) is None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/smtpbot", "postgresql+psycopg://u:p@db:5432/smtpbot"),
        ("postgresql://u@db/smtpbot", "postgresql+psycopg://u@db/smtpbot"),
        ("postgresql+psycopg://u@db/smtpbot", "postgresql+psycopg://u@db/smtpbot"),
        ("  sqlite:////var/lib/smtpbot.db ", "sqlite:////var/lib/smtpbot.db"),
    ],
)
def test_database_urls_are_normalised_for_psycopg(given: str, expected: str) -> None:
    assert oauth.normalise_database_url(given) == expected


def test_oauth_settings_use_the_documented_paths_and_scopes(tmp_path: Path) -> None:
    settings = oauth.build_oauth_settings(settings_of(**OAUTH, SMTPBOT_DATA_DIR=str(tmp_path)))
    assert settings is not None
    assert settings.install_path == "/slack/install"
    assert settings.redirect_uri_path == "/slack/oauth_redirect"
    assert sorted(settings.scopes or []) == sorted(oauth.BOT_SCOPES)
    assert [s for s in settings.user_scopes or [] if s] == []
    # Token rotation is on: the authorizer has a rotator with our credentials.
    rotator = settings.authorize.token_rotator  # type: ignore[attr-defined]
    assert rotator is not None and rotator.client_id == "111.222"


# ---------------------------------------------------------------------------------------------------------
# SQLite (the default)
# ---------------------------------------------------------------------------------------------------------


def test_sqlite_file_in_the_data_dir_keeps_installations_and_state(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "data"
    config = settings_of(**OAUTH, SMTPBOT_DATA_DIR=str(data_dir))
    settings = oauth.build_oauth_settings(config)
    assert settings is not None
    assert (data_dir / "smtpbot.sqlite3").is_file()

    settings.installation_store.save(an_installation("T0SQLITE", "xoxb-sqlite-1"))
    found = settings.installation_store.find_installation(enterprise_id=None, team_id="T0SQLITE")
    assert found is not None and found.bot_token == "xoxb-sqlite-1"
    assert settings.installation_store.find_installation(enterprise_id=None, team_id="T0OTHER") is None

    state = settings.state_store.issue()
    assert settings.state_store.consume(state) is True
    assert settings.state_store.consume(state) is False  # a state works once
    assert settings.state_store.consume("never-issued") is False

    # A restarted process (new engine) finds what the first one saved.
    oauth.dispose_engines()
    again = oauth.build_oauth_settings(config)
    assert again is not None
    found = again.installation_store.find_installation(enterprise_id=None, team_id="T0SQLITE")
    assert found is not None and found.bot_token == "xoxb-sqlite-1"


# ---------------------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------------------


def test_postgres_keeps_installations_by_team(pg_schema: str) -> None:
    settings = oauth.build_oauth_settings(settings_of(**OAUTH, DATABASE_URL=heroku_style_url(pg_schema)))
    assert settings is not None
    assert {"slack_installations", "slack_bots", "slack_oauth_states"} <= tables_in(pg_schema)

    store = settings.installation_store
    store.save(an_installation("T0AAA", "xoxb-aaa-1"))
    store.save(an_installation("T0BBB", "xoxb-bbb-1"))
    # A reinstall later replaces the token the workspace is served with.
    store.save(an_installation("T0AAA", "xoxb-aaa-2", installed_at=time.time() + 5))

    found_a = store.find_installation(enterprise_id=None, team_id="T0AAA")
    found_b = store.find_installation(enterprise_id=None, team_id="T0BBB")
    assert found_a is not None and found_a.bot_token == "xoxb-aaa-2"
    assert found_b is not None and found_b.bot_token == "xoxb-bbb-1"
    assert store.find_installation(enterprise_id=None, team_id="T0CCC") is None
    bot = store.find_bot(enterprise_id=None, team_id="T0BBB")
    assert bot is not None and bot.bot_user_id == "U0SMTPBOT"

    # The rows really are in PostgreSQL, in the configured schema.
    with psycopg.connect(POSTGRES_URL) as conn:
        teams = conn.execute(
            f'SELECT DISTINCT team_id FROM "{pg_schema}".slack_installations ORDER BY team_id'
        ).fetchall()
    assert [t[0] for t in teams] == ["T0AAA", "T0BBB"]

    store.delete_installation(enterprise_id=None, team_id="T0BBB")
    store.delete_bot(enterprise_id=None, team_id="T0BBB")
    assert store.find_installation(enterprise_id=None, team_id="T0BBB") is None


def test_postgres_oauth_state_is_issued_and_consumed_once(pg_schema: str) -> None:
    settings = oauth.build_oauth_settings(settings_of(**OAUTH, DATABASE_URL=heroku_style_url(pg_schema)))
    assert settings is not None
    first, second = settings.state_store.issue(), settings.state_store.issue()
    assert first != second
    assert settings.state_store.consume(second) is True
    assert settings.state_store.consume(first) is True
    assert settings.state_store.consume(first) is False
    assert settings.state_store.consume("forged-state") is False

    # An expired state is refused even though it was issued.
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(
            f"INSERT INTO \"{pg_schema}\".slack_oauth_states (state, expire_at) VALUES ('old', %s)",
            (datetime(2000, 1, 1),),
        )
    assert settings.state_store.consume("old") is False


def test_replicas_starting_together_all_get_their_tables(
    pg_schema: str,
) -> None:
    """Several replicas creating the same tables at the same moment must all start."""
    url = heroku_style_url(pg_schema)
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def replica() -> None:
        # Each "replica" gets its own engine, as separate processes would.
        engine = sqlalchemy.create_engine(oauth.normalise_database_url(url))
        try:
            start.wait()
            store = oauth.SQLAlchemyInstallationStore(client_id="111.222", engine=engine)
            oauth._create_tables(store.create_tables, "installation")
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=replica) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert {"slack_installations", "slack_bots"} <= tables_in(pg_schema)


# ---------------------------------------------------------------------------------------------------------
# Token rotation
# ---------------------------------------------------------------------------------------------------------


class RotatingSlack(BaseHTTPRequestHandler):
    """Just enough of Slack for token rotation: oauth.v2.access with a refresh token, and auth.test."""

    calls: list[tuple[str, dict[str, str]]]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        method = self.path.rsplit("/", 1)[-1]
        authorization = self.headers.get("Authorization") or ""
        if authorization.startswith("Basic "):  # how slack-sdk sends the OAuth client credentials
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
            form |= {"client_id": client_id, "client_secret": client_secret}
        type(self).calls.append((method, form))
        if method == "oauth.v2.access" and form.get("grant_type") == "refresh_token":
            ok = form.get("refresh_token") == "xoxe-1-refresh-old" and form.get("client_id") == "111.222"
            body: dict[str, Any] = (
                {
                    "ok": True,
                    "token_type": "bot",
                    "access_token": "xoxe.xoxb-1-rotated",
                    "refresh_token": "xoxe-1-refresh-new",
                    "expires_in": 43200,
                }
                if ok
                else {"ok": False, "error": "invalid_refresh_token"}
            )
        elif method == "auth.test":
            token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
            body = {"ok": True, "team_id": "T0ROT", "user_id": "U0SMTPBOT", "bot_id": "B0SMTPBOT", "t": token}
        else:
            body = {"ok": False, "error": "unknown_method"}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def rotating_slack() -> Iterator[tuple[str, list[tuple[str, dict[str, str]]]]]:
    calls: list[tuple[str, dict[str, str]]] = []
    handler = type("Handler", (RotatingSlack,), {"calls": calls})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/", calls
    finally:
        server.shutdown()
        server.server_close()


def test_expiring_token_is_rotated_through_slack_api_url_and_saved(
    pg_schema: str,
    rotating_slack: tuple[str, list[tuple[str, dict[str, str]]]],
) -> None:
    api_url, calls = rotating_slack
    settings = oauth.build_oauth_settings(
        settings_of(**OAUTH, DATABASE_URL=heroku_style_url(pg_schema), SLACK_API_URL=api_url)
    )
    assert settings is not None
    settings.installation_store.save(
        an_installation(
            "T0ROT",
            "xoxe.xoxb-1-old",
            bot_refresh_token="xoxe-1-refresh-old",
            bot_token_expires_at=int(time.time()) + 60,  # inside the refresh window
        )
    )

    context = BoltContext(client=WebClient(base_url=api_url))
    result = settings.authorize(context=context, enterprise_id=None, team_id="T0ROT", user_id="U0MEMBER")

    assert result is not None and result.bot_token == "xoxe.xoxb-1-rotated"
    assert [m for m, _ in calls] == ["oauth.v2.access", "auth.test"]
    assert calls[0][1]["client_secret"] == "client-secret-for-tests"
    stored = settings.installation_store.find_installation(enterprise_id=None, team_id="T0ROT")
    assert stored is not None
    assert stored.bot_token == "xoxe.xoxb-1-rotated" and stored.bot_refresh_token == "xoxe-1-refresh-new"
    assert stored.bot_token_expires_at is not None and stored.bot_token_expires_at > time.time() + 3600

    # With a fresh token the next request does not refresh again.
    calls.clear()
    again = settings.authorize(context=context, enterprise_id=None, team_id="T0ROT", user_id="U0MEMBER")
    assert again is not None and again.bot_token == "xoxe.xoxb-1-rotated"
    assert [m for m, _ in calls] == ["auth.test"]


# ---------------------------------------------------------------------------------------------------------
# End to end: install through the OAuth flow, then serve that workspace
# ---------------------------------------------------------------------------------------------------------

INSTALL_CODE = "code-from-slack-T0NEWTEAM"


class OAuthStandIn(SlackStandIn):
    """The project's Slack stand-in, plus oauth.v2.access exchanging one install code for a bot token."""

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] != "oauth.v2.access":
            return await super()._api(request)
        params = await self._params(request)
        authorization = request.headers.get("Authorization", "")
        if authorization.startswith("Basic "):  # slack-sdk sends the client credentials this way
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
            params |= {"client_id": client_id, "client_secret": client_secret}
        valid = (params.get("code"), params.get("client_id"), params.get("client_secret")) == (
            INSTALL_CODE,
            OAUTH["SLACK_CLIENT_ID"],
            OAUTH["SLACK_CLIENT_SECRET"],
        )
        call = Call("oauth.v2.access", params, None, time.monotonic(), 200 if valid else 400, request.path)
        with self._lock:
            self.calls.append(call)
        if not valid:
            return web.json_response({"ok": False, "error": "invalid_code"})
        return web.json_response(
            {
                "ok": True,
                "app_id": "A0SMTPBOT",
                "authed_user": {"id": "U0INSTALLER"},
                "scope": ",".join(oauth.BOT_SCOPES),
                "token_type": "bot",
                "access_token": self.bot_token,
                "bot_user_id": self.bot_user_id,
                "team": {"id": self.team_id, "name": "New Team"},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        )


def installations_in(schema: str) -> list[tuple[str, str]]:
    with psycopg.connect(POSTGRES_URL) as conn:
        rows = conn.execute(f'SELECT team_id, bot_token FROM "{schema}".slack_installations').fetchall()
    return [(row[0], row[1]) for row in rows]


def test_an_install_through_oauth_is_stored_in_postgres_and_serves_that_workspace(
    pg_schema: str, tmp_path: Path
) -> None:
    standin = OAuthStandIn(team_id="T0NEWTEAM", bot_token="xoxb-installed-for-T0NEWTEAM").start()
    env = {
        **OAUTH,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": heroku_style_url(pg_schema),
    }
    bot = BotProcess("oauth-bot", env, tmp_path / "first").start()
    try:
        bot.wait_ready()
        assert installations_in(pg_schema) == []  # the tables exist, nobody has installed yet

        # 1. The installer opens /slack/install: a link to Slack's consent page with our client ID and
        #    scopes, and the state both in the link and in a cookie (kept in PostgreSQL meanwhile).
        page = http_request(bot.port, "GET", "/slack/install")
        assert page.status == 200
        cookie = page.headers.get("Set-Cookie") or page.headers.get("set-cookie") or ""
        state = cookie.split("slack-app-oauth-state=", 1)[1].split(";", 1)[0]
        link = html.unescape(page.body.decode())
        query = parse_qs(
            urlsplit(link[link.index("https://slack.com/oauth/v2/authorize") :].split('"')[0]).query
        )
        assert query["client_id"] == [OAUTH["SLACK_CLIENT_ID"]] and query["state"] == [state]
        assert sorted(query["scope"][0].split(",")) == sorted(oauth.BOT_SCOPES)

        # 2. Slack sends the installer back with a code; the bot exchanges it and stores the installation.
        callback = f"/slack/oauth_redirect?code={INSTALL_CODE}&state={state}"
        headers = {"Cookie": f"slack-app-oauth-state={state}"}
        assert http_request(bot.port, "GET", callback, headers=headers).status == 200
        assert [c.params["code"] for c in standin.calls_to("oauth.v2.access")] == [INSTALL_CODE]
        assert installations_in(pg_schema) == [("T0NEWTEAM", "xoxb-installed-for-T0NEWTEAM")]
        # The state worked once: replaying the callback installs nothing more.
        assert http_request(bot.port, "GET", callback, headers=headers).status != 200
        assert len(standin.calls_to("oauth.v2.access")) == 1
    finally:
        bot.stop()

    # 3. A new process (nothing in memory) answers the workspace's next event with the stored token.
    bot = BotProcess("oauth-bot", env, tmp_path / "second").start()
    try:
        bot.wait_ready()
        event = mention_event("550 5.1.1 user unknown", channel="C0NEWTEAM1")
        assert bot.deliver(event_body(event, team_id="T0NEWTEAM")) == 200
        answers = standin.wait_for(lambda: standin.posts(), 30)
        assert answers, bot.log()
        assert [(c.params["channel"], c.params["thread_ts"], c.token) for c in answers] == [
            ("C0NEWTEAM1", event["ts"], "xoxb-installed-for-T0NEWTEAM")
        ]
        # A workspace that never installed the app is acknowledged (so Slack does not retry) but no work
        # is taken on: the listener runs before the acknowledgement, so the count is final here.
        stranger = mention_event("550 5.1.1 user unknown", channel="C0STRANGER")
        assert bot.deliver(event_body(stranger, team_id="T0STRANGER")) == 200
        assert bot.metric("smtpbot_requests_total", kind="event", outcome="accepted") == 1
    finally:
        bot.stop()
        standin.stop()


def test_many_workspaces_flood_updates_and_taken_over_jobs_find_the_workspaces_token(
    pg_schema: str, engine: Any
) -> None:
    """Work that runs without the request's own token (a count update, a job another replica left) looks
    the token up in the installation store, rotating it if due, with the app's own client."""
    from dataclasses import replace

    from slack_fixtures import ALERT_CHANNEL, FAST, POSTFIX_ALERT, integration_alert, start_app
    from slack_standin import SlackStandIn as StandIn

    from bot.slack.job import Job
    from bot.state import MemoryState

    standin = StandIn(bot_token="xoxb-installed-T0STANDIN").start()
    settings = settings_of(
        **OAUTH,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
        DATABASE_URL=heroku_style_url(pg_schema),
    )
    oauth_settings = oauth.build_oauth_settings(settings)
    assert oauth_settings is not None
    oauth_settings.installation_store.save(an_installation("T0STANDIN", standin.bot_token))
    state = MemoryState()
    app = start_app(
        standin,
        engine,
        state=state,
        tunables=replace(FAST, pace_interval=0.2),
        slack_bot_token=None,
        slack_client_id=settings.slack_client_id,
        slack_client_secret=settings.slack_client_secret,
        database_url=settings.database_url,
    )
    try:
        for _ in range(3):
            assert app.event(integration_alert(POSTFIX_ALERT)).status == 200
        assert app.idle(30)
        updates = standin.wait_for(lambda: standin.calls_to("chat.update"), 15)
        assert updates and "(seen 3 times)" in updates[-1].params["text"]
        assert {c.token for c in standin.posts() + updates} == {standin.bot_token}

        # A mention journaled by a replica that died: no token travelled with it.
        orphan = Job(
            kind="mention",
            team_id="T0STANDIN",
            channel=ALERT_CHANNEL,
            ts="1710000999.000001",
            text="452 4.2.2 mailbox full",
            user="U0HUMAN01",
        )
        assert state.accept(orphan.id, orphan.dumps(), (), 60, 0.01)
        answer = standin.wait_for(
            lambda: [p for p in standin.posts() if p.params.get("thread_ts") == orphan.ts], 15
        )
        assert answer and answer[0].token == standin.bot_token
    finally:
        app.stop()
        standin.stop()
