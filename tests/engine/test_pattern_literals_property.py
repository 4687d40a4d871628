"""Every match contains one of a pattern's required strings (and one of each set it also
requires) and is no wider than its width.

Texts come from hypothesis's from_regex (texts_matching), so most of them hold a match; each is folded as the
matcher folds texts, and searched as the matcher searches: knowledge patterns with RE2,
case-insensitively, GuardedPattern regexes with `re`.
"""

from __future__ import annotations

import re
import string

import re2
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.engine import Engine, incident
from bot.engine.guarded_pattern import GuardedPattern
from bot.engine.knowledge_regex import compile_error
from bot.engine.normalize import fold
from bot.engine.pattern_literals import also_required, max_width, parse_problem, required_literals

KNOWLEDGE_PATTERNS = sorted({p for e in Engine.load(extra_dir="").kb.entries for p in e.patterns})
GUARDED = [g for group in (incident.RECIPIENT_RES, incident.REMOTE_MTA_RES) for g in group]
RE2_OPTIONS = re2.Options()
RE2_OPTIONS.case_sensitive = False

PIECES = st.sampled_from(
    ["mailbox", "user", "5.7.1", "ab", "a", "x y", "quota", "メール", "-", ":", "<", "é", "spam",
     r"\d", r"\s", r"\w", r"\S", ".", "[abc]", "[a-z]", r"[^<>]", r"[\w.-]", "[xy]", r"\.", "[.]",
     "[^a]", r"\b", "^", "$", r"\t", "{", "x{2", "]"]
)  # fmt: skip
QUANTIFIERS = st.sampled_from(["?", "*", "+", "{2}", "{1,3}", "{0,1}", "{1}", "{2,}", "{0}", "*?", "{1,2}?"])
PATTERNS = st.recursive(
    PIECES,
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=4).map("".join),
        st.lists(inner, min_size=2, max_size=4).map(lambda xs: "(?:" + "|".join(xs) + ")"),
        st.tuples(inner, QUANTIFIERS).map(lambda t: f"(?:{t[0]}){t[1]}"),
        inner.map(lambda x: f"({x})"),
        inner.map(lambda x: f"(?i:{x})"),
    ),
    max_leaves=12,
)


def _plain_case(text: str) -> bool:
    # RE2 folds a few characters (the long s, the Kelvin sign) to ASCII ones, which lower() does
    # not; the matcher's texts keep that gap whatever the finder says, so it is left out here
    return all(c.isascii() or c.lower() == c.upper() for c in text)


def texts_matching(regex: str | re.Pattern[str]) -> st.SearchStrategy[str]:
    """Texts that hold a match, drawn from characters _plain_case lets through (and those the pattern
    itself names), so few draws are thrown away by it: most were, and cost most of the run."""
    if not isinstance(regex, re.Pattern):
        regex = re.compile(regex, re.IGNORECASE)
    named = {v for c in regex.pattern if not _plain_case(c) for v in (c, c.lower(), c.upper())}
    alphabet = st.characters(
        codec="utf-8",
        exclude_categories=("Lu", "Ll", "Lt"),
        include_characters=string.ascii_letters + "".join(sorted(named)),
    )
    return st.from_regex(regex, alphabet=alphabet)


def _check_re2(pattern: str, text: str) -> None:
    folded = fold(text)
    assume(_plain_case(folded))
    found = re2.compile(pattern, RE2_OPTIONS).search(folded)
    if found is None:
        return
    matched = found.group(0)
    literals = required_literals(pattern)
    assert not literals or any(literal in matched for literal in literals), (pattern, matched, literals)
    for strings in also_required(pattern):
        assert any(string in matched for string in strings), (pattern, matched, strings)
    width = max_width(pattern)
    assert width is None or len(matched) <= width, (pattern, matched, width)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_knowledge_patterns(data: st.DataObject) -> None:
    pattern = data.draw(st.sampled_from(KNOWLEDGE_PATTERNS))
    text = data.draw(texts_matching(pattern))
    _check_re2(pattern, text)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(PATTERNS, st.data())
def test_random_patterns(pattern: str, data: st.DataObject) -> None:
    assume(compile_error(pattern) is None)
    assert parse_problem(pattern) is None, pattern  # all of it is syntax both engines share
    text = data.draw(texts_matching(pattern))
    _check_re2(pattern, text)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_guarded_patterns(data: st.DataObject) -> None:
    guarded: GuardedPattern = data.draw(st.sampled_from(GUARDED))
    regex = re.compile(guarded.source, guarded.flags)
    text = data.draw(texts_matching(regex))
    assume(_plain_case(text))
    found = regex.search(text)
    assert found is not None  # from_regex makes texts that hold a match
    assert guarded.search(text, text.lower()) is not None
    assert any(needle in found.group(0).lower() for needle in guarded.needles)
    # every match begins with one of them: GuardedPattern tries the regex only where one starts
    assert found.group(0).lower().startswith(guarded.needles)
