"""Questions about how mail works: the entries marked `explicit_only` (knowledge/concepts, clients).

They answer someone who asks the bot ("what is greylisting", "hard bounce vs soft bounce?",
"Outlook error 0x800CCC0E"), never a bounce: their words ("SPF", "port 587") turn up in ordinary
bounces and chat, where they name no failure. So they live in a matcher of their own, which the
engine consults only for free text asked in explicit mode that carries no SMTP code and whose
words no failure entry knows. Passive mode and bounce records never reach it.
"""

from __future__ import annotations

from .matcher import Match, Matcher
from .records import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .model import Entry


class Questions:
    """The explicit-only entries, matched by their phrases and patterns, then fuzzily."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.matcher = Matcher([e for e in entries if e.explicit_only])

    def answer(self, folded: str) -> list[Match]:
        """Best first; `folded` is the question as text.fold gives it. Empty when nothing fits."""
        if not folded:
            return []
        hits = self.matcher.phrase_hits(folded)
        if hits:
            return self.matcher.phrase_matches(set(), None, hits)
        return self.matcher.fuzzy_matches(folded)
