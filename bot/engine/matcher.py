"""Match one incident against the knowledge base: exact codes, phrases, patterns, then fuzzy.

The evidence ranking, the one order every input is judged by (knowledge/README.md shows it):

| rank | evidence                                   | example                                   |
|------|--------------------------------------------|-------------------------------------------|
| 3+   | wording: a provider's or MTA's, then any   | `5.7.26 This mail is unauthenticated`     |
| 2.0  | a specific enhanced status code            | `5.1.1`, `5.2.2`, `4.7.26`                |
| 1.6  | an enhanced code's subject, no detail      | `5.6.0`, `4.4.0`                          |
| 1.5  | a specific reply code                      | `552`, `452`, `535`                       |
| 1.0  | the class of a code: a broad code          | `5.7.1`, `4.3.2`, bare 421/450/451/550/554|
| 0.8  | a status with no detail                    | `5.0.0`, `4.0.0`                          |
| 0.5  | a question that resembles a known phrase   | `mailbox ful`                             |
| 0.1  | a failed or delayed record nothing explains|                                           |

Within wording, a pattern counts as a phrase as long as the text it matched, longer words rank
higher, an entry of the provider the text names (or of its family) ranks 0.2 higher, and codes
in the text that agree with the entry's move it up while codes of another class move it down. A
status with no detail (`X.0.0`) says nothing for or against any wording, so it moves nothing.
An equal rank (a rank counts a match's length up to a cap) goes to the entry of the provider the
text names, then to the longer match (`_order`).
Words of the queue giving up (reason expired) yield to words in the same text that name a cause
(give_up.py): the cause is the reason, the give-up how the delivery ended.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .entries import Entries
from .literal_index import LiteralIndex, add_position, positions, starts_inside_word
from .model import Entry, is_enhanced_code

if TYPE_CHECKING:
    from .knowledge_regex import KnowledgeRegex

RANK_PHRASE = 3.0
RANK_ENHANCED = 2.0
RANK_SUBJECT = 1.6
RANK_REPLY = 1.5
RANK_CLASS = 1.0
RANK_NO_DETAIL = 0.8
RANK_FUZZY = 0.5
RANK_FALLBACK = 0.1
# Codes that servers send for many different causes: they give a failure's class, not its cause.
# X.7.1 ("delivery not authorized") covers blocks, spam, policy and authentication alike, 4.3.2
# any refusal to take mail for now, and 421/450/451/550/554 are SMTP's catch-all replies.
BROAD_STATUS_DETAILS = frozenset({"7.1", "3.2"})
BROAD_REPLIES = frozenset({"421", "450", "451", "550", "554"})


def code_rank(code: str) -> float:
    """How much a code on its own tells, on the scale of the ranking table."""
    if "." not in code:
        return RANK_CLASS if code in BROAD_REPLIES else RANK_REPLY
    _, subject, detail = code.split(".")
    if subject == "0" and detail == "0":
        return RANK_NO_DETAIL
    if f"{subject}.{detail}" in BROAD_STATUS_DETAILS:
        return RANK_CLASS
    return RANK_SUBJECT if detail == "0" else RANK_ENHANCED


def _read_pattern(pattern: str) -> tuple[tuple[str, ...], int | None]:
    """A pattern's required strings and widest match, for one the caller did not give."""
    # imported here: the knowledge base works both out while validating and the cache keeps
    # them, so a start-up from the cache never loads the pattern reader
    from .pattern_literals import max_width, required_literals

    return required_literals(pattern), max_width(pattern)


FUZZY_CUTOFF = 86.0
FUZZY_MAX_QUERY = 160
PATTERN_MAX_TEXT = 4000


@dataclass(frozen=True, slots=True)
class Match:
    """An entry that fits an incident, how well, and the words or code that made it fit."""

    entry: Entry
    rank: float
    confidence: float
    matched: str  # the phrase, pattern match or code that led here


@dataclass(frozen=True, slots=True)
class Hit:
    """Knowledge-base words found in a text: a phrase, or a pattern and the text it matched."""

    matched: str  # the phrase itself, or the text the pattern matched
    pattern: int | None = None  # the pattern's place in Matcher.pattern_entries; None for a phrase


class Matcher:
    """The knowledge base indexed for matching: codes, phrases and patterns.

    Evidence ranks by the table above, the one scale for every input: `phrase_matches` scores
    wording at RANK_PHRASE and more (longer words, the named provider's entries and codes that
    agree rank higher), `code_matches` scores codes by `code_rank` (a specific enhanced code >
    an enhanced code's subject > a specific reply code > a code's class > X.0.0), and
    `fuzzy_matches` scores near phrases of a question below every code. Phrases and patterns
    are found by one Aho-Corasick scan of the text for the phrases and the patterns' required
    strings; RE2 then reads only the part of the text a found string allows a match in.
    """

    def __init__(
        self,
        entries: Sequence[Entry],
        literals: dict[str, tuple[str, ...]] | None = None,
        widths: dict[str, int | None] | None = None,
        families: dict[str, str] | None = None,
        also_required: dict[str, tuple[tuple[str, ...], ...]] | None = None,
        lowered: dict[str, str | None] | None = None,
    ) -> None:
        """`literals` maps a pattern to the strings one of which its every match contains, and
        `widths` to the most characters a match spans (see pattern_literals); what they do not
        list is worked out here. `families` maps a provider to the family of providers that run
        one mail system with it (providers.toml): an entry of one is the others' own too.
        `also_required` maps a pattern to its other sets of strings a match contains one of
        each (pattern_literals.also_required): a pattern runs only where the text has them.
        `lowered` maps the patterns whose lower-cased form is not the pattern itself to that form
        (KnowledgeBase.lowered); without it, each pattern's is worked out when it is compiled.
        The indexes hold entries by position: a record is made when a text needs it (entries.py)."""
        self.families = families or {}
        self.lowered = lowered
        literals = literals or {}
        widths = widths or {}
        also_required = also_required or {}
        self.entries = Entries.of(entries)
        self.code_index: dict[str, int] = {}
        # a phrase's entries and a literal's patterns by position (see literal_index.add_position)
        self.phrase_entries: dict[str, int | tuple[int, ...]] = {}
        self.pattern_entries: list[tuple[str, int]] = []
        self._compiled: dict[int, KnowledgeRegex] = {}
        # Patterns by the strings one of which every match contains, so that one scan of the
        # text picks the few worth running.
        self.always_run: list[int] = []
        self.widths: list[int | None] = []
        self.also_required: list[tuple[tuple[str, ...], ...]] = []
        by_literal: dict[str, int | tuple[int, ...]] = {}
        names = ("is_code_entry", "local", "codes", "phrases", "patterns")
        columns = [self.entries.column(name) for name in names]
        for position, (code_entry, local, codes, phrases, patterns) in enumerate(zip(*columns, strict=True)):
            if code_entry:
                for code in codes:
                    # an organisation's code entry replaces ours for the same code
                    if code not in self.code_index or local:
                        self.code_index[code] = position
                continue
            for phrase in phrases:
                add_position(self.phrase_entries, phrase, position)
            for pattern in patterns:
                index = len(self.pattern_entries)
                self.pattern_entries.append((pattern, position))
                if pattern in literals and pattern in widths:
                    required, width = literals[pattern], widths[pattern]
                else:
                    required, width = _read_pattern(pattern)
                self.widths.append(width)
                self.also_required.append(also_required.get(pattern, ()))
                for literal in required:
                    add_position(by_literal, literal, index)
                if not required:
                    self.always_run.append(index)
        self.by_literal = by_literal
        # Phrases and the patterns' literals in one automaton, so that one scan finds both. A
        # phrase counts only where it starts a word; a literal anywhere in a pattern's reach.
        # They stay in the order they first appear in: the automaton reports what it finds by
        # where it ends, whatever the strings' order, so sorting them would only cost time.
        self.words = LiteralIndex(list(dict.fromkeys([*self.phrase_entries, *self.by_literal])))
        self._is_phrase = [word in self.phrase_entries for word in self.words.strings]
        self._is_literal = [word in self.by_literal for word in self.words.strings]

    @functools.cached_property
    def fuzzy_choices(self) -> list[str]:
        """The phrases, sorted (rapidfuzz lists equal scores in this order), when a question
        first needs them: a batch of bounces never does."""
        return sorted(self.phrase_entries)

    def phrase_positions(self, phrase: str) -> tuple[int, ...]:
        """Where the entries that hold a phrase are in `entries`, in the knowledge base's order."""
        return positions(self.phrase_entries[phrase])

    def phrase_hits(self, folded: str) -> list[Hit]:
        """The phrases found in a folded text, in the order they first occur, then the patterns
        that match it, in the knowledge base's order."""
        words, is_phrase, is_literal = self.words.strings, self._is_phrase, self._is_literal
        phrases: dict[str, Hit] = {}
        found: dict[str, list[int]] = {}  # a pattern's literal: [its first start, its last end]
        for index, start, end in self.words.occurrences(folded):
            if is_literal[index] and end <= PATTERN_MAX_TEXT:
                span = found.get(words[index])
                if span is None:
                    found[words[index]] = [start, end]
                else:
                    span[0], span[1] = min(span[0], start), max(span[1], end)
            if is_phrase[index] and not (start and starts_inside_word(folded, start)):
                phrases.setdefault(words[index], Hit(words[index]))
        hits = list(phrases.values())
        if not (found or self.always_run):
            return hits  # most texts hold no pattern's strings: no pattern is worth running
        windows = self._windows(found, min(len(folded), PATTERN_MAX_TEXT))
        if windows:
            text = folded[:PATTERN_MAX_TEXT]
            data = text.encode("utf-8", "surrogatepass")
            for index in sorted(windows):
                required = self.also_required[index]
                if required and not all(any(s in text for s in strings) for strings in required):
                    continue  # a string every match needs is missing: not worth compiling or running
                start, end = windows[index]
                if len(data) != len(text):  # RE2 counts bytes
                    start = len(text[:start].encode("utf-8", "surrogatepass"))
                    end = len(text[:end].encode("utf-8", "surrogatepass"))
                matched = self._pattern(index).search(data, start, end)
                if matched is not None:
                    hits.append(Hit(matched, index))
        return hits

    def _windows(self, found: dict[str, list[int]], length: int) -> dict[int, tuple[int, int]]:
        """The patterns worth running, each with the part of the text its match must lie in.

        Every match of a pattern contains one of its literals and spans at most its width, so it
        lies within that width of the literals' occurrences; RE2 then reads only that part (the
        rest of the text still counts as context for ^, $ and \\b).
        """
        reach: dict[int, tuple[int, int]] = dict.fromkeys(self.always_run, (0, length))
        for literal, (first, last) in found.items():
            for index in positions(self.by_literal[literal]):
                start, end = reach.get(index, (first, last))
                reach[index] = (min(start, first), max(end, last))
        windows = {}
        for index, (start, end) in reach.items():
            width = self.widths[index]
            if width is None:
                windows[index] = (0, length)
            else:
                windows[index] = (max(0, start - width), min(length, end + width))
        return windows

    def _pattern(self, index: int) -> KnowledgeRegex:
        """Made on first use: most patterns never pass their literal check in a process."""
        compiled = self._compiled.get(index)
        if compiled is None:
            from .knowledge_regex import KnowledgeRegex  # RE2 loads with the first pattern a text needs

            source = self.pattern_entries[index][0]
            if self.lowered is None:
                compiled = KnowledgeRegex(source)
            else:
                compiled = KnowledgeRegex(source, self.lowered.get(source, source))
            self._compiled[index] = compiled
        return compiled

    def phrase_matches(self, codes: set[str], provider: str | None, hits: list[Hit]) -> list[Match]:
        """The entries behind `hits` (from phrase_hits), best first: each scored as wording
        (`_score`), an entry found by several hits keeping its best."""
        found: dict[str, Match] = {}
        for hit in hits:
            if hit.pattern is not None:
                entry = self.entries[self.pattern_entries[hit.pattern][1]]
                if not (entry.when_no_code and codes) and not (
                    entry.requires_provider and not self.kin(entry.provider, provider)
                ):
                    # a pattern is as specific as a phrase of the length it matched, capped
                    self._keep(
                        found, self._score(entry, hit.matched, min(len(hit.matched), 40), codes, provider)
                    )
                continue
            for position in self.phrase_positions(hit.matched):
                entry = self.entries[position]
                if (entry.when_no_code and codes) or (
                    entry.requires_provider and not self.kin(entry.provider, provider)
                ):
                    continue
                self._keep(found, self._score(entry, hit.matched, len(hit.matched), codes, provider))
        if len(found) < 2:
            return list(found.values())  # most texts' words find one entry: nothing to order
        return sorted(found.values(), key=lambda m: _order(m, provider))

    @staticmethod
    def _keep(found: dict[str, Match], match: Match) -> None:
        old = found.get(match.entry.id)
        if old is None or match.rank > old.rank:
            found[match.entry.id] = match

    def kin(self, one: str | None, other: str | None) -> bool:
        """Whether two providers are one or of one family."""
        if one is None or other is None:
            return False
        return one == other or self.families.get(one, one) == self.families.get(other, other)

    def _score(self, entry: Entry, matched: str, length: int, codes: set[str], provider: str | None) -> Match:
        rank = RANK_PHRASE + min(length, 60) / 100
        confidence = 0.8 + (0.05 if length >= 25 else 0.0)
        if codes and entry.codes:
            rank, confidence = _code_agreement(entry, codes, rank, confidence)
        if entry.provider and provider:
            rank += 0.2 if self.kin(entry.provider, provider) else -0.2
        if entry.when_no_code:
            rank -= 0.6  # framing words: any entry that names the cause comes first
        if entry.local:
            rank += 0.001  # theirs win a tie with ours
        return Match(entry, rank, min(confidence, 0.97), matched)

    def code_matches(self, reply: str | None, enhanced: str | None) -> list[Match]:
        """Entries of the codes themselves, ranked by what each code tells (code_rank); on a tie
        the enhanced code, the finer scheme, comes first."""
        out = []
        if enhanced:
            entry = self._code_entry(enhanced)
            if entry:
                out.append(Match(entry, code_rank(enhanced), 0.9, enhanced))
            else:
                cls, subject, _ = enhanced.split(".")
                for fallback in (f"{cls}.{subject}.0", f"{cls}.0.0"):
                    entry = self._code_entry(fallback)
                    if entry:
                        out.append(Match(entry, code_rank(fallback), 0.6, enhanced))
                        break
        if reply:
            entry = self._code_entry(reply)
            if entry:
                out.append(Match(entry, code_rank(reply), 0.8, reply))
            else:
                entry = self._code_entry(f"{reply[0]}.0.0")
                if entry:
                    out.append(Match(entry, RANK_NO_DETAIL, 0.5, reply))
        return sorted(out, key=lambda m: -m.rank)

    def _code_entry(self, code: str) -> Entry | None:
        position = self.code_index.get(code)
        return None if position is None else self.entries[position]

    def fuzzy_matches(self, folded: str, limit: int = 3) -> list[Match]:
        if not folded or len(folded) > FUZZY_MAX_QUERY or not self.fuzzy_choices:
            return []
        # imported here: rapidfuzz takes ~20 ms to import and only questions need it
        from rapidfuzz import fuzz, process

        results = process.extract(
            folded, self.fuzzy_choices, scorer=fuzz.WRatio, score_cutoff=FUZZY_CUTOFF, limit=limit
        )
        out = []
        for phrase, score, _ in results:
            for entry in map(self.entries.__getitem__, self.phrase_positions(phrase)):
                out.append(Match(entry, RANK_FUZZY + score / 1000, round(score / 100 * 0.75, 2), phrase))
        return out


@functools.cache
def statuses(codes: tuple[str, ...]) -> tuple[str, ...]:
    """The enhanced status codes of an entry's codes, as Entry.enhanced_codes gives them. Ranking
    asks this of the same few hundred entries again and again; each list is read once."""
    return tuple(code for code in codes if is_enhanced_code(code))


@functools.cache
def _by_scheme(codes: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """An entry's codes in two sets, the enhanced ones and the others, made once per list."""
    return frozenset(c for c in codes if "." in c), frozenset(c for c in codes if "." not in c)


def _order(match: Match, provider: str | None) -> tuple[float, bool, int, str]:
    """Best first; on a tie, the entry of the provider the text names comes before the others,
    then the one whose words cover more of the text (ranks cap a pattern's length)."""
    named = provider is not None and match.entry.provider == provider
    # ranks are sums of hundredths: round away float noise so that equal scores do tie
    return (-round(match.rank, 6), not named, -len(match.matched), match.entry.id)


def _code_agreement(entry: Entry, codes: set[str], rank: float, confidence: float) -> tuple[float, float]:
    """Rank and confidence moved by how the text's codes agree with the entry's."""
    # a status with no detail says nothing for or against any wording
    codes = {c for c in codes if code_rank(c) > RANK_NO_DETAIL}
    # the enhanced code is the sharper signal: judge by it when both sides have one
    text_codes = {c for c in codes if "." in c}
    entry_codes, entry_others = _by_scheme(entry.codes)
    if not (text_codes and entry_codes):
        text_codes = codes - text_codes
        entry_codes = entry_others
    if not (entry_codes and text_codes):
        return rank, confidence
    if text_codes & entry_codes:
        return rank + 0.3, confidence + 0.1
    if not _same_class(text_codes, tuple(entry_codes)):
        return rank - 0.3, confidence - 0.15
    return rank - 0.1, confidence - 0.05


def _same_class(codes: set[str], entry_codes: tuple[str, ...]) -> bool:
    classes = {c[0] for c in codes}
    return any(c[0] in classes for c in entry_codes if is_enhanced_code(c) or len(c) == 3)
