"""Every example of every entry in the shipped knowledge base resolves to its own entry.

One test case per example, named after the entry, so a broken entry is named in the failure.
"""

from __future__ import annotations

import pytest

from bot.engine import Engine, Entry

ENGINE = Engine.load(extra_dir="")  # the shipped knowledge only, whatever the environment says
CASES = [
    pytest.param(entry, example, id=f"{entry.id}#{index}")
    for entry in ENGINE.entries
    for index, example in enumerate(entry.examples)
]

COUNTER_CASES = [
    pytest.param(entry, text, id=f"{entry.id}!{index}")
    for entry in ENGINE.entries
    for index, text in enumerate(entry.counterexamples)
]


def test_knowledge_loads_without_problems() -> None:
    assert [str(p) for p in ENGINE.kb.problems] == []


def test_every_entry_has_an_example() -> None:
    assert [e.id for e in ENGINE.entries if not e.examples] == []


@pytest.mark.parametrize(("entry", "example"), CASES)
def test_example_resolves_to_its_entry(entry: Entry, example: str) -> None:
    result = ENGINE.explain(example, "explicit")
    got = result.best.entry_id if result.best else None
    assert got == entry.id, (
        f"{entry.file}:{entry.line}: example {example!r} of {entry.id} resolves to {got or 'nothing'}"
    )


@pytest.mark.parametrize(("entry", "example"), CASES)
def test_example_finding_agrees_with_its_entry(entry: Entry, example: str) -> None:
    """The finding carries the entry's reason, and its bounce kind fits the entry's permanence."""
    best = ENGINE.explain(example, "explicit").best
    if best is None or best.entry_id != entry.id:
        pytest.skip("covered by test_example_resolves_to_its_entry")
    assert best.reason == entry.reason
    if entry.permanence == "permanent" and not (best.reply_code or best.enhanced_code):
        assert best.bounce == "hard"
    if entry.permanence == "temporary" and not (best.reply_code or best.enhanced_code):
        assert best.bounce == "soft"


@pytest.mark.parametrize(("entry", "text"), COUNTER_CASES)
def test_counterexample_does_not_resolve_to_its_entry(entry: Entry, text: str) -> None:
    found = [f.entry_id for f in ENGINE.explain(text, "explicit").findings]
    assert entry.id not in found, f"{entry.file}:{entry.line}: counterexample {text!r} matches {entry.id}"
