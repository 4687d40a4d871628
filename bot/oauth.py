"""Multi-workspace distribution: Bolt's OAuth flow with installations kept in a SQL database.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set, anyone can install the bot into their workspace through
/slack/install; Slack sends them back to /slack/oauth_redirect, Bolt exchanges the code with
oauth.v2.access and slack-sdk's SQLAlchemy stores keep the installation (and the short-lived OAuth state)
in a SQLite file by default or in PostgreSQL when DATABASE_URL is set. Every later event is authorised
with the token stored for its workspace; rotating tokens are refreshed before they expire.

Without the client credentials this module returns None and nothing touches a database: one workspace,
one SLACK_BOT_TOKEN.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .logs import redact
from .settings import Settings
from .slack.scopes import BOT_SCOPES as _SCOPES

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
SQLITE_FILE_NAME = "smtpbot.sqlite3"
# Bolt's default: refresh a rotating token when it has less than this left.
TOKEN_ROTATION_MINUTES_BEFORE_EXPIRY = 120
# How long an install link stays valid between /slack/install and the redirect.
STATE_EXPIRATION_SECONDS = 600

# The bot token scopes an install asks for: the same list as the manifest's (bot/slack/scopes.py).
BOT_SCOPES: tuple[str, ...] = _SCOPES


# ---------------------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------------------


def normalise_database_url(url: str) -> str:
    """A SQLAlchemy URL that uses the psycopg 3 driver for PostgreSQL.

    Heroku and many hosts hand out `postgres://...`, which SQLAlchemy rejects, and a bare `postgresql://`
    would pick psycopg2, which smtpbot does not install.
    """
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url(settings: Settings) -> str:
    """DATABASE_URL (normalised), else a SQLite file in SMTPBOT_DATA_DIR."""
    if settings.database_url:
        return normalise_database_url(settings.database_url)
    return f"sqlite:///{(Path(settings.smtpbot_data_dir) / SQLITE_FILE_NAME).resolve()}"


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def database_engine(url: str) -> Engine:
    """One pooled SQLAlchemy engine per URL for the whole process (the stores and /readyz share it)."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _create_engine(url)
            _engines[url] = engine
        return engine


def _create_engine(url: str) -> Engine:
    parsed = sqlalchemy.engine.make_url(url)
    options: dict[str, Any] = {"pool_pre_ping": True}  # survive a database restart without a bad request
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Bolt answers each request on a worker thread; the SQLite connection must cross threads.
        options["connect_args"] = {"check_same_thread": False, "timeout": 15}
    elif parsed.get_backend_name() == "postgresql":
        # A database that does not answer should fail /readyz quickly, not hang it.
        options["connect_args"] = {"connect_timeout": 5}
    return sqlalchemy.create_engine(url, **options)


def ping_database(url: str) -> None:
    with database_engine(url).connect() as conn:
        conn.execute(sqlalchemy.text("SELECT 1"))


def dispose_engines() -> None:
    """Close every pooled connection (tests, and a clean shutdown)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def _create_tables(create: Callable[[], None], what: str) -> None:
    """Create a store's tables if missing, tolerating another replica doing the same at the same moment.

    Two replicas starting together can both see "no table" and both CREATE; the loser gets an error, and
    on the next attempt the table is there, so checkfirst skips it.
    """
    attempts = 4
    for attempt in range(1, attempts + 1):
        try:
            create()
            return
        except SQLAlchemyError as exc:
            if attempt == attempts:
                raise
            log.warning(
                "creating the %s tables failed, retrying", what, extra={"error": redact(str(exc))[:300]}
            )
            time.sleep(0.2 * attempt)


def build_stores(settings: Settings) -> tuple[SQLAlchemyInstallationStore, SQLAlchemyOAuthStateStore]:
    """The installation store and OAuth state store on the configured database, tables created."""
    client_id = settings.slack_client_id or ""
    engine = database_engine(database_url(settings))
    installation_store = SQLAlchemyInstallationStore(
        client_id=client_id, engine=engine, logger=logging.getLogger("smtpbot.installations")
    )
    state_store = SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_EXPIRATION_SECONDS,
        engine=engine,
        logger=logging.getLogger("smtpbot.oauth_state"),
    )
    _create_tables(installation_store.create_tables, "installation")
    _create_tables(state_store.create_tables, "OAuth state")
    return installation_store, state_store


# ---------------------------------------------------------------------------------------------------------
# Bolt
# ---------------------------------------------------------------------------------------------------------


def build_oauth_settings(
    settings: Settings | None = None, *, client: WebClient | None = None
) -> OAuthSettings | None:
    """Bolt's OAuth settings for `App(oauth_settings=...)`, or None in single-workspace mode.

    `settings` defaults to `Settings.from_env()`. `client` is the WebClient token rotation talks to; by
    default one on SLACK_API_URL, so a stand-in Slack (tests, benchmarks) sees the refresh calls too
    instead of slack.com.
    """
    settings = settings if settings is not None else Settings.from_env()
    if not settings.oauth_enabled:
        return None
    client_id, client_secret = str(settings.slack_client_id), str(settings.slack_client_secret)
    installation_store, state_store = build_stores(settings)
    oauth_settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installation_store,
        state_store=state_store,
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
        token_rotation_expiration_minutes=TOKEN_ROTATION_MINUTES_BEFORE_EXPIRY,
        logger=logging.getLogger("smtpbot.oauth"),
    )
    # OAuthSettings builds its authorizer with a token rotator on the default slack.com client; rebuild it
    # on ours so SLACK_API_URL (and any proxy or retry settings of `client`) apply to refreshes too.
    oauth_settings.authorize = InstallationStoreAuthorize(
        logger=logging.getLogger("smtpbot.authorize"),
        client_id=client_id,
        client_secret=client_secret,
        installation_store=installation_store,
        token_rotation_expiration_minutes=TOKEN_ROTATION_MINUTES_BEFORE_EXPIRY,
        client=client or WebClient(base_url=settings.api_url),
    )
    log.info(
        "multi-workspace mode: installations in %s",
        sqlalchemy.engine.make_url(database_url(settings)).get_backend_name(),
    )
    return oauth_settings
