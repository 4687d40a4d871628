"""The Slack permissions the app uses, and why: the one list the manifest and the OAuth install follow.

`deploy/slack-manifest.yml` asks for exactly `BOT_SCOPES` and subscribes to exactly `BOT_EVENTS`;
bot/oauth.py requests `BOT_SCOPES` at install. tests/slack/test_scopes.py reads the code for every Web API
method it calls and every event it listens to, and checks them against these tables, so a scope cannot be
added without a use or a use without its scope.
"""

from __future__ import annotations

# Web API methods the bot calls with its bot token -> the scope each needs (None: none needed).
METHOD_SCOPES: dict[str, str | None] = {
    "chat.postMessage": "chat:write",  # answers in threads
    "chat.update": "chat:write",  # flood-control counts on an earlier answer
    "views.publish": None,  # the App Home tab
    # a job taken over from a dead replica looks for its answer in the thread before posting again;
    # in private channels and DMs the same call uses groups:history and im:history, granted for events
    "conversations.replies": "channels:history",
}

# Events the app subscribes to -> the scope each needs.
EVENT_SCOPES: dict[str, str | None] = {
    "app_mention": "app_mentions:read",  # @smtpbot in channels
    "message.channels": "channels:history",  # alert channels (public)
    "message.groups": "groups:history",  # alert channels (private)
    "message.im": "im:history",  # direct messages to the bot
    "app_home_opened": None,
}

# Features declared in the manifest -> their scope.
FEATURE_SCOPES: dict[str, str] = {
    "slash command /smtp": "commands",
    "message shortcut": "commands",
}

BOT_EVENTS: tuple[str, ...] = tuple(sorted(EVENT_SCOPES))
BOT_SCOPES: tuple[str, ...] = tuple(
    sorted(
        {s for s in METHOD_SCOPES.values() if s}
        | {s for s in EVENT_SCOPES.values() if s}
        | set(FEATURE_SCOPES.values())
    )
)

# Only for `#names` in SMTPBOT_ALERT_CHANNELS (conversations.list at start-up, one workspace): not in the
# manifest; whoever uses names adds them (see bot/slack/channels.py).
OPTIONAL_METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "conversations.list": ("channels:read", "groups:read"),
}

# Socket Mode's app-level token (xapp-...), not a bot scope.
APP_TOKEN_SCOPE = "connections:write"
