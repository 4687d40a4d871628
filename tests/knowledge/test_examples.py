"""Every example of every entry in the shipped knowledge base resolves to its own entry.

One test per example and one per counterexample, named after the entry (`id#n`, `id!n`), so a
broken entry is named in the failure.
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
def test_example(entry: Entry, example: str) -> None:
    """The example resolves to its entry (as `kb lint` checks), and the finding carries the entry's
    reason with a bounce kind that fits the entry's permanence."""
    best = ENGINE.explain(example, "explicit").best
    got = best.entry_id if best else None
    assert got == entry.id, (
        f"{entry.file}:{entry.line}: example {example!r} of {entry.id} resolves to {got or 'nothing'}"
    )
    assert best is not None and best.reason == entry.reason
    if not (best.reply_code or best.enhanced_code):
        expected = {"permanent": "hard", "temporary": "soft"}.get(entry.permanence)
        assert expected in (None, best.bounce), f"{entry.id}: {entry.permanence} but bounce {best.bounce}"


@pytest.mark.parametrize(("entry", "text"), COUNTER_CASES)
def test_counterexample(entry: Entry, text: str) -> None:
    found = [f.entry_id for f in ENGINE.explain(text, "explicit").findings]
    assert entry.id not in found, f"{entry.file}:{entry.line}: counterexample {text!r} matches {entry.id}"
