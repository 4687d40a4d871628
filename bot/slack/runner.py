"""`smtpbot serve`: check the settings, build the app, run it until SIGTERM or Ctrl-C, stop cleanly.

Socket Mode when SLACK_APP_TOKEN is set (unless `--http`), else HTTP on `--port`, $PORT or 3000. In Socket
Mode a small HTTP server answers /healthz, /readyz and /metrics when PORT is set.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from ..observability import configure_logging, redact
from ..settings import Settings
from .app import create_app, runtime_of
from .channels import ChannelResolutionError
from .clients import SlackUnreachable, web_client
from .http_server import SlackHttpServer
from .socket_mode import SocketModeService

log = logging.getLogger(__name__)

# How long a stop may take: requests in progress, queued jobs and paced posts get this long to finish;
# what is left stays journaled for another replica (with REDIS_URL) or is retried by Slack.
SHUTDOWN_SECONDS = 20.0


def _fail(problems: list[str]) -> int:
    lines = "\n".join(f"  - {p}" for p in problems)
    print(f"smtpbot serve: cannot start:\n{lines}", file=sys.stderr)
    return 2


def _wait_for_signal(extra_stop: threading.Event | None = None) -> str:
    """Block until SIGTERM or SIGINT (or `extra_stop`); returns the reason."""
    stop = extra_stop or threading.Event()
    reason: dict[str, str] = {}

    def on_signal(signum: int, _frame: Any) -> None:
        reason["why"] = signal.Signals(signum).name
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return reason.get("why", "stopped")


def serve(http: bool, port: int | None) -> int:
    settings = Settings.from_env()
    configure_logging(
        settings.smtpbot_log_level, log_text=settings.smtpbot_log_text, secrets=settings.secrets()
    )
    socket_mode = settings.socket_mode_available and not http
    # None unless --http: the problems then name Socket Mode as well as HTTP mode
    problems = settings.validate_for_serve(http=True if http else None)
    if port is not None and not 0 < port < 65536:
        problems.append(f"--port {port} is not a TCP port: use a number from 1 to 65535.")
    if problems:
        return _fail(problems)
    try:
        app = create_app(settings)
    except ChannelResolutionError as exc:
        return _fail(exc.problems)
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else str(exc)
        return _fail(
            [f"Slack refused the token at start-up ({error}): check SLACK_BOT_TOKEN and SLACK_API_URL."]
        )
    except SlackUnreachable as exc:
        return _fail([redact(str(exc))])
    except BoltError as exc:  # Bolt's own auth.test at start-up: a revoked or mistyped token
        return _fail([f"Slack refused SLACK_BOT_TOKEN at start-up: {redact(str(exc))}. Check the token."])
    except Exception as exc:  # an unreachable Slack or database: say what, not a traceback
        return _fail([f"start-up failed: {redact(f'{type(exc).__name__}: {exc}')}"])
    if socket_mode:
        assert settings.slack_app_token
        return run_socket_mode(app, settings, port if port is not None else settings.port)
    return run_http(app, settings, port if port is not None else settings.http_port)


def run_http(app: Any, settings: Settings, port: int, stop: threading.Event | None = None) -> int:
    server = SlackHttpServer(app, port, settings=settings, state=runtime_of(app).state)
    server.start()
    log.info("serving HTTP", extra={"port": server.port, "events_path": "/slack/events"})
    why = _wait_for_signal(stop)
    log.info("stopping", extra={"reason": why})
    return _stop(lambda: server.shutdown(), app)


def run_socket_mode(
    app: Any, settings: Settings, health_port: int | None, stop: threading.Event | None = None
) -> int:
    assert settings.slack_app_token
    service = SocketModeService(app, settings.slack_app_token, web_client(None, settings.api_url))
    try:
        service.start()
    except Exception as exc:
        runtime_of(app).stop(1)
        return _fail([f"Socket Mode could not connect: {redact(str(exc))} (check SLACK_APP_TOKEN)."])
    health_server = None
    if health_port is not None:
        health_server = SlackHttpServer(
            None, health_port, settings=settings, state=runtime_of(app).state, health=service.health
        ).start()
        log.info("serving /healthz, /readyz and /metrics", extra={"port": health_server.port})
    log.info("connected in Socket Mode")
    why = _wait_for_signal(stop)
    log.info("stopping", extra={"reason": why})

    def close_inputs() -> None:
        service.close()
        if health_server is not None:
            health_server.shutdown()

    return _stop(close_inputs, app)


def _stop(close_inputs: Callable[[], None], app: Any) -> int:
    """Stop taking requests, then let the work in hand finish."""
    close_inputs()
    finished = runtime_of(app).stop(SHUTDOWN_SECONDS)
    if not finished:
        log.warning("stopped with work unfinished; it stays journaled for the other replicas")
    log.info("stopped")
    return 0
