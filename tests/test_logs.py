"""Logs never show secrets, nor what users wrote unless the operator opts in."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot import logs
from bot.logs import JsonFormatter, log_text, redact

SECRETS = [
    "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUv",
    "xoxp-1111-2222-3333-abcdef",
    "xapp-1-A0123-456789-abcdef0123",
    "xoxe.xoxb-1-MS0yLTEyMzQ1Ng",
    "xoxe-1-My0xLTEyMzQ1Ng-refresh",
]
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("SMTPBOT_LOG_TEXT", raising=False)
    logs.set_log_text(None)
    yield
    logs.set_log_text(None)


def json_log_lines(emit: object) -> list[dict[str, object]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(f"smtpbot.test.{id(stream)}")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    emit(logger)  # type: ignore[operator]
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_logs_scrub_tokens_from_message_extras_and_tracebacks() -> None:
    logs.register_secrets([SIGNING_SECRET])

    def emit(logger: logging.Logger) -> None:
        logger.info(
            "posting with %s and %s", SECRETS[0], SECRETS[1], extra={"team": "T01", "auth": SECRETS[2]}
        )
        logger.warning("config", extra={"settings": {"token": SECRETS[3], "nested": [SECRETS[4]]}})
        logger.error("signature check with secret %s failed", SIGNING_SECRET)
        try:
            raise RuntimeError(f"Slack said no to {SECRETS[0]}")
        except RuntimeError:
            logger.exception("call failed")

    lines = json_log_lines(emit)
    assert [line["level"] for line in lines] == ["INFO", "WARNING", "ERROR", "ERROR"]
    assert lines[0]["team"] == "T01" and lines[0]["message"].startswith("posting with ")  # type: ignore[union-attr]
    assert "RuntimeError" in str(lines[3]["exception"])
    everything = json.dumps(lines)
    for secret in [*SECRETS, SIGNING_SECRET]:
        assert secret not in everything
    # Nor any recognisable fragment of one.
    assert "AbCdEfGhIj" not in everything and "MS0yLTEyMzQ1Ng" not in everything


def test_redaction_covers_urls_and_assignments_but_leaves_ordinary_text() -> None:
    assert redact("postgresql+psycopg://bot:s3cr3t-pw@db:5432/smtpbot") == (
        "postgresql+psycopg://bot:[redacted]@db:5432/smtpbot"
    )
    assert "hunter22" not in redact('{"client_secret": "hunter22"}')
    assert "abc.def" not in redact("Authorization: Bearer abc.def")
    ordinary = "550 5.1.1 <ana@example.com>: Recipient address rejected; token_type=bot"
    assert redact(ordinary) == ordinary


def test_message_text_is_logged_only_when_the_operator_opts_in(monkeypatch: pytest.MonkeyPatch) -> None:
    text = f"bounce for ana@example.com, token {SECRETS[0]}"
    assert log_text(text) == f"<{len(text)} chars>"
    assert log_text(None) == "<0 chars>"
    monkeypatch.setenv("SMTPBOT_LOG_TEXT", "true")
    shown = log_text(text)
    assert "ana@example.com" in shown and SECRETS[0] not in shown  # tokens are still scrubbed
    logs.set_log_text(False)  # an explicit setting from start-up wins over the environment
    assert log_text(text) == f"<{len(text)} chars>"


def test_response_urls_and_webhooks_are_redacted() -> None:
    line = "posting to https://hooks.slack.com/commands/T0123/4567/AbCdSecretPart and on"
    assert redact(line) == "posting to https://hooks.slack.com/commands/[redacted] and on"
    assert "XyZ" not in redact("hook https://hooks.slack.com/services/T0/B0/XyZ123")


def test_slack_library_payloads_are_logged_only_when_the_operator_opts_in() -> None:
    paste = "550 5.1.1 <ana@example.com> user unknown"

    def emit(_: logging.Logger) -> None:
        for name in ("slack_sdk.web.base_client", "smtpbot.socket_mode", "slack_bolt.App"):
            logging.getLogger(name).debug(
                "Sending a request - url: https://slack.com/api/chat.postMessage, body_params: %s",
                {"text": paste},
            )
        logging.getLogger("slack_bolt.App").warning("Unhandled request ({'event': {'text': '%s'}})", paste)
        logging.getLogger("slack_sdk.socket_mode").info("A new session has been established")
        logging.getLogger("smtpbot.listeners").debug("ignored, %s", "not an alert channel")

    def lines() -> list[dict[str, object]]:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(JsonFormatter())
        names = ("slack_sdk", "smtpbot", "slack_bolt")
        saved = {n: (logging.getLogger(n).level, logging.getLogger(n).propagate) for n in names}
        for n in names:
            logging.getLogger(n).addHandler(handler)
            logging.getLogger(n).setLevel(logging.DEBUG)
            logging.getLogger(n).propagate = False
        try:
            emit(logging.getLogger())
        finally:
            for n, (level, propagate) in saved.items():
                logging.getLogger(n).removeHandler(handler)
                logging.getLogger(n).setLevel(level)
                logging.getLogger(n).propagate = propagate
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    hidden = lines()
    assert paste not in json.dumps(hidden) and "ana@example.com" not in json.dumps(hidden)
    assert [line["message"] for line in hidden] == [
        f"Sending a request {logs.PAYLOAD_HIDDEN}",
        f"Sending a request {logs.PAYLOAD_HIDDEN}",
        f"Sending a request {logs.PAYLOAD_HIDDEN}",
        f"Unhandled request {logs.PAYLOAD_HIDDEN}",
        "A new session has been established",  # no payload: kept whole
        "ignored, not an alert channel",  # our own loggers never print payloads
    ]
    logs.set_log_text(True)
    assert paste in json.dumps(lines())
