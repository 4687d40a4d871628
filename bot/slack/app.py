"""The app factory: settings in, Bolt app out.

One workspace with SLACK_BOT_TOKEN, or any number through OAuth (SLACK_CLIENT_ID/SECRET): pass
`oauth_settings`, or let bot/oauth.py build them from the settings. Bolt runs with
`process_before_response=True` and our listeners (kinds/) only classify and queue, so the
acknowledgement never waits for the engine or the Web API, and Bolt's own listener pool is never used
for slow work.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_bolt.oauth.oauth_settings import OAuthSettings

from ..engine import Engine
from ..settings import Settings
from ..state import SharedState, build_state
from .channels import resolve_alert_channels
from .clients import SlackUnreachable, web_client
from .kinds import register_all
from .runtime import BotRuntime
from .tunables import Tunables

log = logging.getLogger(__name__)

RUNTIME_ATTRIBUTE = "smtpbot_runtime"


def _oauth_settings(settings: Settings) -> OAuthSettings | None:
    if not settings.oauth_enabled:
        return None
    from ..oauth import build_oauth_settings

    return build_oauth_settings(settings, client=web_client(None, settings.api_url))


def create_app(
    settings: Settings,
    engine: Engine | None = None,
    state: SharedState | None = None,
    *,
    oauth_settings: OAuthSettings | None = None,
    tunables: Tunables | None = None,
) -> App:
    """A ready Bolt app; `runtime_of(app)` gives its runtime (to stop it, or to wait for it in tests).

    Calls auth.test (single workspace) and resolves `#name` alert channels, so it raises on a bad token
    (slack_sdk's SlackApiError), no answer from SLACK_API_URL (SlackUnreachable) or unresolvable channels
    (ChannelResolutionError).
    """
    engine = engine or Engine.load(settings.smtpbot_knowledge_dir)
    for problem in engine.kb.problems:
        log.warning("knowledge problem", extra={"problem": str(problem)})
    state = state or build_state(settings.redis_url)
    if oauth_settings is None:
        oauth_settings = _oauth_settings(settings)

    bolt_kwargs: dict[str, Any] = {
        "name": "smtpbot",
        "signing_secret": settings.slack_signing_secret or "",
        "process_before_response": True,
        "logger": logging.getLogger("smtpbot.bolt"),
    }
    if oauth_settings is not None:
        client = web_client(None, settings.api_url)
        bolt_kwargs.update(client=client, oauth_settings=oauth_settings)
    else:
        client = web_client(settings.slack_bot_token, settings.api_url)
        bolt_kwargs.update(client=client)  # Bolt takes the token from the client
    bolt_logger = bolt_kwargs["logger"]
    level = bolt_logger.level
    # Bolt also reads SLACK_BOT_TOKEN from the environment and warns that the client's token wins; it
    # is the same token, so that warning would only confuse whoever reads the start-up log.
    bolt_logger.setLevel(logging.ERROR)
    try:
        app = App(**bolt_kwargs)  # calls auth.test with a bot token
    except OSError as exc:  # URLError, a reset or a timeout: nothing answered at SLACK_API_URL
        raise SlackUnreachable(settings.api_url, exc) from exc
    finally:
        bolt_logger.setLevel(level)

    alert_channels = resolve_alert_channels(
        settings.alert_channel_ids, settings.alert_channel_names, client if oauth_settings is None else None
    )
    runtime = BotRuntime(
        settings,
        engine,
        state,
        alert_channels=alert_channels,
        tunables=tunables,
        oauth_settings=oauth_settings,
    )
    register_all(app, runtime)

    @app.error
    def on_error(error: Exception, body: dict) -> None:
        log.error(
            "listener error",
            exc_info=error,
            extra={"type": body.get("type") if isinstance(body, dict) else None},
        )

    setattr(app, RUNTIME_ATTRIBUTE, runtime)
    log.info(
        "app ready",
        extra={
            "workspaces": "many (OAuth)" if oauth_settings is not None else "one",
            "alert_channels": sorted(alert_channels),
            "state": state.name,
        },
    )
    return app


def runtime_of(app: App) -> BotRuntime:
    return getattr(app, RUNTIME_ATTRIBUTE)
