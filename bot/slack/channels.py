"""Alert channels: IDs as configured, `#names` resolved once at start-up.

Channel IDs need no extra permission and are the recommended form. Resolving `#names` lists the
workspace's channels with conversations.list, which needs a scope the app does not otherwise use:
channels:read for public channels (and groups:read to find private ones). The manifest leaves both out;
whoever lists names adds them, and start-up says so plainly when they are missing.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

MAX_PAGES = 50
PUBLIC_SCOPE = "channels:read"
PRIVATE_SCOPE = "groups:read"
NAME_SCOPES = (PUBLIC_SCOPE, PRIVATE_SCOPE)


class ChannelResolutionError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _error(exc: SlackApiError) -> tuple[str, str]:
    response = exc.response
    if response is None:
        return str(exc), ""
    return str(response.get("error") or exc), str(response.get("needed") or "")


def _list_channels(client: WebClient, types: str, wanted: dict[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    cursor = None
    for _ in range(MAX_PAGES):
        page = client.conversations_list(types=types, exclude_archived=True, limit=1000, cursor=cursor)
        for channel in page.get("channels") or ():
            name = str(channel.get("name", "")).lower()
            if name in wanted:
                found[name] = channel["id"]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor or len(found) == len(wanted):
            break
    return found


def resolve_alert_channels(
    ids: frozenset[str], names: tuple[str, ...], client: WebClient | None
) -> frozenset[str]:
    """All alert channel IDs; raises ChannelResolutionError naming every name that could not be found."""
    if not names:
        return ids
    listed = ", ".join(names)
    if client is None:
        raise ChannelResolutionError(
            [
                f"SMTPBOT_ALERT_CHANNELS: {listed}: #names can only be resolved with SLACK_BOT_TOKEN (one "
                "workspace); use channel IDs (channel details > About, C0123ABCD)."
            ]
        )
    log.info(
        "resolving alert channel names; this needs the extra %s scope (%s for private channels)",
        PUBLIC_SCOPE,
        PRIVATE_SCOPE,
        extra={"names": list(names)},
    )
    wanted = {n.lstrip("#").lower(): n for n in names}
    private_listed = True
    try:
        try:
            found = _list_channels(client, "public_channel,private_channel", wanted)
        except SlackApiError as exc:
            error, needed = _error(exc)
            if error != "missing_scope" or PUBLIC_SCOPE in needed.split(","):
                raise
            # granted channels:read but not groups:read: public channels can still be found
            private_listed = False
            found = _list_channels(client, "public_channel", wanted)
    except SlackApiError as exc:
        error, _ = _error(exc)
        if error == "missing_scope":
            raise ChannelResolutionError(
                [
                    f"SMTPBOT_ALERT_CHANNELS: resolving {listed} needs the {PUBLIC_SCOPE} scope (and "
                    f"{PRIVATE_SCOPE} for private channels), which the app manifest does not ask for. Either "
                    "add it under OAuth & Permissions > Bot Token Scopes and reinstall the app, or list "
                    "channel IDs instead (channel details > About, C0123ABCD), which need no extra scope."
                ]
            ) from exc
        raise ChannelResolutionError(
            [f"SMTPBOT_ALERT_CHANNELS: could not list channels to resolve {listed}: {error}."]
        ) from exc
    missing = [original for key, original in wanted.items() if key not in found]
    if missing:
        if private_listed:
            hint = "a private channel is only found once the bot is invited to it"
        else:
            hint = (
                f"private channels are not listed without the {PRIVATE_SCOPE} scope (add it and reinstall "
                "the app)"
            )
        raise ChannelResolutionError(
            [
                f"SMTPBOT_ALERT_CHANNELS: no channel named {name} ({hint}); or use the channel ID instead."
                for name in missing
            ]
        )
    log.info("alert channels resolved", extra={"channels": {wanted[k]: v for k, v in found.items()}})
    return ids | frozenset(found.values())
