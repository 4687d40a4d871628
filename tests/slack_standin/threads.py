"""The messages the stand-in has been sent, by thread, so it can answer `conversations.replies` as Slack
does: the thread's parent first (when the bot posted it), then the replies in order, each with the
`metadata` it was posted with when asked for `include_all_metadata`."""

from __future__ import annotations

import threading
from typing import Any


class Threads:
    def __init__(self, bot_id: str, bot_user_id: str) -> None:
        self.bot_id = bot_id
        self.bot_user_id = bot_user_id
        self._lock = threading.Lock()
        self._messages: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (channel, thread ts) -> messages

    def posted(self, params: dict[str, Any], ts: str) -> None:
        """Remember a chat.postMessage the bot made."""
        channel = str(params.get("channel"))
        root = str(params.get("thread_ts") or ts)
        message: dict[str, Any] = {
            "type": "message",
            "ts": ts,
            "thread_ts": root,
            "text": params.get("text", ""),
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
        }
        metadata = params.get("metadata")
        if isinstance(metadata, dict):
            message["metadata"] = metadata
        with self._lock:
            self._messages.setdefault((channel, root), []).append(message)

    def replies(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel")), str(params.get("ts"))
        with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        with self._lock:
            messages = [dict(m) for m in self._messages.get((channel, ts), [])]
        if not with_metadata:
            for message in messages:
                message.pop("metadata", None)
        if not messages or messages[0]["ts"] != ts:  # the parent was someone else's message
            messages.insert(
                0, {"type": "message", "ts": ts, "user": "U0HUMAN01", "text": "", "thread_ts": ts}
            )
        return {"ok": True, "messages": messages, "has_more": False}
