"""An answer shows beside its title only the codes the text carried: a status the engine implies
from the entry (`550 user unknown` -> 5.1.1) is kept apart (Finding.implied_code), never shown
as if the server had sent it."""

from __future__ import annotations

from bot.engine import Engine


def test_every_code_shown_for_a_knowledge_example_is_in_its_text(engine: Engine) -> None:
    shown, implied, wrong = 0, 0, []
    for entry in engine.by_id.values():
        for example in entry.examples:
            for finding in engine.explain(example, "explicit").findings:
                shown += 1
                implied += finding.implied_code is not None
                wrong += [(example[:80], c) for c in finding.codes_label.split() if c not in example]
    assert wrong == []
    assert shown > 1000 and implied > 100  # the check saw many answers, many with an implied status
