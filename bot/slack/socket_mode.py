"""Socket Mode: Slack's events arrive over a WebSocket the bot opens, so no public URL is needed.

The connection is slack-sdk's own client (`slack_sdk.socket_mode.builtin.SocketModeClient`, no extra
dependency). Its monitor thread is the watchdog: every `ping_interval` seconds it pings Slack, drops a
socket that has not answered a ping for four intervals (silent, half-open), and opens a new connection
whenever the current one is closed, retrying `apps.connections.open` until Slack answers. It also follows
Slack's `disconnect` messages (refresh, maintenance). On top of it this module
- acknowledges every envelope Bolt handled or did not recognise (an unacknowledged envelope is re-sent,
  and too many failures disable the app's subscriptions) but not one whose work could not be accepted
  (a 5xx from Bolt): Slack re-sends that one, to this or another connection;
- reports the connection's state for /healthz and /readyz, and counts reconnects;
- closes cleanly on SIGTERM: a WebSocket close frame (1000), then the client's threads are stopped.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import struct
import threading
import time
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from ..metrics import record_request
from .request_checks import payload_problem

log = logging.getLogger(__name__)

# slack-sdk pings this often and replaces a socket whose last pong is older than four intervals.
PING_INTERVAL = 10.0
STALE_AFTER_PINGS = 4


class SocketModeService:
    def __init__(
        self,
        app: App,
        app_token: str,
        web_client: WebClient,
        *,
        ping_interval: float = PING_INTERVAL,
        concurrency: int = 8,
    ) -> None:
        self.app = app
        self.ping_interval = ping_interval
        self.client = SocketModeClient(
            app_token=app_token,
            web_client=web_client,
            logger=logging.getLogger("smtpbot.socket_mode"),
            auto_reconnect_enabled=True,
            ping_interval=ping_interval,
            concurrency=concurrency,
        )
        self.client.socket_mode_request_listeners.append(self._handle)
        self.client.on_message_listeners.append(self._on_message)
        self._lock = threading.Lock()
        self._hellos = 0  # Slack greets every new connection with a `hello` message
        self._connected_since: float | None = None

    # --- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> SocketModeService:
        """Open the first connection (raises when Slack refuses the app token); slack-sdk keeps it up."""
        self.client.connect()
        with self._lock:
            self._connected_since = time.time()
        return self

    def close(self) -> None:
        """Say goodbye with a close frame, then stop slack-sdk's reader, monitor and worker threads."""
        client = self.client
        try:
            # Stop reconnecting first, or the monitor would open a new socket as this one goes.
            client.auto_reconnect_enabled = False
            client.closed = True
            # slack-sdk's message loop waits up to a second for the next message: wake it.
            client.message_queue.put(None)
            session = client.current_session
            sock = getattr(session, "sock", None)
            if session is not None and sock is not None:
                with contextlib.suppress(Exception), session.sock_send_lock:
                    sock.send(_close_frame(1000))
                # the reader holds the socket in a blocking read: shut it down so it returns at once
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            client.close()
        except Exception as exc:
            log.warning("closing the socket failed", extra={"error": str(exc)[:200]})

    # --- state -----------------------------------------------------------------------------------------

    @property
    def reconnects(self) -> int:
        with self._lock:
            return max(0, self._hellos - 1)

    def connected(self) -> bool:
        return self.client.is_connected()

    def seconds_since_pong(self) -> float | None:
        """How long since Slack last answered a ping on the current socket (None: no ping answered yet)."""
        session = self.client.current_session
        pong = getattr(session, "last_ping_pong_time", None) if session is not None else None
        return None if pong is None else max(0.0, time.time() - pong)

    def health(self) -> tuple[bool, dict[str, Any]]:
        connected = self.connected()
        since_pong = self.seconds_since_pong()
        # slack-sdk drops a socket after STALE_AFTER_PINGS unanswered intervals; between that and its next
        # monitor round the socket may still look open, so judge it here by the same rule.
        stale = since_pong is not None and since_pong > self.ping_interval * (STALE_AFTER_PINGS + 1)
        ok = connected and not stale
        return ok, {
            "status": "ok" if ok else "disconnected",
            "mode": "socket",
            "connected": connected,
            "seconds_since_pong": None if since_pong is None else round(since_pong, 1),
            "reconnects": self.reconnects,
        }

    # --- envelopes -------------------------------------------------------------------------------------

    def _on_message(self, message: str) -> None:
        if '"hello"' not in message[:200]:
            return
        try:
            if json.loads(message).get("type") != "hello":
                return
        except (ValueError, AttributeError):
            return
        with self._lock:
            self._hellos += 1
            self._connected_since = time.time()
            again = self._hellos > 1
        if again:
            record_request("socket", "reconnected")
            log.info("Socket Mode connection re-established", extra={"reconnects": self.reconnects})

    def _handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:
        headers: dict[str, Any] = {}
        if req.retry_attempt is not None:
            headers["x-slack-retry-num"] = str(req.retry_attempt)
        if req.retry_reason is not None:
            headers["x-slack-retry-reason"] = req.retry_reason
        problem = payload_problem(req.payload)
        if problem:
            # acknowledged, or Slack would deliver it again; nothing can be read from it
            log.warning("bad envelope ignored", extra={"type": req.type, "why": problem})
            record_request("malformed", "ignored")
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        try:
            response = self.app.dispatch(BoltRequest(mode="socket_mode", body=req.payload, headers=headers))
        except Exception:
            log.exception("envelope failed", extra={"type": req.type})
            response = BoltResponse(status=500)
        if response.status >= 500:
            # the work was not accepted (e.g. shutting down): no ack, so Slack delivers it again
            log.warning("envelope not acknowledged", extra={"type": req.type, "status": response.status})
            return
        if response.status == 404:
            record_request("unknown", "acknowledged")
        client.send_socket_mode_response(_ack(req.envelope_id, response))


def _close_frame(code: int) -> bytes:
    """A masked WebSocket close frame (RFC 6455 §5.5.1) carrying `code`; clients must mask what they send."""
    payload = struct.pack("!H", code)
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x88, 0x80 | len(payload)]) + mask + masked


def _ack(envelope_id: str, response: BoltResponse) -> SocketModeResponse:
    """The envelope's acknowledgement, carrying Bolt's response body when there is one (slash commands
    answered in the ack, e.g. `/smtp help`)."""
    if response.status == 200 and response.body:
        content_type = (response.headers.get("content-type") or [""])[0]
        if content_type.startswith("application/json"):
            return SocketModeResponse(envelope_id=envelope_id, payload=json.loads(response.body))
        return SocketModeResponse(envelope_id=envelope_id, payload={"text": response.body})
    return SocketModeResponse(envelope_id=envelope_id)
