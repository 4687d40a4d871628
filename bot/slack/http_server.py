"""The HTTP server for Slack's requests (POST /slack/events), OAuth installs, health, readiness, metrics.

Bolt's built-in server is for development. This one is the standard library's threading server made fit
for production behind a load balancer (Heroku's router, an ingress):
- bounded: at most `max_connections` connections are served at once; beyond that, new ones wait in the
  listen backlog instead of spawning unbounded threads;
- timeouts: a connection that sends nothing for `idle_timeout` seconds is closed (no slowloris);
- bounded bodies: a body above `max_body` bytes is refused with 413 before it is read, a missing length
  with 411;
- checked bodies: Slack's signature is verified on the raw bytes before anything parses them, and
  malformed bodies are refused or ignored (request_checks.py), each with one log line;
- keep-alive (HTTP/1.1) and a clean stop: `shutdown()` stops accepting and waits for requests in progress.
Slack requests are answered as soon as Bolt has acknowledged them; the work happens on the runtime's lanes.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from ..metrics import record_request, render_metrics
from ..readiness import readiness
from .request_checks import body_verdict, bolt_request, signature_verdict

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
MAX_BODY_BYTES = 2 * 1024 * 1024  # Slack's largest payloads (messages with blocks) are far below this
IDLE_TIMEOUT_SECONDS = 30
MAX_CONNECTIONS = 64

HealthCheck = Callable[[], tuple[bool, dict[str, Any]]]


def always_healthy() -> tuple[bool, dict[str, Any]]:
    return True, {"status": "ok"}


class BoundedThreadingHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], handler: type, max_connections: int = MAX_CONNECTIONS
    ) -> None:
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Blocks the accept loop while every slot is busy: back-pressure instead of a thread per connection.
        self._slots.acquire()
        try:
            super().process_request(request, client_address)
        except Exception:
            self._slots.release()
            raise

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver prints a traceback to stderr; one JSON log line instead
        log.error("connection failed", exc_info=True)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class SlackHttpServer:
    """Serves one Bolt app. `port=0` picks a free port (see `.port`)."""

    def __init__(
        self,
        app: App | None,
        port: int,
        *,
        host: str = "0.0.0.0",
        settings: Any = None,
        state: Any = None,
        health: HealthCheck = always_healthy,
        max_connections: int = MAX_CONNECTIONS,
        max_body: int = MAX_BODY_BYTES,
        idle_timeout: float = IDLE_TIMEOUT_SECONDS,
    ) -> None:
        self.app = app
        self.starting: str | None = None  # why the app is not attached yet (Slack unreachable at start)
        self.settings = settings
        self.state = state
        self.health = health
        outer = self

        class Handler(_Handler):
            server_owner = outer
            body_limit = max_body
            timeout = idle_timeout

        self.httpd = BoundedThreadingHTTPServer((host, port), Handler, max_connections)
        self._thread: threading.Thread | None = None

    def attach(self, app: App, state: Any) -> None:
        """Start serving Slack's requests with `app` (built once Slack answered)."""
        self.app, self.state, self.starting = app, state, None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def serve_forever(self) -> None:
        # how long shutdown() waits for the loop to notice; twenty idle wake-ups a second cost nothing
        self.httpd.serve_forever(poll_interval=0.05)

    def start(self) -> SlackHttpServer:
        """Serve on a background thread."""
        self._thread = threading.Thread(target=self.serve_forever, name="smtpbot-http", daemon=True)
        self._thread.start()
        return self

    def shutdown(self) -> None:
        """Stop accepting connections; requests already being answered finish."""
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)


class _Handler(BaseHTTPRequestHandler):
    server_owner: SlackHttpServer
    body_limit: int
    protocol_version = "HTTP/1.1"
    server_version = "smtpbot"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http: " + format, *args)

    # --- plumbing -----------------------------------------------------------------------------------

    def _send(
        self, status: int, body: bytes | str = b"", headers: dict[str, list[str] | str] | None = None
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        content_type_set = False
        for name, values in (headers or {}).items():
            if name.lower() == "content-length":
                continue
            content_type_set = content_type_set or name.lower() == "content-type"
            for value in [values] if isinstance(values, str) else values:
                self.send_header(name, value)
        if data and not content_type_set:
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD" and data:
            self.wfile.write(data)

    def _refuse(self, status: int, why: str) -> None:
        """Answer a request we will not handle, with one log line (never the body: it may be anything)."""
        log.warning("bad request", extra={"status": status, "why": why, "path": self.path[:100]})
        if status >= 400:
            self.close_connection = True
        self._send(status, why if status >= 400 else b"")

    def _json(self, status: int, data: dict[str, Any]) -> None:
        self._send(status, json.dumps(data), {"Content-Type": "application/json"})

    def _read_body(self) -> bytes | None:
        """The request body, or None after answering 411/413/400 (and closing the connection)."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            self._send(411, "Content-Length required")
            return None
        raw = self.headers.get("Content-Length")
        if raw is None:
            self.close_connection = True
            self._send(411, "Content-Length required")
            return None
        try:
            length = int(raw)
        except ValueError:
            self._refuse(400, "bad Content-Length")
            return None
        if length < 0:
            self._refuse(400, "negative Content-Length")
            return None
        if length > self.body_limit:
            self._refuse(413, "request body too large")
            return None
        return self.rfile.read(length) if length else b""

    def _headers(self) -> dict[str, list[str]]:
        headers: dict[str, list[str]] = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        return headers

    def _bolt(self, bolt_request: BoltRequest, handle: Callable[[BoltRequest], BoltResponse]) -> None:
        try:
            response = handle(bolt_request)
        except Exception:
            log.exception("request failed")
            self._send(500, "internal error")
            return
        status = response.status
        if status == 404 and bolt_request.mode == "http" and self.path.startswith(EVENTS_PATH):
            # Signed and authorised, but nothing matched: acknowledge, or Slack retries and eventually
            # disables the subscription. (Every known kind has a catch-all; this covers new ones.)
            record_request("unknown", "acknowledged")
            status = 200
            response = BoltResponse(status=200, body="")
        self._send(status, response.body or b"", response.headers)

    # --- routes ---------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        owner = self.server_owner
        path, _, query = self.path.partition("?")
        if path == HEALTH_PATH:
            ok, info = owner.health()
            self._json(200 if ok else 503, info)
        elif path == READY_PATH:
            ok, info = owner.health()
            report = readiness(owner.settings, state=owner.state)
            report["checks"]["slack"] = owner.starting or ("ok" if ok else "not connected")
            ready = report["ready"] and ok and not owner.starting
            report["ready"] = ready
            self._json(200 if ready else 503, report)
        elif path == METRICS_PATH:
            body, content_type = render_metrics()
            self._send(200, body, {"Content-Type": content_type})
        elif (
            owner.app is not None
            and owner.app.oauth_flow is not None
            and path
            in (
                owner.app.oauth_flow.install_path,
                owner.app.oauth_flow.redirect_uri_path,
            )
        ):
            flow = owner.app.oauth_flow
            request = BoltRequest(body="", query=query, headers=self._headers())
            handle = flow.handle_installation if path == flow.install_path else flow.handle_callback
            record_request("oauth", "install" if path == flow.install_path else "callback")
            self._bolt(request, handle)
        else:
            self._send(404, "not found")

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        owner = self.server_owner
        path, _, query = self.path.partition("?")
        body = self._read_body()
        if body is None:
            return
        if path == EVENTS_PATH and owner.starting:
            self._send(503, "starting: Slack has not answered yet")  # Slack delivers it again
            return
        if path != EVENTS_PATH or owner.app is None:
            self._send(404, "not found")
            return
        secret = getattr(owner.settings, "slack_signing_secret", None)
        if secret:
            verdict = signature_verdict(
                secret,
                body,
                self.headers.get("X-Slack-Request-Timestamp"),
                self.headers.get("X-Slack-Signature"),
            )
            if verdict.status:
                self._refuse(verdict.status, verdict.why)
                return
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self._refuse(400, "body is not UTF-8")
            return
        verdict, payload = body_verdict(text, self.headers.get("Content-Type"))
        if verdict.status:
            if verdict.status == 200:
                record_request("malformed", "ignored")
            self._refuse(verdict.status, verdict.why)
            return
        self._bolt(bolt_request(text, payload, query, self._headers()), owner.app.dispatch)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (TimeoutError, ConnectionError):
            self.close_connection = True
