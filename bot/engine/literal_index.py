"""Many plain strings found in one pass over a text, with an Aho-Corasick automaton."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ahocorasick_rs


# A text this short (a bare code, a word or two) is first tested string by string.
SHORT_TEXT = 16


class LiteralIndex:
    """Plain strings found in one pass over a folded text by an Aho-Corasick automaton.

    The automaton is built on first use: building it takes a few milliseconds (most of a bare
    code's answer), so until then a short text is tested against the strings that fit in it,
    and one that holds none of them (`452`, `5.7.1`) needs no automaton at all.
    """

    def __init__(self, strings: list[str]) -> None:
        self.strings = strings
        self._automaton: ahocorasick_rs.AhoCorasick | None = None
        self._short: list[str] | None = None  # the strings a short text may hold, when first needed

    def occurrences(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence, overlapping ones too: (index in `strings`, start, end)."""
        if not self.strings:
            return []
        if self._automaton is None and len(text) <= SHORT_TEXT and not self._any_in(text):
            return []
        if self._automaton is None:
            import ahocorasick_rs  # only texts with words get this far

            # The plain NFA builds in half the time of the contiguous one (3.4 against 6.3 ms for
            # the 1,400 phrases) and scans a 66 KB bounce about as fast; a DFA scans 2.5 times
            # faster but takes 34 ms to build, more than a 400-email batch gains from it.
            self._automaton = ahocorasick_rs.AhoCorasick(
                self.strings, implementation=ahocorasick_rs.Implementation.NoncontiguousNFA
            )
        return self._automaton.find_matches_as_indexes(text, overlapping=True)

    def _any_in(self, text: str) -> bool:
        """Whether any of the strings occurs in a short text."""
        if self._short is None:
            self._short = [string for string in self.strings if len(string) <= SHORT_TEXT]
        return any(string in text for string in self._short if len(string) <= len(text))


def starts_inside_word(folded: str, start: int) -> bool:
    """Whether the string found at `start` (> 0) is glued to an ASCII letter or digit before it:
    "user unknown" does not count inside "xuser unknown". CJK text has no such boundaries, so
    there any start counts."""
    before = folded[start - 1]
    return before.isascii() and before.isalnum()


def add_position(index: dict[str, int | tuple[int, ...]], key: str, position: int) -> None:
    """Records a position under a key: the position alone for the key's first (nearly every
    phrase belongs to one entry and every literal to one pattern), a tuple once it has several.
    A list per key made thousands of small objects, each visited by every garbage collection
    the process runs, its exit's included."""
    held = index.get(key)
    index[key] = position if held is None else (*positions(held), position)


def positions(held: int | tuple[int, ...]) -> tuple[int, ...]:
    """The positions add_position recorded under a key, in order."""
    return (held,) if isinstance(held, int) else held
