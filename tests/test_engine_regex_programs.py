"""Patterns made from stored programs are the patterns re.compile makes, or re.compile's own."""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine import Engine, regex_programs
from bot.engine.regex_programs import STORE_NAME, compile_program, program


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


# --- the store of the engine's own expressions -------------------------------------------------

STORE_PROBE = """
import json, sys
from bot.engine import Engine, regex_programs
result = Engine.load().explain("550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown")
print(json.dumps({"made": len(regex_programs._made), "stored": len(regex_programs._stored),
                  "contract": result.contract()}))
"""


def run_probe(cache_dir: Path | str, **more_env: str) -> dict:
    env = {**os.environ, "SMTPBOT_CACHE_DIR": str(cache_dir), **more_env}
    out = subprocess.run(
        [sys.executable, "-c", STORE_PROBE], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout)


def test_store_is_written_at_exit_and_used_by_the_next_run(tmp_path: Path) -> None:
    first = run_probe(tmp_path)
    assert first["made"] > 40 and first["stored"] == 0  # every expression compiled, then stored
    assert (tmp_path / STORE_NAME).is_file()
    second = run_probe(tmp_path)
    assert second["made"] == 0 and second["stored"] >= first["made"]
    assert second["contract"] == first["contract"]
    assert second["contract"]["findings"][0]["enhanced_code"] == "5.1.1"


@pytest.mark.parametrize("junk", [b"", b"not a pickle", pickle.dumps(["a", "list"]), pickle.dumps({"x": 1})])
def test_unreadable_store_is_replaced(tmp_path: Path, junk: bytes) -> None:
    expected = run_probe(tmp_path / "clean")["contract"]
    (tmp_path / STORE_NAME).write_bytes(junk)
    assert run_probe(tmp_path)["contract"] == expected
    assert run_probe(tmp_path)["made"] == 0  # rewritten whole by the run before


def test_damaged_program_in_store_is_not_used(tmp_path: Path) -> None:
    run_probe(tmp_path)
    store = pickle.loads((tmp_path / STORE_NAME).read_bytes())
    programs = {key: stored for key, stored in store.items() if isinstance(key[1], int)}
    assert len(programs) > 40
    for key, stored in programs.items():
        code = bytearray(stored[1])
        code[len(code) // 2] ^= 0xFF
        store[key] = (stored[0], bytes(code), *stored[2:])
    (tmp_path / STORE_NAME).write_bytes(pickle.dumps(store))
    expected = run_probe(tmp_path / "clean")["contract"]
    repairing = run_probe(tmp_path)
    assert repairing["contract"] == expected
    assert repairing["made"] >= len(programs)  # made again, and stored at exit
    assert run_probe(tmp_path)["made"] == 0


def test_no_store_when_the_cache_is_off(tmp_path: Path) -> None:
    result = run_probe("off", XDG_CACHE_HOME=str(tmp_path), HOME=str(tmp_path))
    assert result["made"] > 40 and result["stored"] == 0
    assert not list(tmp_path.iterdir())
    run_probe("", XDG_CACHE_HOME=str(tmp_path))  # the default place, to show the probe would write
    assert (tmp_path / "smtpbot" / STORE_NAME).is_file()


def test_strings_derived_from_a_pattern_are_remembered() -> None:
    calls = []

    def derive() -> tuple[str, ...]:
        calls.append(1)
        return ("user unknown", "no such user")

    kind = f"test-kind-{os.getpid()}"
    assert regex_programs.strings_cached(kind, "(user unknown|no such user)", derive) == derive()
    assert regex_programs.strings_cached(kind, "(user unknown|no such user)", derive) == derive()
    assert len(calls) == 3  # once remembered, the two direct calls above aside


def test_strings_of_the_wrong_shape_in_the_store_are_derived_again(monkeypatch: pytest.MonkeyPatch) -> None:
    store = {("odd-kind", "x"): ["not", "a", "tuple"], ("odd-kind", "y"): (1, 2)}
    monkeypatch.setattr(regex_programs, "_stored", store)
    assert regex_programs.strings_cached("odd-kind", "x", lambda: ("x",)) == ("x",)
    assert regex_programs.strings_cached("odd-kind", "y", lambda: ("y",)) == ("y",)


def test_store_keeps_the_literals_guarded_patterns_need(tmp_path: Path) -> None:
    run_probe(tmp_path)
    store = pickle.loads((tmp_path / STORE_NAME).read_bytes())
    kinds = {key[0] for key in store if isinstance(key[0], str) and key[0].startswith("required_literals")}
    assert kinds == {"required_literals/2"}
    assert all(isinstance(v, tuple) for k, v in store.items() if k[0] == "required_literals/2")
