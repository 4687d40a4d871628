"""A local Slack stand-in: a real HTTP server on 127.0.0.1 (random port) that

- answers the Web API methods the app calls (auth.test, chat.postMessage, chat.postEphemeral,
  chat.update, views.publish, apps.connections.open, conversations.list, conversations.replies: see
  threads.py) and records every call with its parameters, token and arrival time;
- can be down (`down = True`: every connection is cut, Web API and response URLs alike) or slow
  (`delay` seconds before each answer);
- accepts response_url posts (`response_url()` hands out URLs) and records them;
- can answer the next N calls of a method with 429 and a Retry-After header, cut the connection of the
  next N calls without answering (a network failure), or hold calls until the test releases them (to
  prove that acknowledgements never wait for Slack);
- refuses messages beyond Slack's Block Kit limits as Slack does (block_kit.py: more than 50 blocks or
  a section text over 3,000 characters: `invalid_blocks`; blocks over about 13,000 characters in all:
  `msg_blocks_too_long`), for chat.postMessage, chat.postEphemeral, chat.update and response_url posts,
  so every test proves the app cut its answers before sending;
- conversations.list checks the scopes the token was granted (`scopes`), as Slack does;
- serves Socket Mode (socket_mode.py): apps.connections.open returns a ws:// URL; `send_envelope`
  delivers envelopes to the connected app and `acks` records what it acknowledged; the connection can
  be dropped, or made silent (no pongs, nothing sent) to exercise the app's watchdog.

Point slack-sdk at it with `WebClient(base_url=standin.api_url)`. aiohttp runs it on its own thread.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from .block_kit import block_kit_error
from .socket_mode import Envelope, OpenSocket, SocketModeSide
from .threads import Threads

MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
# What the app's manifest grants (deploy/slack-manifest.yml); tests add or remove scopes.
DEFAULT_SCOPES = frozenset(
    {"app_mentions:read", "channels:history", "chat:write", "commands", "groups:history", "im:history"}
)


@dataclass
class Call:
    method: str  # Web API method, or "response_url"
    params: dict[str, Any]
    token: str | None
    at: float  # time.monotonic() on arrival
    status: int = 0  # 0 while the stand-in has not answered yet (a held call)
    path: str = ""

    def json_param(self, name: str) -> Any:
        """A parameter slack-sdk may have sent as a JSON string (form posts) or as JSON."""
        value = self.params.get(name)
        if isinstance(value, str) and value[:1] in "[{":
            return json.loads(value)
        return value


@dataclass
class Hold:
    """Calls to a held method wait until released (see `SlackStandIn.unhold`)."""

    method: str
    arrived: int = 0
    _event: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    error: str | None = None

    def release(self, error: str | None = None) -> None:
        self.error = error
        if self._loop is not None and self._event is not None:
            self._loop.call_soon_threadsafe(self._event.set)


@dataclass
class SlackStandIn(SocketModeSide):
    bot_token: str = "xoxb-standin-bot-token"
    app_token: str = "xapp-standin-app-token"
    team_id: str = "T0STANDIN"
    bot_user_id: str = "U0SMTPBOT"
    bot_id: str = "B0SMTPBOT"
    channels: list[dict[str, Any]] = field(default_factory=list)  # for conversations.list
    channels_error: str | None = None  # e.g. "missing_scope"
    connections_error: str | None = None  # apps.connections.open fails with this while set
    scopes: set[str] = field(default_factory=lambda: set(DEFAULT_SCOPES))  # granted to bot_token

    def __post_init__(self) -> None:
        self.calls: list[Call] = []
        self.envelopes: dict[str, Envelope] = {}
        self.connections_opened = 0
        self.silent = False
        self.down = False
        self.delay = 0.0
        self.threads = Threads(self.bot_id, self.bot_user_id)
        self._lock = threading.Lock()
        self._rate_limits: dict[str, tuple[int, int]] = {}  # method -> (remaining, retry_after)
        self._cuts: dict[str, int] = {}  # method -> how many more calls to cut without an answer
        self.refused: list[Call] = []  # messages refused for breaking Slack's Block Kit limits
        self._holds: dict[str, Hold] = {}
        self._sockets: list[OpenSocket] = []
        self._ts = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="slack-standin", daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{id}", self._response_url)
        app.router.add_get("/ws", self._websocket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        for hold in list(self._holds.values()):
            hold.release("standin_stopped")
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self) -> str:
        return f"{self.base_url}/response/{uuid.uuid4().hex}"

    # --- controls ------------------------------------------------------------------------------------

    def rate_limit(self, method: str, times: int, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with 429 and `Retry-After: retry_after`."""
        with self._lock:
            self._rate_limits[method] = (times, retry_after)

    def cut_connection(self, method: str, times: int) -> None:
        """Close the connection of the next `times` calls of `method` without answering (the call is
        recorded with status -1), as a dropped network connection would."""
        with self._lock:
            self._cuts[method] = times

    def hold(self, method: str) -> Hold:
        hold = Hold(method)
        with self._lock:
            self._holds[method] = hold
        return hold

    def unhold(self, method: str, error: str | None = None) -> None:
        """Answer the held calls (normally, or with `{"ok": false, "error": error}`); later calls are
        answered as usual."""
        with self._lock:
            hold = self._holds.pop(method, None)
        if hold is not None:
            hold.release(error)

    # --- what happened -------------------------------------------------------------------------------

    def calls_to(self, method: str, ok_only: bool = True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    def posts(self) -> list[Call]:
        return self.calls_to("chat.postMessage")

    def responses(self) -> list[Call]:
        return self.calls_to("response_url")

    def api_calls(self) -> list[Call]:
        """Every call except the start-up ones (auth.test, apps.connections.open, conversations.list)."""
        startup = {"auth.test", "apps.connections.open", "conversations.list"}
        with self._lock:
            return [c for c in self.calls if c.method not in startup]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 20.0) -> Any:
        """Poll until `predicate()` is truthy; returns its value (or the last falsy one at the timeout)."""
        deadline = time.monotonic() + timeout
        value = predicate()
        while not value and time.monotonic() < deadline:
            time.sleep(0.02)
            value = predicate()
        return value

    def next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    # --- Web API ---------------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        body = await request.read()
        if body:
            content_type = request.content_type
            if content_type == "application/json":
                params.update(json.loads(body))
            else:
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() or params.get("token")
        call = Call(method, params, token, time.monotonic(), path=request.path)
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.calls.append(call)
            cut = self._cuts.get(method, 0) > 0
            if cut:
                self._cuts[method] -= 1
            cut = cut or self.down
            remaining, retry_after = self._rate_limits.get(method, (0, 0))
            if remaining > 0 and not cut:
                self._rate_limits[method] = (remaining - 1, retry_after)
            hold = self._holds.get(method)
        if cut:
            call.status = -1
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=500)  # never reaches the client: the connection is gone
        if remaining > 0:
            call.status = 429
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry_after)}
            )
        if hold is not None:
            hold._loop = asyncio.get_running_loop()
            if hold._event is None:
                hold._event = asyncio.Event()
            hold.arrived += 1
            await hold._event.wait()
            if hold.error:
                call.status = 400
                return web.json_response({"ok": False, "error": hold.error})
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            call.status = 401
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method in MESSAGE_METHODS and (error := block_kit_error(params.get("blocks"))):
            call.status = 400
            with self._lock:
                self.refused.append(call)
            return web.json_response({"ok": False, "error": error})
        answer = self._answer(method, params)
        call.status = 200 if answer.get("ok") else 400
        return web.json_response(answer)

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://standin.slack.test/",
                "team": "Stand-in",
                "user": "smtpbot",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": self.bot_id,
                "is_enterprise_install": False,
            }
        if method == "conversations.replies":
            return self.threads.replies(params)
        if method == "chat.postMessage":
            ts = self.next_ts()
            self.threads.posted(params, ts)
            return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": {"ts": ts, "text": ""}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self.next_ts()}
        if method == "chat.update":
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": params.get("ts"),
                "text": params.get("text"),
            }
        if method == "views.publish":
            return {"ok": True, "view": {"id": "V0STANDIN", "type": "home"}}
        if method == "apps.connections.open":
            if self.connections_error:
                return {"ok": False, "error": self.connections_error}
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/ws?ticket={uuid.uuid4().hex}"}
        if method == "conversations.list":
            if self.channels_error:
                return {"ok": False, "error": self.channels_error}
            types = set(str(params.get("types") or "public_channel").split(","))
            needed = {"public_channel": "channels:read", "private_channel": "groups:read"}
            missing = sorted(needed[t] for t in types if t in needed and needed[t] not in self.scopes)
            if missing:
                return {
                    "ok": False,
                    "error": "missing_scope",
                    "needed": ",".join(missing),
                    "provided": ",".join(sorted(self.scopes)),
                }
            channels = [
                c
                for c in self.channels
                if ("private_channel" if c.get("is_private") else "public_channel") in types
            ]
            return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": ""}}
        return {"ok": False, "error": "unknown_method"}

    async def _response_url(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.down:
            with self._lock:
                self.calls.append(Call("response_url", params, None, time.monotonic(), -1, request.path))
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=500)  # never reaches the client
        error = block_kit_error(params.get("blocks"))
        call = Call("response_url", params, None, time.monotonic(), 400 if error else 200, request.path)
        with self._lock:
            self.calls.append(call)
            if error:
                self.refused.append(call)
        if error:
            return web.Response(status=400, text=error)
        return web.Response(text="ok")
