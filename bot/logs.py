"""What an operator reads in the logs: JSON lines with tokens, passwords and users' text kept out.

`redact` lives here because every module that may print a secret (OAuth, readiness, the runner)
needs it, and this module imports nothing of the bot's own.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

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
