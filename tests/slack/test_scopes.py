"""The manifest asks for exactly the scopes and events the code uses: read from the code itself.

Every Web API method the Slack layer calls (found in the source, not listed by hand) must be in
bot/slack/scopes.py with its scope, every event a listener handles must be subscribed, and the manifest,
the OAuth install and the stand-in's granted scopes must all equal that one list.
"""

from __future__ import annotations

import ast

import yaml
from repo_paths import REPO
from slack_sdk import WebClient
from slack_standin.server import DEFAULT_SCOPES

from bot import oauth
from bot.slack import scopes

# The Slack layer and what it uses; the engine has no Slack imports.
SLACK_CODE = [*(REPO / "bot" / "slack").rglob("*.py"), REPO / "bot" / "oauth.py"]
# WebClient methods that are not Web API methods of their own.
NOT_API_METHODS = {"api_call", "headers", "base_url", "token", "timeout"}


def manifest() -> dict:
    return yaml.safe_load((REPO / "deploy" / "slack-manifest.yml").read_text(encoding="utf-8"))


def api_methods_called() -> set[str]:
    """`client.chat_postMessage(...)` anywhere in the Slack layer -> {"chat.postMessage"}."""
    api = {name for name in dir(WebClient) if not name.startswith("_") and "_" in name} - NOT_API_METHODS
    called = set()
    for path in SLACK_CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in api:
                called.add(node.func.attr.replace("_", "."))
    return called


def events_handled() -> set[str]:
    """`@app.event("app_mention")` in the listeners -> {"app_mention"} (catch-alls use a pattern)."""
    handled = set()
    for path in (REPO / "bot" / "slack" / "kinds").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "event"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                handled.add(node.args[0].value)
    return handled


def test_every_web_api_method_the_code_calls_has_its_scope_listed() -> None:
    called = api_methods_called()
    assert "chat.postMessage" in called and "chat.update" in called  # the scan finds real calls
    required = set(scopes.METHOD_SCOPES)
    optional = set(scopes.OPTIONAL_METHOD_SCOPES)
    assert called - optional == required, "a method without its scope, or a scope for a method not used"
    assert optional <= called


def test_every_event_handled_is_subscribed_and_nothing_else() -> None:
    subscribed = set(manifest()["settings"]["event_subscriptions"]["bot_events"])
    assert subscribed == set(scopes.BOT_EVENTS)
    # message.channels / .groups / .im all arrive as the `message` event
    assert {e.split(".", 1)[0] for e in subscribed} == events_handled()


def test_the_manifest_the_install_and_the_stand_in_ask_for_exactly_the_scopes_used() -> None:
    granted = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert granted == set(scopes.BOT_SCOPES)
    assert set(oauth.BOT_SCOPES) == set(scopes.BOT_SCOPES)
    assert set(DEFAULT_SCOPES) == set(scopes.BOT_SCOPES)
    # the extra scopes for #names are documented, not granted
    for extra in scopes.OPTIONAL_METHOD_SCOPES["conversations.list"]:
        assert extra not in granted
        assert extra in (REPO / "deploy" / "slack-manifest.yml").read_text(encoding="utf-8")
    assert "user" not in manifest()["oauth_config"]["scopes"]  # no user token, no user scopes


def test_the_manifest_declares_the_command_and_shortcut_the_listeners_handle() -> None:
    from bot.slack.kinds.command import COMMAND
    from bot.slack.kinds.shortcut import EXPLAIN_SHORTCUT

    features = manifest()["features"]
    assert [c["command"] for c in features["slash_commands"]] == [COMMAND]
    assert [(s["type"], s["callback_id"]) for s in features["shortcuts"]] == [("message", EXPLAIN_SHORTCUT)]
    assert "commands" in scopes.BOT_SCOPES
