"""The stand-in's Socket Mode side: the WebSocket apps.connections.open points at, envelopes sent to the
connected app and the acknowledgements it sends back, and faults (a cut connection, a silent socket)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web


@dataclass
class Envelope:
    envelope_id: str
    type: str
    payload: dict[str, Any]
    ack: dict[str, Any] | None = None
    acked_at: float | None = None


@dataclass
class OpenSocket:
    ws: web.WebSocketResponse
    transport: Any
    opened_at: float
    closed: bool = False
    close_code: int | None = None  # what the app said when it closed (1000: a clean goodbye)


class SocketModeSide:
    """Mixed into SlackStandIn, which provides the event loop, the lock and these fields."""

    _loop: asyncio.AbstractEventLoop
    _lock: threading.Lock
    _sockets: list[OpenSocket]
    envelopes: dict[str, Envelope]
    connections_opened: int
    silent: bool

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        socket = OpenSocket(ws, request.transport, time.monotonic())
        with self._lock:
            self._sockets.append(socket)
            self.connections_opened += 1
        await ws.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "standin"},
                    "connection_info": {"app_id": "A0STANDIN"},
                }
            )
        )
        said: int | None = None
        try:
            while True:
                message = await ws.receive()
                if message.type == WSMsgType.PING:
                    if not self.silent:
                        await ws.pong(message.data)
                elif message.type == WSMsgType.TEXT:
                    self._on_ack(message.data)
                elif message.type == WSMsgType.CLOSE:
                    # the code from the app's own close frame: aiohttp's ws.close_code turns into
                    # 1006 when our reply cannot be sent because the app has already hung up
                    said = message.data
                    break
                elif message.type in (WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                    break
        finally:
            socket.closed = True
            socket.close_code = said if said is not None else ws.close_code
        return ws

    def _on_ack(self, text: str) -> None:
        try:
            data = json.loads(text)
        except ValueError:
            return
        envelope = self.envelopes.get(str(data.get("envelope_id")))
        if envelope is not None:
            envelope.ack = data
            envelope.acked_at = time.monotonic()

    def close_codes(self) -> list[int | None]:
        with self._lock:
            return [s.close_code for s in self._sockets if s.closed]

    def open_sockets(self) -> int:
        with self._lock:
            return sum(1 for s in self._sockets if not s.closed and not s.ws.closed)

    def send_envelope(
        self, kind: str, payload: dict[str, Any], retry_attempt: int = 0, retry_reason: str = ""
    ) -> Envelope:
        """Deliver an envelope (events_api, slash_commands, interactive) on the newest open socket."""
        envelope = Envelope(uuid.uuid4().hex, kind, payload)
        message: dict[str, Any] = {
            "envelope_id": envelope.envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            message["retry_attempt"] = retry_attempt
            message["retry_reason"] = retry_reason
        with self._lock:
            sockets = [s for s in self._sockets if not s.closed and not s.ws.closed]
        if not sockets:
            raise RuntimeError("no Socket Mode connection is open")
        self.envelopes[envelope.envelope_id] = envelope
        asyncio.run_coroutine_threadsafe(sockets[-1].ws.send_str(json.dumps(message)), self._loop).result(5)
        return envelope

    def drop_connections(self) -> None:
        """Cut every socket without a close frame, as a network failure would."""
        with self._lock:
            sockets = list(self._sockets)

        def cut() -> None:
            for s in sockets:
                if s.transport is not None:
                    s.transport.abort()
                s.closed = True

        self._loop.call_soon_threadsafe(cut)
