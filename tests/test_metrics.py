"""Metrics count what happened, with label values from outside kept short and tame."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.metrics import render_metrics


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # the metered client talks to a loopback server; a proxy from the environment must not catch it
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def sample(name: str, **labels: str) -> float:
    value = metrics.REGISTRY.get_sample_value(name, labels)
    return value or 0.0


def test_metrics_count_requests_answers_findings_and_latency() -> None:
    before = {
        "req": sample("smtpbot_requests_total", kind="event", outcome="ok"),
        "ans": sample("smtpbot_answers_total", mode="passive", action="update"),
        "full": sample("smtpbot_findings_total", reason="mailboxfull"),
        "other": sample("smtpbot_findings_total", reason="other"),
        "lat": sample("smtpbot_request_duration_seconds_count", kind="event"),
    }
    metrics.record_request("event")
    metrics.record_answer("passive", "update")
    metrics.record_findings(["mailboxfull", "mailboxfull", "no-such-reason"])
    with metrics.timed("event"):
        pass
    metrics.observe_explain_seconds(0.002)

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
    metrics.record_slack_api_error("chat.postMessage", 'weird error "with" {stuff} ' + "x" * 200)
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
        client_class = metrics.metered_web_client_class()
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
