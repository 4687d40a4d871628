"""Socket Mode: Slack's events arrive over a WebSocket the bot opens, so no public URL is needed.

slack-sdk's built-in client keeps the connection; on top of it this module
- acknowledges every envelope Bolt handled or did not recognise (an unacknowledged envelope is re-sent,
  and too many failures disable the app's subscriptions) but not one whose work could not be accepted
  (a 5xx from Bolt): Slack re-sends that one, to this or another connection;
- runs a watchdog: a socket that has been silent (no pong, no envelope) for `silence_limit` seconds is
  replaced, and a closed one is reopened;
- reports its state for /healthz.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import struct
import threading
import time
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.builtin.frame_header import FrameHeader
from slack_sdk.socket_mode.builtin.internals import _build_data_frame_for_sending
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from ..observability import record_request

log = logging.getLogger(__name__)

PING_INTERVAL = 10.0
SILENCE_LIMIT = 45.0


class SocketModeService:
    def __init__(
        self,
        app: App,
        app_token: str,
        web_client: WebClient,
        *,
        ping_interval: float = PING_INTERVAL,
        silence_limit: float = SILENCE_LIMIT,
        concurrency: int = 8,
    ) -> None:
        self.app = app
        self.ping_interval = ping_interval
        self.silence_limit = silence_limit
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
        self._last_message = time.time()
        self._connected_since: float | None = None
        self._reconnects = 0
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="smtpbot-socket-watchdog", daemon=True)

    # --- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> SocketModeService:
        self.client.connect()
        self._mark_connected()
        self._watchdog.start()
        return self

    def close(self) -> None:
        self._stop.set()
        try:
            # slack-sdk's reader holds the socket in a blocking read (up to 3 s) and its message loop waits
            # up to 1 s for the next message: wake both, so a SIGTERM does not take seconds.
            self.client.auto_reconnect_enabled = False
            self.client.closed = True
            self.client.message_queue.put(None)
            session = self.client.current_session
            sock = getattr(session, "sock", None)
            if session is not None and sock is not None:
                with contextlib.suppress(Exception), session.sock_send_lock:
                    # a WebSocket close frame (1000, normal closure), so Slack sees a clean goodbye
                    sock.send(
                        _build_data_frame_for_sending(struct.pack("!H", 1000), FrameHeader.OPCODE_CLOSE)
                    )
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            self.client.close()
        except Exception as exc:
            log.warning("closing the socket failed", extra={"error": str(exc)[:200]})
        self._watchdog.join(2)

    # --- state -----------------------------------------------------------------------------------------

    def _mark_connected(self) -> None:
        self._connected_since = time.time()
        self._last_message = time.time()

    def last_activity(self) -> float:
        session = self.client.current_session
        pong = getattr(session, "last_ping_pong_time", None) if session is not None else None
        return max(self._last_message, pong or 0.0, self._connected_since or 0.0)

    def connected(self) -> bool:
        return self.client.is_connected()

    def health(self) -> tuple[bool, dict[str, Any]]:
        connected = self.connected()
        silent = time.time() - self.last_activity()
        ok = connected and silent <= self.silence_limit
        return ok, {
            "status": "ok" if ok else "disconnected",
            "mode": "socket",
            "connected": connected,
            "seconds_since_activity": round(silent, 1),
            "reconnects": self._reconnects,
        }

    # --- envelopes -------------------------------------------------------------------------------------

    def _on_message(self, message: str) -> None:
        self._last_message = time.time()

    def _handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:
        headers: dict[str, Any] = {}
        if req.retry_attempt is not None:
            headers["x-slack-retry-num"] = str(req.retry_attempt)
        if req.retry_reason is not None:
            headers["x-slack-retry-reason"] = req.retry_reason
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

    # --- watchdog --------------------------------------------------------------------------------------

    def _watch(self) -> None:
        check_every = max(0.2, min(self.ping_interval, self.silence_limit / 3))
        while not self._stop.wait(check_every):
            try:
                self._check()
            except Exception as exc:
                log.warning("socket watchdog round failed", extra={"error": str(exc)[:300]})

    def _check(self) -> None:
        silent = time.time() - self.last_activity()
        if self.connected() and silent <= self.silence_limit:
            return
        why = "silent" if self.connected() else "closed"
        log.warning("socket %s; reconnecting", why, extra={"seconds_since_activity": round(silent, 1)})
        self._reconnects += 1
        record_request("socket", f"reconnect_{why}")
        self.client.connect_to_new_endpoint(force=True)
        if self.connected():
            self._mark_connected()


def _ack(envelope_id: str, response: BoltResponse) -> SocketModeResponse:
    """The envelope's acknowledgement, carrying Bolt's response body when there is one (slash commands
    answered in the ack, e.g. `/smtp help`)."""
    if response.status == 200 and response.body:
        content_type = (response.headers.get("content-type") or [""])[0]
        if content_type.startswith("application/json"):
            return SocketModeResponse(envelope_id=envelope_id, payload=json.loads(response.body))
        return SocketModeResponse(envelope_id=envelope_id, payload={"text": response.body})
    return SocketModeResponse(envelope_id=envelope_id)
