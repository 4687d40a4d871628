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

from ..logs import configure_logging, redact
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
    except OSError as exc:  # Slack (or the database) unreachable: start anyway, connect when it answers
        if socket_mode:
            try:
                app = _create_when_reachable(settings, exc, threading.Event())
            except Exception as late:
                return _fail([f"start-up failed: {redact(f'{type(late).__name__}: {late}')}"])
        else:
            return run_http(None, settings, port if port is not None else settings.http_port, unreachable=exc)
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


def run_http(
    app: Any,
    settings: Settings,
    port: int,
    stop: threading.Event | None = None,
    unreachable: OSError | None = None,
) -> int:
    """Serve until a signal. With `app` None (Slack was `unreachable`), /healthz answers, /readyz and
    events get 503 until a background thread has built the app."""
    server = SlackHttpServer(app, port, settings=settings, state=runtime_of(app).state if app else None)
    stop = stop or threading.Event()
    failed = threading.Event()
    if app is None:
        server.starting = f"unreachable at start-up, retrying: {redact(str(unreachable))[:200]}"

        def connect() -> None:
            try:
                built = _create_when_reachable(settings, unreachable, stop)
            except Exception as exc:
                log.error("start-up failed", extra={"error": redact(f"{type(exc).__name__}: {exc}")[:300]})
                failed.set()
                stop.set()
                return
            if built is not None:
                server.attach(built, runtime_of(built).state)

        threading.Thread(target=connect, name="smtpbot-connect", daemon=True).start()
    server.start()
    log.info("serving HTTP", extra={"port": server.port, "events_path": "/slack/events"})
    why = _wait_for_signal(stop)
    log.info("stopping", extra={"reason": why})
    code = _stop(lambda: server.shutdown(), server.app)
    return 2 if failed.is_set() else code


def _create_when_reachable(settings: Settings, first: OSError | None, stop: threading.Event) -> Any:
    """Build the app, trying again with backoff while Slack (or the database) cannot be reached; None
    when `stop` is set first. Refusals (a bad token) are not retried: they raise."""
    delay, error = 1.0, first
    while True:
        log.warning("Slack unreachable; trying again", extra={"error": redact(str(error))[:300], "in": delay})
        if stop.wait(delay):
            return None
        try:
            app = create_app(settings)
        except OSError as exc:
            delay, error = min(30.0, delay * 2), exc
            continue
        log.info("Slack answered: serving")
        return app


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
    if app is None:
        log.info("stopped before Slack answered")
        return 0
    finished = runtime_of(app).stop(SHUTDOWN_SECONDS)
    if not finished:
        log.warning("stopped with work unfinished; it stays journaled for the other replicas")
    log.info("stopped")
    return 0
