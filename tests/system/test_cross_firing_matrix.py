"""No provider's entry answers a text that names another provider (bench/cross_firing.py).

The texts are the examples and counterexamples of every provider's entry, the documented replies in
bench/corpus-providers, and the generic, RFC and MTA examples as each provider's server would relay
them (about 77,000 texts, 12 s). A broad phrase in a provider's entry shows up here as that entry
answering another provider's reply; the fix is a narrower phrase, `requires_provider` or a
counterexample.
"""

from __future__ import annotations

from repo_paths import bench_module

from bot.engine import Engine

cross_firing = bench_module("cross_firing")


def test_no_provider_entry_answers_another_providers_text() -> None:
    engine = Engine.load(extra_dir="")  # the shipped knowledge only, whatever the environment says
    texts = cross_firing.entry_examples(engine) + cross_firing.relayed_generic(engine)
    texts += cross_firing.corpus_replies(sorted(cross_firing.CORPUS.glob("*.jsonl")))
    found = cross_firing.cross_fires(engine, texts)
    assert [cf.line() for cf in found] == []
