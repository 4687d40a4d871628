"""Regexes searched over whole bounces, each run only on a text that holds a string it needs."""

from __future__ import annotations

import re


class GuardedPattern:
    """A regex that runs only on a text holding one of the strings every match contains.

    Most searches over a whole bounce find nothing, and a few substring tests of the lower-cased
    text cost much less than a regex search that fails. The strings stand beside the pattern,
    lower-cased, so that a reader sees when it runs; tests/test_engine_literals.py checks them
    against what pattern_literals reads in the pattern. The regex is compiled on the first text
    that holds one of them: many processes never meet one.

    Every match also begins with one of the strings, so the regex is tried only where one of them
    starts, not at every place of the text (see `search`).
    """

    __slots__ = ("_regex", "flags", "needles", "source")

    def __init__(self, source: str, flags: int = 0, *, needles: tuple[str, ...]) -> None:
        if not needles or any(needle != needle.lower() for needle in needles):
            raise ValueError(f"{source!r}: name the lower-cased strings every match contains")
        self.source = source
        self.flags = flags
        self.needles = needles
        self._regex: re.Pattern[str] | None = None

    def search(self, text: str, lowered: str) -> re.Match[str] | None:
        """regex.search(text); `lowered` is text.lower(), read once by the caller for many patterns."""
        for needle in self.needles:
            if needle in lowered:
                break
        else:
            return None
        if self._regex is None:
            self._regex = re.compile(self.source, self.flags)
        if len(lowered) != len(text):
            return self._regex.search(text)
        # lower() kept every character in its place: the first match is at the first place where
        # one of the strings starts and the regex matches
        for start in sorted(start for needle in self.needles for start in _starts(lowered, needle)):
            found = self._regex.match(text, start)
            if found is not None:
                return found
        return None


def _starts(text: str, needle: str) -> list[int]:
    """Where `needle` starts in `text`, overlapping places too."""
    starts = []
    start = text.find(needle)
    while start >= 0:
        starts.append(start)
        start = text.find(needle, start + 1)
    return starts
