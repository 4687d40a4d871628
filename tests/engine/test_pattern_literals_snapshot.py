"""The literal finder gives, for every pattern it has ever been shown, what it gave before.

tests/data/pattern_literals_snapshot.json was written by the finder built on CPython's own regex
parser, before our parser replaced it: each pattern with its required strings and its widest
match. It holds the shipped knowledge patterns, the engine's GuardedPattern regexes (read with
two-character strings, as GuardedPattern reads them) and 1,500 random patterns made of the same
pieces (shared prefixes, nested and repeated groups, classes, anchors, lazy repeats).

Our parser reproduces every row: there is no difference to explain. Syntax that RE2 and `re`
read differently ({,n}, [[:alpha:]]) is refused by it, which the random patterns here avoid.
"""

from __future__ import annotations

import json

from repo_paths import DATA

from bot.engine.pattern_literals import max_width, parse_problem, required_literals

SNAPSHOT = DATA / "pattern_literals_snapshot.json"
MIN_CHARS = {"knowledge": 3, "guarded (min_chars=2)": 2, "generated": 3}


def _snapshot() -> dict[str, dict[str, list]]:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_the_snapshot_covers_the_shipped_patterns() -> None:
    snapshot = _snapshot()
    assert set(snapshot) == set(MIN_CHARS)
    assert len(snapshot["knowledge"]) > 300 and len(snapshot["generated"]) == 1500


def test_every_snapshot_pattern_is_read() -> None:
    unread = [(p, parse_problem(p)) for rows in _snapshot().values() for p in rows if parse_problem(p)]
    assert unread == []


def test_required_literals_and_widths_are_those_of_the_snapshot() -> None:
    differences = []
    for group, rows in _snapshot().items():
        for pattern, expected in rows.items():
            found = [list(required_literals(pattern, MIN_CHARS[group])), max_width(pattern)]
            if found != expected:
                differences.append((group, pattern, expected, found))
    assert differences == []
