"""Logs never show secrets, metrics count what happened, readiness reflects the real servers."""

from __future__ import annotations

import io
import json
import logging
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from slack_sdk.errors import SlackApiError

from bot import oauth, observability
from bot.observability import JsonFormatter, log_text, redact, render_metrics
from bot.readiness import readiness
from bot.settings import Settings

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
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SMTPBOT_LOG_TEXT", raising=False)
    observability.set_log_text(None)
    yield
    observability.set_log_text(None)
    oauth.dispose_engines()


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
    observability.register_secrets([SIGNING_SECRET])

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
    observability.set_log_text(False)  # an explicit setting from start-up wins over the environment
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
        f"Sending a request {observability.PAYLOAD_HIDDEN}",
        f"Sending a request {observability.PAYLOAD_HIDDEN}",
        f"Sending a request {observability.PAYLOAD_HIDDEN}",
        f"Unhandled request {observability.PAYLOAD_HIDDEN}",
        "A new session has been established",  # no payload: kept whole
        "ignored, not an alert channel",  # our own loggers never print payloads
    ]
    observability.set_log_text(True)
    assert paste in json.dumps(lines())


def sample(name: str, **labels: str) -> float:
    value = observability.REGISTRY.get_sample_value(name, labels)
    return value or 0.0


def test_metrics_count_requests_answers_findings_and_latency() -> None:
    before = {
        "req": sample("smtpbot_requests_total", kind="event", outcome="ok"),
        "ans": sample("smtpbot_answers_total", mode="passive", action="update"),
        "full": sample("smtpbot_findings_total", reason="mailboxfull"),
        "other": sample("smtpbot_findings_total", reason="other"),
        "lat": sample("smtpbot_request_duration_seconds_count", kind="event"),
    }
    observability.record_request("event")
    observability.record_answer("passive", "update")
    observability.record_findings(["mailboxfull", "mailboxfull", "no-such-reason"])
    with observability.timed("event"):
        pass
    observability.observe_explain_seconds(0.002)

    assert sample("smtpbot_requests_total", kind="event", outcome="ok") == before["req"] + 1
    assert sample("smtpbot_answers_total", mode="passive", action="update") == before["ans"] + 1
    assert sample("smtpbot_findings_total", reason="mailboxfull") == before["full"] + 2
    assert sample("smtpbot_findings_total", reason="other") == before["other"] + 1
    assert sample("smtpbot_request_duration_seconds_count", kind="event") == before["lat"] + 1

    body, content_type = render_metrics()
    assert content_type.startswith("text/plain")
    text = body.decode()
    for name in (
        "smtpbot_requests_total",
        "smtpbot_answers_total",
        "smtpbot_findings_total",
        "smtpbot_request_duration_seconds_bucket",
        "smtpbot_explain_duration_seconds_bucket",
        "smtpbot_slack_api_errors_total",
    ):
        assert name in text, name


def test_label_values_from_outside_are_tamed() -> None:
    observability.record_slack_api_error("chat.postMessage", 'weird error "with" {stuff} ' + "x" * 200)
    body = render_metrics()[0].decode()
    (line,) = [
        ln for ln in body.splitlines() if ln.startswith("smtpbot_slack_api_errors_total{") and "weird" in ln
    ]
    label = line.split('error="', 1)[1].split('"', 1)[0]
    assert len(label) <= 48 and re.fullmatch(r"[a-z0-9_.:-]+", label)


class FailingSlack(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"ok": False, "error": "channel_not_found"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_metered_web_client_counts_slack_api_errors() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FailingSlack)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client_class = observability.metered_web_client_class()
        client = client_class(token="xoxb-test", base_url=f"http://127.0.0.1:{server.server_address[1]}/api/")
        before = sample(
            "smtpbot_slack_api_errors_total", method="chat.postmessage", error="channel_not_found"
        )
        with pytest.raises(SlackApiError):
            client.chat_postMessage(channel="C0NOPE", text="hi")
        after = sample("smtpbot_slack_api_errors_total", method="chat.postmessage", error="channel_not_found")
        assert after == before + 1
    finally:
        server.shutdown()
        server.server_close()


OAUTH = {"SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "client-secret-for-tests"}


def settings_of(**env: str) -> Settings:
    return Settings.from_env(env, dotenv=False)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ready_with_nothing_to_check() -> None:
    assert readiness(settings_of()) == {
        "ready": True,
        "checks": {"installation_store": "not configured", "redis": "not configured"},
    }


def test_ready_when_real_postgres_and_redis_answer() -> None:
    settings = settings_of(
        **OAUTH, DATABASE_URL="postgres://postgres@127.0.0.1:5432/test", REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert readiness(settings) == {"ready": True, "checks": {"installation_store": "ok", "redis": "ok"}}


def test_not_ready_when_redis_or_the_database_does_not_answer() -> None:
    result = readiness(settings_of(REDIS_URL=f"redis://:hunter2hunter2@127.0.0.1:{closed_port()}/0"))
    assert result["ready"] is False
    assert result["checks"]["redis"].startswith("error: ")
    assert "hunter2hunter2" not in json.dumps(result)

    bad_database = f"postgresql://postgres:pw-in-url@127.0.0.1:{closed_port()}/test"
    result = readiness(settings_of(**OAUTH, DATABASE_URL=bad_database))
    assert result["ready"] is False
    assert result["checks"]["installation_store"].startswith("error: ")
    assert "pw-in-url" not in json.dumps(result)
