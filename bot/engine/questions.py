"""Questions about how mail works: the entries marked `explicit_only` (knowledge/concepts, clients).

They answer someone who asks the bot ("what is greylisting", "hard bounce vs soft bounce?",
"Outlook error 0x800CCC0E"), never a bounce: their words ("SPF", "port 587", "mailer-daemon")
turn up in ordinary bounces and chat, where they name no failure. So they live in a matcher of
their own, which the engine consults only for a short free text asked in explicit mode.

The rule, in full: an explicit-only entry answers such a text when nothing else found a failure
to explain in it, or when the text is asked as a question ("what is ...", "...?", or just a term
of a few words), carries no code, and the entry's words cover at least as much of it as the
failure entry's did (a near, fuzzy match covers nothing). Passive mode, bounce records and
pasted bounces never reach it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .incident import Incident
from .matcher import RANK_PHRASE, Match, Matcher
from .normalize import fold

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from .model import Entry, Finding

MAX_QUESTION_CHARS = 400
MISSPELLING_SLACK = 2  # characters a misspelt question may lack: "aligment" for "alignment"
MAX_TERM_WORDS = 3  # "greylisting", "dmarc alignment": a term on its own asks what it is
ASKED_RE = re.compile(
    r"^\W*(?:what|what's|whats|why|how|is|are|does|do|can|should|which|when|who|explain)\b|\?\W*$", re.I
)
# the words that ask before what is asked about: "what is a "
QUESTION_WORDS_RE = re.compile(
    r"^\W*(?:(?:what|what's|whats|how|why|explain)\b\W*(?:(?:is|are|does|do|an?|the)\b\W*){0,3})?"
)
# A line of chat that asks about a code ("anyone know what 550 5.1.1 means?"): a question mark
# that ends a sentence and a word that asks, anywhere in the line. An alert channel answers the
# failures that are posted, not the questions people ask each other about them.
CHAT_QUESTION_MARK_RE = re.compile(r"\?(?=\s|$)")
ASKING_WORD_RE = re.compile(
    r"\b(?:what|what's|whats|why|how|anyone|anybody|does|do|is|are|can|should|which|who|mean|means"
    # the same asking in the languages a team may chat in: Spanish and Portuguese, French,
    # German, Italian, Dutch ("qué significa ...?", "was bedeutet ...?", "wat betekent ...?")
    r"|qué|que|cómo|como|por qué|significa|alguien|alguém|quoi|pourquoi|comment|signifie"
    r"|quelqu'un|was|warum|wieso|wie|bedeutet|jemand|cosa|perché|qualcuno|wat|waarom|hoe"
    r"|betekent|iemand)\b|¿",
    re.I,
)
MAX_CHAT_QUESTION_CHARS = 300
# A finding matched on this many characters of wording stands on a server's reply quoted in the
# question ("why do we get 550 ... not accepted due to domain's DMARC policy?"), not on the
# question's own words ("slow down").
QUOTED_REPLY_MIN_CHARS = 20
# a number or status that may be a code: such a question is the code entries' to answer
CODE_LIKE_RE = re.compile(r"(?<![\w.])\d{3}(?![\w.])|\b\d\.\d{1,3}\.\d")


class Questions:
    """The explicit-only entries, matched by their phrases and patterns, then fuzzily."""

    def __init__(
        self,
        entries: Iterable[Entry],
        literals: dict[str, tuple[str, ...]] | None = None,
        widths: dict[str, int | None] | None = None,
    ) -> None:
        """`literals` and `widths` are the knowledge base's, worked out when it was loaded (see
        Matcher): passing them saves parsing every pattern again on each start."""
        self.matcher = Matcher([e for e in entries if e.explicit_only], literals, widths)

    def answer(self, text: str) -> list[Match]:
        """Entries that answer the question, best first; empty when nothing fits."""
        if len(text) > 2 * MAX_QUESTION_CHARS:
            return []  # a pasted document, not a question: not worth folding
        folded = fold(text)
        if not folded or len(folded) > MAX_QUESTION_CHARS:
            return []
        hits = self.matcher.phrase_hits(folded)
        exact = self.matcher.phrase_matches(set(), None, hits) if hits else []
        # "dmarc aligment": the exact "dmarc" loses to the near "dmarc alignment", which
        # explains more of the question. A near phrase longer than the question itself is no
        # misspelling of it, only a phrase that contains it ("spf" in "forwarding breaks spf").
        subject = QUESTION_WORDS_RE.sub("", folded, count=1).rstrip(" ?!.") or folded
        longest = max((len(m.matched) for m in exact), default=0)
        if longest >= len(subject):
            return exact
        nearer = [
            m
            for m in self.matcher.fuzzy_matches(subject)
            if longest < len(m.matched) <= len(subject) + MISSPELLING_SLACK
        ]
        return nearer + exact

    def findings(
        self,
        text: str,
        found: list[Finding],
        make_finding: Callable[[Incident, Match, str | None], Finding],
    ) -> list[Finding]:
        """`found` (the failures the engine found in `text`), or the answer to the question
        instead, made into a finding by the engine's `make_finding` (see the rule above)."""
        if found and not (_asked(text) and not CODE_LIKE_RE.search(text)):
            return found  # a failure explained, and no question about how mail works
        matches = self.answer(text)
        if not matches or (found and _covered(matches[0], text) < max(_covered(f, text) for f in found)):
            return found
        return [make_finding(Incident(text.strip(), "text"), matches[0], None)]


def asked_in_chat(text: str) -> bool:
    """Whether the text is one line of chat asking a question (CHAT_QUESTION_MARK_RE): a pasted
    failure spans lines or carries no question of its own."""
    line = text.strip()
    return (
        len(line) <= MAX_CHAT_QUESTION_CHARS
        and "\n" not in line
        and bool(CHAT_QUESTION_MARK_RE.search(line))
        and bool(ASKING_WORD_RE.search(line))
    )


def _asked(text: str) -> bool:
    """Whether the text asks: a question's words or mark, or a term on its own."""
    return len(text) <= 2 * MAX_QUESTION_CHARS and bool(
        ASKED_RE.search(text) or len(text.split()) <= MAX_TERM_WORDS
    )


def _covered(answer: Match | Finding, text: str) -> int:
    """How much of the text the answer's own words cover; a near (fuzzy) match covers none."""
    if isinstance(answer, Match):
        return len(answer.matched) if answer.rank >= RANK_PHRASE else 0
    words = fold(answer.matched_text)
    return len(words) if words and words in fold(text) else 0
