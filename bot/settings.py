"""The one place smtpbot reads its configuration: the environment, then `.env` in the working directory.

`Settings.from_env()` never raises: a malformed value is kept as a problem and reported, with every other
problem, by `validate_for_serve()`, so `smtpbot serve` can stop with one message that names them all.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
DEFAULT_FLOOD_WINDOW = 600
DEFAULT_DATA_DIR = "./data"
DOTENV_FILE = ".env"  # relative: the working directory's
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# Every name this module reads; .env.example and the README list the same ones.
ENV_NAMES: tuple[str, ...] = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_API_URL",
    "SMTPBOT_ALERT_CHANNELS",
    "SMTPBOT_SHOW_ADDRESSES",
    "SMTPBOT_FLOOD_WINDOW",
    "SMTPBOT_KNOWLEDGE_DIR",
    "SMTPBOT_CACHE_DIR",
    "SMTPBOT_LOG_TEXT",
    "SMTPBOT_LOG_LEVEL",
    "DATABASE_URL",
    "REDIS_URL",
    "PORT",
    "SMTPBOT_DATA_DIR",
    "SMTPBOT_DNS_SERVERS",
    "SMTPBOT_DNSBL_ZONES",
    "SMTPBOT_SPAMHAUS_DQS_KEY",
    "SMTPBOT_DIAGNOSE",
)
DIAGNOSE_MODES = ("off", "dns", "dns+dnsbl", "probe")

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
# Public channels C..., private channels G... (older) or C..., shared/DM D... are never alert channels
# in practice but harmless; IDs are upper-case letters and digits.
CHANNEL_ID_RE = re.compile(r"^[CGD][A-Z0-9]{6,}$")
CHANNEL_NAME_RE = re.compile(r"^#[a-z0-9][a-z0-9._-]{0,79}$")
SIGNING_SECRET_RE = re.compile(r"^[A-Za-z0-9]{16,}$")
# Added when HTTP mode was chosen only because SLACK_APP_TOKEN is unset: the other way to connect.
SOCKET_MODE_INSTEAD = (
    " Or use Socket Mode (no public URL needed): set SLACK_APP_TOKEN to an app-level token (xapp-...) "
    "with the connections:write scope (Basic Information > App-Level Tokens) instead."
)


@dataclass(frozen=True, slots=True)
class Settings:
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    # channel IDs as given; `#names` stay here until the runner resolves them at start-up
    smtpbot_alert_channels: tuple[str, ...] = ()
    smtpbot_show_addresses: bool = False
    smtpbot_flood_window: int = DEFAULT_FLOOD_WINDOW
    smtpbot_knowledge_dir: str | None = None
    smtpbot_log_text: bool = False
    smtpbot_log_level: str = "INFO"
    database_url: str | None = None
    redis_url: str | None = None
    port: int | None = None  # None: not set (HTTP mode then uses 3000; Socket Mode runs no health server)
    smtpbot_data_dir: str = DEFAULT_DATA_DIR
    # live diagnosis (bot/diagnose): DNS servers as (ip, port), none for the system resolver
    smtpbot_dns_servers: tuple[tuple[str, int], ...] = ()
    smtpbot_dnsbl_zones: tuple[str, ...] = ()
    smtpbot_spamhaus_dqs_key: str | None = None
    smtpbot_diagnose: str = "dns"
    # values that could not be read, one message each; reported by validate_for_serve()
    problems: tuple[str, ...] = field(default=(), compare=False)

    # --- reading ------------------------------------------------------------------------------

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, dotenv: bool = True) -> Settings:
        """Settings from `environ` (default os.environ), with `.env` filling in what it lacks."""
        values: dict[str, str] = {}
        if dotenv:
            values.update(_read_dotenv())
        values.update(os.environ if environ is None else environ)
        problems: list[str] = []

        def text(name: str) -> str | None:
            value = values.get(name)
            if value is None:
                return None
            value = value.strip()
            return value or None

        def flag(name: str) -> bool:
            value = (text(name) or "").lower()
            if value in _TRUE:
                return True
            if value not in _FALSE:
                problems.append(f"{name}={values[name]!r} is not a yes/no value: set it to true or false.")
            return False

        def integer(name: str, default: int | None, low: int, high: int) -> int | None:
            raw = text(name)
            if raw is None:
                return default
            try:
                number = int(raw)
            except ValueError:
                problems.append(
                    f"{name}={raw!r} is not a whole number: set it to a number from {low} to {high}."
                )
                return default
            if not low <= number <= high:
                problems.append(f"{name}={number} is out of range: set it to a number from {low} to {high}.")
                return default
            return number

        level = (text("SMTPBOT_LOG_LEVEL") or "INFO").upper()
        if level not in LOG_LEVELS:
            problems.append(
                f"SMTPBOT_LOG_LEVEL={level!r} is not a log level: use one of {', '.join(LOG_LEVELS)}."
            )
            level = "INFO"
        channels = tuple(c.strip() for c in (text("SMTPBOT_ALERT_CHANNELS") or "").split(",") if c.strip())
        diagnose = (text("SMTPBOT_DIAGNOSE") or "dns").lower()
        if diagnose not in DIAGNOSE_MODES:
            problems.append(
                f"SMTPBOT_DIAGNOSE={diagnose!r} is not a mode: use one of {', '.join(DIAGNOSE_MODES)}."
            )
            diagnose = "dns"
        try:
            dns_servers = dns_server_list(text("SMTPBOT_DNS_SERVERS") or "")
        except ValueError as exc:
            problems.append(f"SMTPBOT_DNS_SERVERS: {exc}: use comma-separated ip[:port], e.g. 127.0.0.1:53.")
            dns_servers = ()
        zones = tuple(
            z.strip().rstrip(".") for z in (text("SMTPBOT_DNSBL_ZONES") or "").split(",") if z.strip()
        )
        return cls(
            slack_bot_token=text("SLACK_BOT_TOKEN"),
            slack_signing_secret=text("SLACK_SIGNING_SECRET"),
            slack_app_token=text("SLACK_APP_TOKEN"),
            slack_client_id=text("SLACK_CLIENT_ID"),
            slack_client_secret=text("SLACK_CLIENT_SECRET"),
            slack_api_url=text("SLACK_API_URL") or DEFAULT_SLACK_API_URL,
            smtpbot_alert_channels=channels,
            smtpbot_show_addresses=flag("SMTPBOT_SHOW_ADDRESSES"),
            smtpbot_flood_window=integer("SMTPBOT_FLOOD_WINDOW", DEFAULT_FLOOD_WINDOW, 1, 7 * 24 * 3600)
            or DEFAULT_FLOOD_WINDOW,
            smtpbot_knowledge_dir=text("SMTPBOT_KNOWLEDGE_DIR"),
            smtpbot_log_text=flag("SMTPBOT_LOG_TEXT"),
            smtpbot_log_level=level,
            database_url=text("DATABASE_URL"),
            redis_url=text("REDIS_URL"),
            port=integer("PORT", None, 1, 65535),
            smtpbot_data_dir=text("SMTPBOT_DATA_DIR") or DEFAULT_DATA_DIR,
            smtpbot_dns_servers=dns_servers,
            smtpbot_dnsbl_zones=zones,
            smtpbot_spamhaus_dqs_key=text("SMTPBOT_SPAMHAUS_DQS_KEY"),
            smtpbot_diagnose=diagnose,
            problems=tuple(problems),
        )

    # --- derived values -----------------------------------------------------------------------

    @property
    def http_port(self) -> int:
        return self.port if self.port is not None else DEFAULT_PORT

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def socket_mode_available(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def api_url(self) -> str:
        """SLACK_API_URL with the trailing slash slack-sdk expects."""
        return self.slack_api_url if self.slack_api_url.endswith("/") else self.slack_api_url + "/"

    @property
    def alert_channel_ids(self) -> frozenset[str]:
        return frozenset(c for c in self.smtpbot_alert_channels if not c.startswith("#"))

    @property
    def alert_channel_names(self) -> tuple[str, ...]:
        return tuple(c for c in self.smtpbot_alert_channels if c.startswith("#"))

    def secrets(self) -> tuple[str, ...]:
        """Values no log line may show."""
        return tuple(
            s
            for s in (
                self.slack_bot_token,
                self.slack_signing_secret,
                self.slack_app_token,
                self.slack_client_secret,
                self.smtpbot_spamhaus_dqs_key,
            )
            if s
        )

    # --- checking -----------------------------------------------------------------------------

    def validate_for_serve(self, http: bool | None = None) -> list[str]:
        """Every reason `smtpbot serve` cannot start, each naming the variable and how to fix it.

        `http`: True for HTTP mode, False for Socket Mode, None to decide as `serve` does (Socket Mode when
        SLACK_APP_TOKEN is set). Left to decide, a missing signing secret names both ways to connect.
        """
        problems = list(self.problems)
        socket_mode = self.socket_mode_available if http is None else not http
        if self.oauth_enabled:
            if socket_mode:
                problems.append(
                    "SLACK_CLIENT_ID/SLACK_CLIENT_SECRET (installing into many workspaces) need HTTP mode: "
                    "run `smtpbot serve --http`, or unset them and use SLACK_BOT_TOKEN for one workspace."
                )
        elif bool(self.slack_client_id) != bool(self.slack_client_secret):
            missing = "SLACK_CLIENT_SECRET" if self.slack_client_id else "SLACK_CLIENT_ID"
            problems.append(
                f"{missing} is missing: set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                "(Basic Information > App Credentials), or neither."
            )
        if not self.slack_bot_token and not self.oauth_enabled:
            problems.append(
                "SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-...) from OAuth & "
                "Permissions after installing the app (or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)."
            )
        elif self.slack_bot_token and not self.slack_bot_token.startswith("xoxb-"):
            problems.append(
                "SLACK_BOT_TOKEN does not start with xoxb-: use the Bot User OAuth Token, not a user "
                "(xoxp-) or app-level (xapp-) token."
            )
        if socket_mode:
            if not self.slack_app_token:
                problems.append(
                    "SLACK_APP_TOKEN is missing: Socket Mode needs an app-level token (xapp-...) with the "
                    "connections:write scope (Basic Information > App-Level Tokens), or run with --http."
                )
            elif not self.slack_app_token.startswith("xapp-"):
                problems.append(
                    "SLACK_APP_TOKEN does not start with xapp-: generate an app-level token with the "
                    "connections:write scope under Basic Information > App-Level Tokens."
                )
        else:
            if not self.slack_signing_secret:
                problems.append(
                    "SLACK_SIGNING_SECRET is missing: HTTP mode checks every request with it; copy it from "
                    "Basic Information > App Credentials > Signing Secret."
                    + ("" if http else SOCKET_MODE_INSTEAD)
                )
            elif not SIGNING_SECRET_RE.match(self.slack_signing_secret):
                problems.append(
                    "SLACK_SIGNING_SECRET does not look like a signing secret (letters and digits, usually "
                    "32 hex characters): copy it again from Basic Information > App Credentials."
                )
        url = urlsplit(self.slack_api_url)
        if url.scheme not in ("http", "https") or not url.netloc:
            problems.append(
                f"SLACK_API_URL={self.slack_api_url!r} is not an http(s) URL: leave it unset for "
                f"{DEFAULT_SLACK_API_URL}."
            )
        for channel in self.smtpbot_alert_channels:
            if CHANNEL_ID_RE.match(channel):
                continue
            if CHANNEL_NAME_RE.match(channel):
                if self.oauth_enabled:
                    problems.append(
                        f"SMTPBOT_ALERT_CHANNELS: {channel} is a name, but names can only be resolved for "
                        "one workspace: use the channel ID (channel details > About, C0123ABCD)."
                    )
                continue
            problems.append(
                f"SMTPBOT_ALERT_CHANNELS: {channel!r} is neither a channel ID (C0123ABCD) nor a #name: "
                "use comma-separated channel IDs."
            )
        if self.redis_url and urlsplit(self.redis_url).scheme not in ("redis", "rediss", "unix"):
            problems.append(
                "REDIS_URL must start with redis://, rediss:// or unix:// (for example "
                "redis://localhost:6379/0)."
            )
        if self.database_url and "://" not in self.database_url:
            problems.append(
                "DATABASE_URL is not a database URL: use postgresql://user:password@host:5432/dbname, or "
                "unset it for a SQLite file in SMTPBOT_DATA_DIR."
            )
        if self.smtpbot_knowledge_dir and not Path(self.smtpbot_knowledge_dir).is_dir():
            problems.append(
                f"SMTPBOT_KNOWLEDGE_DIR={self.smtpbot_knowledge_dir!r} is not a folder: point it at a folder "
                "of .toml knowledge files, or unset it."
            )
        return problems


def dns_server_list(text: str) -> tuple[tuple[str, int], ...]:
    """`ip[:port]` items, comma-separated; an IPv6 address with a port is written `[ip]:port`."""
    servers = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        host, port = item, "53"
        if item.startswith("["):
            host, _, rest = item[1:].partition("]")
            port = rest.removeprefix(":") or "53"
        elif item.count(":") == 1:
            host, port = item.split(":")
        try:
            servers.append((str(ipaddress.ip_address(host)), int(port)))
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address with an optional port") from None
        if not 0 < servers[-1][1] < 65536:
            raise ValueError(f"{item!r} has a port out of range")
    return tuple(servers)


def _read_dotenv() -> dict[str, str]:
    """`.env` in the working directory only, without touching os.environ.

    `smtpbot start` and `smtpbot serve` both read settings here, so both find the same file: the one
    beside where they run, never one found next to the installed code or in a parent folder.
    """
    if not os.path.isfile(DOTENV_FILE):
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(DOTENV_FILE).items() if v is not None}
