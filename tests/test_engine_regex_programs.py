"""Patterns made from stored programs are the patterns re.compile makes, or re.compile's own."""

from __future__ import annotations

import pickle
import re

import pytest

from bot.engine import Engine
from bot.engine.regex_programs import compile_program, program


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(use_cache=False)


def test_every_knowledge_pattern_round_trips(engine: Engine) -> None:
    sources = [source for source, _ in engine.matcher.pattern_entries]
    assert len(sources) > 100
    for source in sources:
        stored = pickle.loads(pickle.dumps(program(source, re.IGNORECASE)))
        made = compile_program(source, re.IGNORECASE, stored)
        # Pattern equality compares the source, the flags and the compiled code
        assert made == re.compile(source, re.IGNORECASE), source
        assert made is not re.compile(source, re.IGNORECASE)  # built from the program


@pytest.mark.parametrize(
    ("source", "flags", "text"),
    [
        (r"(?P<code>[245]\d\d)[ -](?P<status>[245]\.\d+\.\d+)", 0, "said: 550-5.7.26 rejected"),
        (r"(?<=550 )unknown (?=user)", re.IGNORECASE, "550 Unknown user"),
        (r"(?x) mailbox \s+ (full|over \s quota)", 0, "mailbox over quota"),
        (r"(?i)über\w*", 0, "ÜBERFÜLLT"),
        (r"^(\w+)@(\w+)$", re.MULTILINE, "x\nana@example\n"),
    ],
)
def test_groups_flags_and_matches_survive(source: str, flags: int, text: str) -> None:
    made = compile_program(source, flags, program(source, flags))
    expected = re.compile(source, flags)
    assert made == expected and made.groupindex == expected.groupindex
    assert made.flags == expected.flags and made.groups == expected.groups
    assert made.search(text) is not None
    assert made.search(text).groups() == expected.search(text).groups()


def test_a_damaged_program_is_never_run() -> None:
    """_sre would crash on some damaged programs: a changed byte must send us to re.compile."""
    source = r"(?<=550 )unknown (?P<what>user|mailbox)\s+\S{1,80} does not exist"
    stored = program(source, re.IGNORECASE)
    assert stored is not None
    code = bytearray(stored[1])
    for position in range(0, len(code), 7):
        damaged = bytearray(code)
        damaged[position] ^= 0xFF
        made = compile_program(source, re.IGNORECASE, (stored[0], bytes(damaged), *stored[2:]))
        assert made is re.compile(source, re.IGNORECASE)  # re's own, from its cache
    other_groups = (stored[0], stored[1], stored[2] + 5, *stored[3:])
    assert compile_program(source, re.IGNORECASE, other_groups) is re.compile(source, re.IGNORECASE)


def test_no_program_compiles_the_source() -> None:
    assert program("unbalanced (", 0) is None
    assert compile_program("a+b", 0, None) is re.compile("a+b")
    with pytest.raises(re.error):
        compile_program("unbalanced (", 0, None)
