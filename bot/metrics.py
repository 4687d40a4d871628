"""What an operator graphs: Prometheus counters and histograms of requests, answers and Slack errors.

Nothing here imports Slack code, so the HTTP server, the Slack handlers and the tests can all use it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
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
