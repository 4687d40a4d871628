"""Knowledge patterns compiled for RE2, which searches in time linear in the text.

Knowledge patterns are searched in whatever users paste, and an organisation can add its own
(SMTPBOT_KNOWLEDGE_DIR). Python's `re` backtracks: one pattern with nested or overlapping
repeats can take seconds on a few kilobytes and, holding the interpreter lock all that time,
stop every other thread of the bot. RE2 (google-re2) never backtracks, so no pattern it accepts
can do that. It has no look-around and no back-references: a pattern that must see some words
but should count as matching only part of them puts that part in a group named `core`
(`does not like (?P<core>recipient\\.)`), and the matcher ranks and quotes that part alone.

Patterns are searched case-insensitively in a folded text's UTF-8 bytes, which the matcher
encodes once for all the patterns it runs on that text.
"""

from __future__ import annotations

import re2

CORE_GROUP = "core"

_OPTIONS = re2.Options()
_OPTIONS.case_sensitive = False
_OPTIONS.log_errors = False  # a refused pattern is reported by the loader, not on stderr


def compile_error(source: str) -> str | None:
    """Why RE2 refuses `source`; None when it compiles."""
    try:
        re2.compile(source.encode("utf-8", "surrogatepass"), _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "rejected"
        return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    return None


class KnowledgeRegex:
    """One compiled knowledge pattern; `search` gives the text it counts as matching, or None."""

    __slots__ = ("_core", "_regex")

    def __init__(self, source: str) -> None:
        self._regex = re2.compile(source.encode("utf-8", "surrogatepass"), _OPTIONS)
        self._core = self._regex.groupindex.get(CORE_GROUP.encode(), 0)

    def search(self, text: bytes, start: int = 0, end: int | None = None) -> str | None:
        """The first match (its `core` group when the pattern has one) in UTF-8 `text` between
        byte offsets `start` and `end`, or None. The whole text is the match's context: `^` and
        `\\b` see the byte before `start`."""
        found = self._regex.search(text, start, end)
        if found is None:
            return None
        # a `core` group inside an optional part may have matched nothing
        return (found.group(self._core) or found.group(0)).decode("utf-8", "replace")
