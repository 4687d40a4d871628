"""Web API and response_url clients: Slack's rate limits and dropped connections are retried here,
so no call site has to remember; and `Clients`, which finds the client for a workspace.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from ..metrics import metered_web_client_class
from ..settings import DEFAULT_SLACK_API_URL, Settings

log = logging.getLogger(__name__)

API_TIMEOUT_SECONDS = 15
# Slack's rate-limit answers say how long to wait (Retry-After); a few waits cover any burst we cause.
RATE_LIMIT_RETRIES = 5
CONNECTION_RETRIES = 3
SERVER_ERROR_RETRIES = 2
# response_url hosts Slack uses; the Web API host (SLACK_API_URL) is trusted as well, for stand-ins.
RESPONSE_URL_HOSTS = ("hooks.slack.com", "slack.com")
MAX_CACHED_CLIENTS = 256

_MeteredWebClient = metered_web_client_class()


class SlackUnreachable(OSError):
    """The Web API did not answer at SLACK_API_URL (refused, dropped, timed out), even after retries.

    Its message says in plain words which address was tried and that SLACK_API_URL sets it, so whoever
    starts the bot knows whether to look at the network or at a mistyped setting.
    """

    def __init__(self, api_url: str, error: OSError) -> None:
        reason = error.reason if isinstance(error, URLError) else error
        why = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
        if api_url == DEFAULT_SLACK_API_URL:
            advice = (
                "Check this machine's network connection and proxy; SLACK_API_URL changes that address, "
                "for a stand-in or a proxy only."
            )
        else:
            advice = f"That address is SLACK_API_URL's: check it, or unset it to use {DEFAULT_SLACK_API_URL}."
        super().__init__(f"Slack did not answer at {api_url} ({why}). {advice}")


def retry_handlers() -> list[RetryHandler]:
    return [
        RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
        ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
    ]


def web_client(token: str | None, api_url: str) -> WebClient:
    """A WebClient on SLACK_API_URL that retries rate-limited calls and connection errors, and counts
    failed calls in the smtpbot_slack_api_errors metric."""
    return _MeteredWebClient(
        token=token,
        base_url=api_url,
        timeout=API_TIMEOUT_SECONDS,
        retry_handlers=retry_handlers(),
        logger=logging.getLogger("smtpbot.slack_api"),
    )


def response_url_allowed(url: str, api_url: str) -> bool:
    """Only post to Slack's own response URLs (and the configured API host): a request that somehow got
    past signature checking must not turn the bot into a proxy for arbitrary URLs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    api_host = (urlsplit(api_url).hostname or "").lower()
    if parts.scheme == "https" and any(host == h or host.endswith("." + h) for h in RESPONSE_URL_HOSTS):
        return True
    return bool(api_host) and host == api_host and parts.scheme in ("http", "https")


def webhook_client(url: str) -> WebhookClient:
    return WebhookClient(url=url, timeout=API_TIMEOUT_SECONDS, retry_handlers=retry_handlers())


class Clients:
    """The Web API client for a workspace: the token its request carried while the job runs (never
    journaled), else the installation's (OAuth) or SLACK_BOT_TOKEN. Clients are kept per token."""

    def __init__(self, settings: Settings, oauth_settings: Any = None) -> None:
        self.settings = settings
        self.oauth_settings = oauth_settings
        self._lock = threading.Lock()
        self._tokens: dict[str, str] = {}  # job id -> the token its request carried
        self._clients: OrderedDict[str, WebClient] = OrderedDict()

    def remember(self, job_id: str, token: str) -> None:
        with self._lock:
            self._tokens[job_id] = token

    def forget(self, job_id: str) -> None:
        with self._lock:
            self._tokens.pop(job_id, None)

    def client_for(
        self, team_id: str | None, enterprise_id: str | None, job_id: str | None = None
    ) -> WebClient | None:
        token = None
        if job_id:
            with self._lock:
                token = self._tokens.get(job_id)
        if token is None:
            token = self._lookup_token(team_id, enterprise_id)
        if token is None:
            return None
        with self._lock:
            client = self._clients.get(token)
            if client is None:
                client = web_client(token, self.settings.api_url)
                self._clients[token] = client
                while len(self._clients) > MAX_CACHED_CLIENTS:
                    self._clients.popitem(last=False)
            else:
                self._clients.move_to_end(token)
            return client

    def _lookup_token(self, team_id: str | None, enterprise_id: str | None) -> str | None:
        if self.oauth_settings is None:
            return self.settings.slack_bot_token
        try:
            from slack_bolt.context import BoltContext

            # Bolt's authorize checks the token with auth.test through the context's client; a bare
            # BoltContext would make one on slack.com, ignoring SLACK_API_URL and our retry handlers.
            context = BoltContext(client=web_client(None, self.settings.api_url))
            result = self.oauth_settings.authorize(
                context=context, enterprise_id=enterprise_id, team_id=team_id, user_id=None
            )
            return result.bot_token if result is not None else None
        except Exception as exc:
            log.warning(
                "no installation found for a workspace", extra={"team": team_id, "error": str(exc)[:200]}
            )
            return None
