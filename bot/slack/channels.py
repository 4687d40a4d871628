"""Alert channels: IDs as configured, `#names` resolved once at start-up.

Resolving names needs the channels:read scope (groups:read for private channels) and one workspace's
token, so IDs are the recommended form.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

MAX_PAGES = 50


class ChannelResolutionError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def resolve_alert_channels(
    ids: frozenset[str], names: tuple[str, ...], client: WebClient | None
) -> frozenset[str]:
    """All alert channel IDs; raises ChannelResolutionError naming every name that could not be found."""
    if not names:
        return ids
    if client is None:
        raise ChannelResolutionError(
            [
                f"SMTPBOT_ALERT_CHANNELS: {', '.join(names)}: names need SLACK_BOT_TOKEN to be resolved; "
                "use channel IDs."
            ]
        )
    wanted = {n.lstrip("#").lower(): n for n in names}
    found: dict[str, str] = {}
    cursor = None
    try:
        for _ in range(MAX_PAGES):
            page = client.conversations_list(
                types="public_channel,private_channel", exclude_archived=True, limit=1000, cursor=cursor
            )
            for channel in page.get("channels") or ():
                name = str(channel.get("name", "")).lower()
                if name in wanted:
                    found[name] = channel["id"]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor or len(found) == len(wanted):
                break
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else str(exc)
        if error == "missing_scope":
            raise ChannelResolutionError(
                [
                    f"SMTPBOT_ALERT_CHANNELS: resolving {', '.join(names)} needs the channels:read scope "
                    "(and groups:read for private channels). Add it under OAuth & Permissions and reinstall "
                    "the app, or list channel IDs instead (channel details > About, C0123ABCD)."
                ]
            ) from exc
        raise ChannelResolutionError(
            [f"SMTPBOT_ALERT_CHANNELS: could not list channels to resolve {', '.join(names)}: {error}."]
        ) from exc
    missing = [original for key, original in wanted.items() if key not in found]
    if missing:
        raise ChannelResolutionError(
            [
                f"SMTPBOT_ALERT_CHANNELS: no channel named {name} (a private channel is only visible once "
                "the bot is invited, and needs groups:read); use the channel ID instead."
                for name in missing
            ]
        )
    log.info("alert channels resolved", extra={"channels": {wanted[k]: v for k, v in found.items()}})
    return ids | frozenset(found.values())
