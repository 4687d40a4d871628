"""Hostile input: no text of Slack's message size and no file the command line reads costs the
engine more than a bounded time, by construction (issue 13, section 1).

Knowledge patterns run on RE2, which never backtracks: the tests check that every one does, and
time each on strings built from its own pieces. The whole engine is timed on
bench/hostile_inputs.py. The target is 100 ms per input (bench/engine_bench.py prints the slowest);
the bound asserted here is five times that, for a shared machine.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time

import pytest
import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from repo_paths import REPO

from bot.engine import Engine
from bot.engine.knowledge_regex import KnowledgeRegex, compile_error
from bot.engine.matcher import PATTERN_MAX_TEXT

BOUND_S = 0.5
SLOW_ELSEWHERE_TIMEOUT_S = 5.0
SEARCH_BOUND_S = 0.05  # one RE2 search over 4,000 characters takes microseconds


def _hostile_inputs():
    spec = importlib.util.spec_from_file_location("hostile_inputs", REPO / "bench" / "hostile_inputs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOSTILE = _hostile_inputs()
ENGINE = Engine.load()
PATTERNS = sorted({source for source, _ in ENGINE.matcher.pattern_entries})


def engine_seconds(text: str | bytes, mode: str) -> float:
    """The better of two runs: the machine is shared, and a first run may build an automaton."""
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        result = ENGINE.explain(text, mode)
        best = min(best, time.perf_counter() - started)
    assert result.mode == mode
    return best


@pytest.mark.parametrize("mode", ["explicit", "passive"])
@pytest.mark.parametrize("name", list(HOSTILE.MESSAGES))
def test_hostile_message_is_explained_in_bounded_time(name: str, mode: str) -> None:
    text = HOSTILE.MESSAGES[name]
    assert len(text) == HOSTILE.SLACK_MESSAGE_CHARS or name.startswith("user unknown")
    assert engine_seconds(text, mode) < BOUND_S


@pytest.mark.parametrize("name", list(HOSTILE.FILES))
def test_hostile_file_is_explained_in_bounded_time(name: str) -> None:
    data = HOSTILE.FILES[name]
    assert len(data) >= HOSTILE.FILE_BYTES
    assert engine_seconds(data, "explicit") < BOUND_S


SLOW_CHILD = """
import sys, time
sys.path.insert(0, "bench")
import hostile_inputs
from bot.engine import Engine
engine = Engine.load()
text = hostile_inputs.SLOW_ELSEWHERE[sys.argv[1]]
started = time.perf_counter()
engine.explain(text)
print(time.perf_counter() - started)
"""


@pytest.mark.parametrize("name", list(HOSTILE.SLOW_ELSEWHERE))
def test_input_slow_in_the_formats_is_explained_in_bounded_time(name: str) -> None:
    """In a child process, so that a regex holding the interpreter lock cannot stop the suite."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", SLOW_CHILD, name],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=SLOW_ELSEWHERE_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: still running after {SLOW_ELSEWHERE_TIMEOUT_S:g} s")
    assert proc.returncode == 0, proc.stderr
    assert float(proc.stdout.strip().splitlines()[-1]) < BOUND_S


def test_every_knowledge_pattern_runs_on_re2() -> None:
    """The guarantee itself: RE2 accepts every pattern, and the matcher searches with RE2."""
    assert PATTERNS
    assert [p for p in PATTERNS if compile_error(p) is not None] == []
    for index in range(len(ENGINE.matcher.pattern_entries)):
        compiled = ENGINE.matcher._pattern(index)
        assert isinstance(compiled, KnowledgeRegex)
        assert type(compiled._regex).__module__ == re2.__name__


_compiled: dict[str, KnowledgeRegex] = {}


def _pieces(source: str) -> list[str]:
    """What a pattern feeds on: its required strings, its characters, and what surrounds an
    address or a host, the repeats that make backtracking engines slow."""
    literals = list(ENGINE.kb.literals.get(source, ()))
    chars = sorted({ch for ch in source.lower() if ch.isprintable()})
    return [*literals, *chars, "@", " ", "<", ">", ".", "a@b", "x" * 30]


@st.composite
def hostile_text(draw: st.DrawFn) -> tuple[str, str]:
    source = draw(st.sampled_from(PATTERNS))
    pieces = draw(st.lists(st.sampled_from(_pieces(source)), min_size=1, max_size=6))
    unit = "".join(pieces)
    return source, (unit * (PATTERN_MAX_TEXT // max(1, len(unit)) + 1))[:PATTERN_MAX_TEXT]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=hostile_text())
def test_no_knowledge_pattern_is_slow_on_its_own_pieces(case: tuple[str, str]) -> None:
    source, text = case
    regex = _compiled.get(source) or _compiled.setdefault(source, KnowledgeRegex(source))
    data = text.encode()
    regex.search(data)  # the first search builds RE2's automaton
    started = time.perf_counter()
    regex.search(data)
    assert time.perf_counter() - started < SEARCH_BOUND_S, source
