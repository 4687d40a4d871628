"""Questions about how mail works: the entries marked `explicit_only` (knowledge/concepts, clients).

They answer someone who asks the bot ("what is greylisting", "hard bounce vs soft bounce?",
"Outlook error 0x800CCC0E"), never a bounce: their words ("SPF", "port 587", "mailer-daemon")
turn up in ordinary bounces and chat, where they name no failure. So they live in a matcher of
their own, which the engine consults only for a short free text asked in explicit mode that
carries no SMTP code and in which nothing else found a failure to explain. Passive mode, bounce
records and pasted bounces that explain themselves never reach it.
"""

from __future__ import annotations

from .incident import Incident
from .matcher import Match, Matcher
from .records import TYPE_CHECKING
from .text import fold

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from .model import Entry, Finding

MAX_QUESTION_CHARS = 400


class Questions:
    """The explicit-only entries, matched by their phrases and patterns, then fuzzily."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.matcher = Matcher([e for e in entries if e.explicit_only])

    def answer(self, text: str) -> list[Match]:
        """Entries that answer the question, best first; empty when nothing fits."""
        folded = fold(text)
        if not folded or len(folded) > MAX_QUESTION_CHARS:
            return []
        hits = self.matcher.phrase_hits(folded)
        exact = self.matcher.phrase_matches(set(), None, hits) if hits else []
        # "dmarc aligment": the exact "dmarc" loses to the near "dmarc alignment", which
        # explains more of the question
        longest = max((len(m.matched) for m in exact), default=0)
        nearer = [m for m in self.matcher.fuzzy_matches(folded) if len(m.matched) > longest]
        return nearer + exact

    def findings(
        self, text: str, make_finding: Callable[[Incident, Match, str | None], Finding]
    ) -> list[Finding]:
        """The best answer as a finding (made by the engine's `make_finding`), or none."""
        matches = self.answer(text)
        return [make_finding(Incident(text.strip(), "text"), matches[0], None)] if matches else []
