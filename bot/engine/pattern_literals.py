"""What text a regular expression cannot match without: the cheap test before running it.

Most of the knowledge base's patterns fail on most texts. If every match of a pattern must
contain one of a few plain strings, a single Aho-Corasick pass over the text for all those
strings tells which few patterns are worth running at all.
"""

from __future__ import annotations

import re
from itertools import product
from re import _constants as sre  # the regex parser has been stable since 3.11
from re import _parser as sre_parser

MIN_LITERAL_CHARS = 3
MAX_ALTERNATIVES = 64

Strings = frozenset[str]


def required_literals(source: str, min_chars: int = MIN_LITERAL_CHARS) -> tuple[str, ...]:
    """Lower-cased strings such that every match of `source` contains at least one of them.

    Empty when no such set of strings of at least `min_chars` exists: the pattern must then be
    run on every text.
    """
    try:
        parsed = sre_parser.parse(source, re.IGNORECASE)
        best = _required(list(parsed), min_chars)
    except (re.error, OverflowError, RecursionError):
        return ()  # the loader refuses such patterns; if one gets here, it simply always runs
    if not best:
        return ()
    # a string that contains another one of the set adds nothing to the test
    return tuple(sorted(s for s in best if not any(o != s and o in s for o in best)))


def max_width(source: str) -> int | None:
    """The most characters a match of `source` can span; None when there is no bound."""
    try:
        widest = sre_parser.parse(source, re.IGNORECASE).getwidth()[1]
    except (re.error, OverflowError, RecursionError):
        return None
    return None if widest >= sre.MAXREPEAT else widest


def parse_problem(source: str) -> str | None:
    """Why the parser that required_literals reads patterns with refuses `source`; None if not."""
    try:
        sre_parser.parse(source, re.IGNORECASE)
    except re.error as exc:
        return str(exc)
    except OverflowError:  # not re.error, for a repeat count like {99999999999}
        return "a repeat count is too large"
    except RecursionError:
        return "its groups are nested too deeply"
    return None


def _usable(strings: Strings | None, min_chars: int) -> bool:
    # white space in a pattern may meet any run of white space, which folding makes one space
    return bool(strings) and all(
        len(s) >= min_chars and not any(ch.isspace() and ch != " " for ch in s) for s in strings
    )


def _better(a: Strings | None, b: Strings | None, min_chars: int) -> Strings | None:
    """The more selective of two usable sets: longer shortest string, then fewer strings."""
    if not _usable(b, min_chars):
        return a
    if not _usable(a, min_chars):
        return b
    key_a = (min(map(len, a)), -len(a))
    key_b = (min(map(len, b)), -len(b))
    return b if key_b > key_a else a


def _exact(items: list) -> Strings | None:
    """All the strings a node sequence can match, when that is a short finite list."""
    strings: Strings = frozenset({""})
    for op, arg in items:
        if op is sre.LITERAL:
            options: Strings | None = frozenset({chr(arg).lower()})
        elif op is sre.IN:
            options = _char_set(arg)
        elif op is sre.SUBPATTERN:
            options = _exact(list(arg[3]))
        elif op is sre.BRANCH:
            options = _union(_exact(list(branch)) for branch in arg[1])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] in (0, 1) and arg[1] == 1:
            inner = _exact(list(arg[2]))
            options = None if inner is None else inner | ({""} if arg[0] == 0 else set())
        elif op is sre.AT:
            options = frozenset({""})  # a boundary matches no characters
        else:
            return None
        if options is None or len(strings) * len(options) > MAX_ALTERNATIVES:
            return None
        strings = frozenset(a + b for a, b in product(strings, options))
    return strings


def _char_set(items: list) -> Strings | None:
    if not items or any(op is not sre.LITERAL for op, _ in items):
        return None  # a negated set, a range or a category: too many characters
    return frozenset(chr(arg).lower() for _, arg in items)


def _union(parts) -> Strings | None:
    out: set[str] = set()
    for part in parts:
        if part is None:
            return None
        out |= part
    return frozenset(out)


def _required(items: list, min_chars: int) -> Strings | None:
    """The best set of strings one of which every match of the node sequence contains."""
    best: Strings | None = None
    run: Strings = frozenset({""})  # the exact strings of the nodes since the last inexact one
    for op, arg in items:
        single = _exact([(op, arg)])
        if single is not None and len(run) * len(single) <= MAX_ALTERNATIVES:
            run = frozenset(a + b for a, b in product(run, single))
            continue
        best = _better(best, _strip_empty(run), min_chars)
        run = frozenset({""})
        best = _better(best, _inside(op, arg, min_chars), min_chars)
    return _better(best, _strip_empty(run), min_chars)


def _strip_empty(strings: Strings) -> Strings | None:
    # a run that may match nothing at all requires nothing
    return None if "" in strings else strings


def _inside(op, arg, min_chars: int) -> Strings | None:
    """What a node that is not a short list of strings still requires of every match."""
    if op is sre.SUBPATTERN:
        return _required(list(arg[3]), min_chars)
    if op is sre.BRANCH:
        parts = [_required(list(branch), min_chars) for branch in arg[1]]
        return None if any(not _usable(p, min_chars) for p in parts) else _union(parts)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and arg[0] >= 1:
        return _required(list(arg[2]), min_chars)
    return None


class GuardedPattern:
    """A compiled regex that runs only on a text holding one of the strings it requires.

    For the regexes searched over whole bounces: a few substring tests of the lower-cased text
    cost much less than a regex search that finds nothing, which is what most searches do.
    """

    __slots__ = ("_needles", "regex")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.regex = re.compile(source, flags)
        # derived on first search, not at import: a start-up that explains a bare code skips it
        self._needles: tuple[str, ...] | None = None

    def search(self, text: str, lowered: str) -> re.Match[str] | None:
        """regex.search(text); `lowered` is text.lower(), read once by the caller for many patterns."""
        needles = self._needles
        if needles is None:
            # two characters suffice here ("h=" before a host): a substring test is cheap at any
            # length
            needles = self._needles = required_literals(self.regex.pattern, min_chars=2)
        if needles and not any(needle in lowered for needle in needles):
            return None
        return self.regex.search(text)
