"""What an operator sees: JSON logs with secrets scrubbed and Prometheus metrics (readiness: readiness.py).

Nothing here imports Slack code, so the HTTP server, the Slack handlers and the tests can all use it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

# ---------------------------------------------------------------------------------------------------------
# Redaction
# ---------------------------------------------------------------------------------------------------------

# Slack bot, user, app-level, rotating (xoxe.xoxb-...) and refresh (xoxe-...) tokens, anywhere in a line.
_SLACK_TOKEN_RE = re.compile(r"\b(?:xoxe\.)?xox[abposre]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+", re.ASCII)
# `signing_secret=...`, `"client_secret": "..."`, `Authorization: Bearer ...` and their friends.
_SECRET_ASSIGNMENT_RE = re.compile(
    r"(?i)(\b(?:signing_secret|client_secret|secret|password|refresh_token|access_token|token)"
    r"[\"']?\s*[:=]\s*[\"']?)([^\s\"',&}]+)"
    r"|(\bBearer\s+)(\S+)"
)
# Database and Redis URLs carry passwords: scheme://user:PASSWORD@host
_URL_PASSWORD_RE = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@]*:)([^\s@/]+)(@)", re.IGNORECASE)
# response_url and incoming-webhook URLs let whoever holds them post as the app: keep only their kind.
_SLACK_HOOK_RE = re.compile(
    r"(https://hooks\.slack\.com/(?:commands|actions|services|workflows|triggers)/)[^\s\"'<>,)]+"
)

REDACTED = "[redacted]"

_known_secrets: set[str] = set()
_known_secrets_lock = threading.Lock()


def register_secrets(values: Iterable[str | None]) -> None:
    """Remember configured secret values (signing secret, client secret...) so no log line shows them.

    Secrets without a recognisable shape, like the 32-hex signing secret, can only be caught this way.
    """
    with _known_secrets_lock:
        for value in values:
            # Very short values would scrub ordinary words out of log lines; real secrets are long.
            if value and len(value) >= 8:
                _known_secrets.add(value)


def redact(text: str) -> str:
    """The text with anything that looks like a token, password or configured secret replaced."""
    if not text:
        return text
    for secret in _known_secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _SLACK_TOKEN_RE.sub(REDACTED, text)
    text = _SLACK_HOOK_RE.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    text = _URL_PASSWORD_RE.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(3)}", text)
    return _SECRET_ASSIGNMENT_RE.sub(
        lambda m: f"{m.group(1)}{REDACTED}" if m.group(1) is not None else f"{m.group(3)}{REDACTED}", text
    )


# ---------------------------------------------------------------------------------------------------------
# Message text in logs
# ---------------------------------------------------------------------------------------------------------

_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_log_text_enabled: bool | None = None


def set_log_text(enabled: bool | None) -> None:
    """Whether log lines may contain what users wrote (None: read SMTPBOT_LOG_TEXT on each call)."""
    global _log_text_enabled
    _log_text_enabled = enabled


def log_text_enabled() -> bool:
    if _log_text_enabled is not None:
        return _log_text_enabled
    return os.environ.get("SMTPBOT_LOG_TEXT", "").strip().lower() in _TRUE_WORDS


def log_text(text: str | None) -> str:
    """What to put in a log line for a user's message: the text itself only when the operator opted in.

    Bounces carry addresses and mail content, so by default logs get only the length.
    """
    text = text or ""
    if log_text_enabled():
        return redact(text)
    return f"<{len(text)} chars>"


# ---------------------------------------------------------------------------------------------------------
# JSON logging
# ---------------------------------------------------------------------------------------------------------

# Loggers of slack-sdk and Bolt (and the names smtpbot hands them). At DEBUG they print whole requests and
# responses: message text, pasted bounces, addresses. Unless SMTPBOT_LOG_TEXT=true, such lines keep only
# their first words ("Sending a request"), so the trace stays readable without what users wrote.
PAYLOAD_LOGGERS = (
    "slack_sdk",
    "slack_bolt",
    "smtpbot.bolt",
    "smtpbot.slack_api",
    "smtpbot.socket_mode",
    "smtpbot.oauth",
    "smtpbot.authorize",
    "smtpbot.installations",
    "smtpbot.oauth_state",
)
PAYLOAD_HIDDEN = "[payload not logged; SMTPBOT_LOG_TEXT=true logs it]"
_PAYLOAD_START_RE = re.compile(r"\s-\s|[\[{(]|:\s")


def _from_payload_logger(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in PAYLOAD_LOGGERS)


def without_payload(record: logging.LogRecord, message: str) -> str:
    """The message, or only its head when it may carry what users wrote (see PAYLOAD_LOGGERS)."""
    if log_text_enabled() or not _from_payload_logger(record.name):
        return message
    if record.levelno > logging.DEBUG and "{" not in message:
        return message  # connection notices, errors without a payload dump
    head = _PAYLOAD_START_RE.split(message, maxsplit=1)[0].strip()[:100]
    return f"{head} {PAYLOAD_HIDDEN}" if head else PAYLOAD_HIDDEN


# Attributes every LogRecord has; anything else on a record came from `extra=` and goes into the JSON.
_STANDARD_RECORD_ATTRS = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys() | {"message", "asctime"}
)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {str(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_scrub(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(str(value))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, any `extra=` fields; secrets scrubbed."""

    def format(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception:  # a bad %-format in someone's log call must not lose the line
            message = f"{record.msg!r} {record.args!r}"
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(without_payload(record, message)),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_RECORD_ATTRS and not key.startswith("_") and key not in data:
                data[key] = _scrub(value)
        if record.exc_info:
            data["exception"] = redact(without_payload(record, self.formatException(record.exc_info)))
        elif record.exc_text:
            data["exception"] = redact(record.exc_text)
        if record.stack_info:
            data["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(
    level: str | int = "INFO", *, log_text: bool | None = None, secrets: Iterable[str | None] = ()
) -> None:
    """Send every logger's output to stderr as JSON lines. Call once at start-up."""
    register_secrets(secrets)
    set_log_text(log_text)
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    if isinstance(level, str):
        level = logging.getLevelName(level.strip().upper() or "INFO")
        if not isinstance(level, int):
            level = logging.INFO
    root.setLevel(level)


# ---------------------------------------------------------------------------------------------------------
# Prometheus metrics
# ---------------------------------------------------------------------------------------------------------

# A registry of our own, so tests and embedders can build the app twice without duplicate-metric errors
# from the global one, and /metrics shows exactly what this process exports.
REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

REQUESTS = Counter(
    "smtpbot_requests",
    "Requests from Slack, by kind (event, command, action, shortcut, oauth) and outcome.",
    ["kind", "outcome"],
    registry=REGISTRY,
)
ANSWERS = Counter(
    "smtpbot_answers",
    "Messages the bot posted or updated, by mode (explicit, passive) and action (post, update).",
    ["mode", "action"],
    registry=REGISTRY,
)
FINDINGS = Counter(
    "smtpbot_findings",
    "Findings in answers, by reason (the knowledge base's fixed reason list).",
    ["reason"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "smtpbot_request_duration_seconds",
    "Time from receiving a Slack request to finishing its work (answer posted or skipped), by kind.",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
EXPLAIN_SECONDS = Histogram(
    "smtpbot_explain_duration_seconds",
    "Time the explanation engine took for one text.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
    registry=REGISTRY,
)
SLACK_API_ERRORS = Counter(
    "smtpbot_slack_api_errors",
    "Slack Web API calls that failed, by method and Slack's error code (or the exception type).",
    ["method", "error"],
    registry=REGISTRY,
)

# Label values come from outside (Slack error strings, knowledge reasons): keep them short and tame so a
# strange value cannot blow up the number of time series.
_LABEL_RE = re.compile(r"[^a-z0-9_.:-]+")


def _label(value: str | None, default: str = "unknown") -> str:
    value = _LABEL_RE.sub("_", (value or "").strip().lower())[:48]
    return value or default


def record_request(kind: str, outcome: str = "ok") -> None:
    REQUESTS.labels(kind=_label(kind), outcome=_label(outcome)).inc()


def record_answer(mode: str, action: str = "post") -> None:
    ANSWERS.labels(mode=_label(mode), action=_label(action)).inc()


def record_findings(reasons: Iterable[str]) -> None:
    """Count each finding's reason; pass `(f.reason for f in explanation.findings)`."""
    from .engine.model import REASONS  # the engine has no Slack imports; cheap and cycle-free

    for reason in reasons:
        FINDINGS.labels(reason=reason if reason in REASONS else "other").inc()


def record_slack_api_error(method: str | None, error: str | None) -> None:
    SLACK_API_ERRORS.labels(method=_label(method), error=_label(error)).inc()


def observe_request_seconds(kind: str, seconds: float) -> None:
    REQUEST_SECONDS.labels(kind=_label(kind)).observe(max(0.0, seconds))


def observe_explain_seconds(seconds: float) -> None:
    EXPLAIN_SECONDS.observe(max(0.0, seconds))


class timed:
    """`with timed("event"):` observes the block's duration in the request histogram, even on error."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.started = 0.0

    def __enter__(self) -> timed:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        observe_request_seconds(self.kind, time.perf_counter() - self.started)


def render_metrics() -> tuple[bytes, str]:
    """The body and Content-Type for GET /metrics."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def metered_web_client_class() -> type:
    """A slack_sdk WebClient subclass that counts failed API calls in SLACK_API_ERRORS.

    Hand an instance to Bolt (`App(client=...)`) and every listener's `client` / `say` is counted,
    without each call site having to remember. Built lazily so this module does not import slack_sdk.
    """
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    class MeteredWebClient(WebClient):
        def api_call(self, api_method: str, **kwargs: Any) -> Any:  # type: ignore[override]
            try:
                return super().api_call(api_method, **kwargs)
            except SlackApiError as exc:
                error = exc.response.get("error") if exc.response is not None else None
                record_slack_api_error(api_method, str(error) if error else "api_error")
                raise
            except Exception as exc:
                record_slack_api_error(api_method, type(exc).__name__)
                raise

    return MeteredWebClient
