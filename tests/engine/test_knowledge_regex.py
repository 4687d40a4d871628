"""Knowledge patterns with their letters lower-cased find, in folded text, what the patterns as
written find there case-insensitively; where that is not plain, the pattern runs as written."""

from __future__ import annotations

import re

import pytest
import re2
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.engine import Engine
from bot.engine.knowledge_regex import CORE_GROUP, KnowledgeRegex, compile_error, lowered_pattern
from bot.engine.normalize import fold

# the shipped knowledge's patterns, from the engine's cache (reading the TOML again costs a second)
KNOWLEDGE_PATTERNS = sorted({p for e in Engine.load(extra_dir="").kb.entries for p in e.patterns})
CASE_FOLDING = re2.Options()
CASE_FOLDING.case_sensitive = False


@pytest.mark.parametrize(
    ("source", "lowered"),
    [
        (r"\bIB401\b", r"\bib401\b"),
        (r"[^A-Z]x\S+\W", r"[^a-z]x\S+\W"),
        (r"[]A][^]A-C][A-CX-Z]", r"[]a][^]a-c][a-cx-z]"),
        (r"(?:OFR|LPN)(?P<Core>\d{3})", r"(?:ofr|lpn)(?P<Core>\d{3})"),
        (r"ABC\]D[A-]", r"abc\]d[a-]"),
        ("日本語 X", "日本語 x"),
        (r"[A-z]", None),  # the range holds signs between Z and a
        (r"[0-Z]", None),
        (r"(?i)abc", None),
        (r"[a\[](?-i)X", None),
        (r"[[:upper:]]", None),
        (r"it\x27?s", None),
        (r"\pL", None),
        ("Émile", None),
    ],
)
def test_lowered_pattern(source: str, lowered: str | None) -> None:
    assert lowered_pattern(source) == lowered


def _reference(source: str, text: str) -> str | None:
    """What the pattern as written finds case-insensitively in the folded text."""
    regex = re2.compile(source.encode("utf-8", "surrogatepass"), CASE_FOLDING)
    found = regex.search(text.encode("utf-8", "surrogatepass"))
    if found is None:
        return None
    core = regex.groupindex.get(CORE_GROUP.encode(), 0)
    return (found.group(core) or found.group(0)).decode("utf-8", "replace")


def _check(source: str, text: str) -> None:
    folded = fold(text)
    found = KnowledgeRegex(source).search(folded.encode("utf-8", "surrogatepass"))
    assert found == _reference(source, folded), (source, folded)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_knowledge_patterns_find_the_same(data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(KNOWLEDGE_PATTERNS))
    text = data.draw(st.from_regex(re.compile(source, re.IGNORECASE)))
    _check(source, text)


PIECES = st.sampled_from(
    ["IB", "ofr", "X", "[A-Z]", "[^A-C]", "[a-cX]", "[A-]", r"\S", r"\W", r"\d", r"\b", " ", "-",
     "_", "[", "ſ", "K", "é", "(?P<core>AB)", "(?:Y|z)", "x?", "[\\]Q]", "^", "$"]
)  # fmt: skip
TEXT_PIECES = st.sampled_from(
    ["ib", "IB", "ofr", "x", "X", "y", "Z", "a-b", "_", " ", "[", "]", "ſ", "K", "é", "1"]
)


@settings(max_examples=400, deadline=None)
@example("IB-(?P<core>AB)", "ib-ab")  # a letter and hyphen before a group: the group stays a group
@given(st.lists(PIECES, min_size=1, max_size=6).map("".join), st.lists(TEXT_PIECES, max_size=12).map("".join))
def test_random_patterns_find_the_same(source: str, text: str) -> None:
    if compile_error(source) is None:
        _check(source, text)
