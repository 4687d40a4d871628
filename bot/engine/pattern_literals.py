"""What text a regular expression cannot match without: the cheap test before running it.

Most of the knowledge base's patterns fail on most texts. If every match of a pattern must
contain one of a few plain strings, a single Aho-Corasick pass over the text for all those
strings tells which few patterns are worth running at all. Patterns are read with
regex_syntax; one it does not read has no strings and no width, so it runs on all of every text.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

from .regex_syntax import (
    Alternation,
    Anchor,
    CharClass,
    Group,
    Literal,
    Node,
    PatternError,
    Repeat,
    parse_regex,
)

MIN_LITERAL_CHARS = 3
MAX_ALTERNATIVES = 64

Strings = frozenset[str]


def required_literals(source: str, min_chars: int = MIN_LITERAL_CHARS) -> tuple[str, ...]:
    """Lower-cased strings such that every match of `source` contains at least one of them.

    Empty when no such set of strings of at least `min_chars` exists, or when regex_syntax does
    not read the pattern: the pattern must then be run on every text.
    """
    items = _parsed(source)
    best = None if items is None else _required(items, min_chars)
    if not best:
        return ()
    # a string that contains another one of the set adds nothing to the test
    return _without_longer(best)


def also_required(source: str, min_chars: int = MIN_LITERAL_CHARS) -> tuple[tuple[str, ...], ...]:
    """The other sets of strings every match of `source` contains one of each, besides the set
    required_literals gives: `bl.spamcop.net` as well as ` blocked using ` in `client host \\S+
    blocked using [a-z0-9.-]*bl\\.spamcop\\.net`. Where the index finds the one, a substring test
    for the others rules out the patterns that cannot match before RE2 compiles or runs them."""
    items = _parsed(source)
    if items is None:
        return ()
    best = required_literals(source, min_chars)
    found = {_without_longer(strings) for strings in _sets(items, min_chars)}
    return tuple(sorted(found - {best}))


def _without_longer(strings: Strings) -> tuple[str, ...]:
    # a string that contains another one of the set adds nothing to the test
    return tuple(sorted(s for s in strings if not any(o != s and o in s for o in strings)))


def max_width(source: str) -> int | None:
    """The most characters a match of `source` can span; None when there is no bound, or when
    regex_syntax does not read the pattern."""
    items = _parsed(source)
    return None if items is None else _width(items)


def parse_problem(source: str) -> str | None:
    """Why regex_syntax, which required_literals reads patterns with, refuses `source`; None if
    it reads it."""
    try:
        parse_regex(source)
    except PatternError as exc:
        return str(exc)
    return None


@lru_cache(maxsize=1024)  # the loader asks all three questions of each pattern
def _parsed(source: str) -> tuple[Node, ...] | None:
    try:
        return parse_regex(source)
    except PatternError:
        return None


def _width(items: tuple[Node, ...]) -> int | None:
    total = 0
    for item in items:
        if isinstance(item, (Literal, CharClass)):
            width: int | None = 1
        elif isinstance(item, Anchor):
            width = 0
        elif isinstance(item, Group):
            width = _width(item.items)
        elif isinstance(item, Alternation):
            widths = [_width(option) for option in item.options]
            width = None if None in widths else max(widths)
        else:
            width = _repeat_width(item)
        if width is None:
            return None
        total += width
    return total


def _repeat_width(repeat: Repeat) -> int | None:
    if repeat.most == 0:
        return 0
    once = _width(repeat.items)
    if once is None or once == 0:
        return once
    return None if repeat.most is None else once * repeat.most


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


def _exact(items: tuple[Node, ...]) -> Strings | None:
    """All the strings a sequence of items can match, when that is a short finite list."""
    strings: Strings = frozenset({""})
    for item in items:
        options = _exact_item(item)
        if options is None or len(strings) * len(options) > MAX_ALTERNATIVES:
            return None
        strings = frozenset(a + b for a, b in product(strings, options))
    return strings


def _exact_item(item: Node) -> Strings | None:
    if isinstance(item, Literal):
        return frozenset({item.char.lower()})
    if isinstance(item, CharClass):
        # a negated class, a range or a class escape stands for too many characters
        listed = not item.negated and all(len(member) == 1 for member in item.members)
        return frozenset(member.lower() for member in item.members) if listed else None
    if isinstance(item, Anchor):
        return frozenset({""})  # a position test matches no characters
    if isinstance(item, Group):
        return _exact(item.items)
    if isinstance(item, Alternation):
        return _union(_exact(option) for option in item.options)
    if item.least in (0, 1) and item.most == 1:
        inner = _exact(item.items)
        return None if inner is None else inner | ({""} if item.least == 0 else set())
    return None


def _union(parts) -> Strings | None:
    out: set[str] = set()
    for part in parts:
        if part is None:
            return None
        out |= part
    return frozenset(out)


def _required(items: tuple[Node, ...], min_chars: int) -> Strings | None:
    """The best set of strings one of which every match of the sequence contains."""
    best: Strings | None = None
    run: Strings = frozenset({""})  # the exact strings of the items since the last inexact one
    for item in items:
        single = _exact_item(item)
        if single is not None and len(run) * len(single) <= MAX_ALTERNATIVES:
            run = frozenset(a + b for a, b in product(run, single))
            continue
        best = _better(best, _strip_empty(run), min_chars)
        run = frozenset({""})
        best = _better(best, _inside(item, min_chars), min_chars)
    return _better(best, _strip_empty(run), min_chars)


def _sets(items: tuple[Node, ...], min_chars: int) -> list[Strings]:
    """Every usable set along the sequence that _required chooses its best from."""
    found: list[Strings | None] = []
    run: Strings = frozenset({""})
    for item in items:
        single = _exact_item(item)
        if single is not None and len(run) * len(single) <= MAX_ALTERNATIVES:
            run = frozenset(a + b for a, b in product(run, single))
            continue
        found += [_strip_empty(run), _inside(item, min_chars)]
        run = frozenset({""})
    found.append(_strip_empty(run))
    return [strings for strings in found if strings and _usable(strings, min_chars)]


def _strip_empty(strings: Strings) -> Strings | None:
    # a run that may match nothing at all requires nothing
    return None if "" in strings else strings


def _inside(item: Node, min_chars: int) -> Strings | None:
    """What an item that is not a short list of strings still requires of every match."""
    if isinstance(item, Group):
        return _required(item.items, min_chars)
    if isinstance(item, Alternation):
        parts = [_required(option, min_chars) for option in item.options]
        return None if any(not _usable(p, min_chars) for p in parts) else _union(parts)
    if isinstance(item, Repeat) and item.least >= 1:
        return _required(item.items, min_chars)
    return None
