"""No provider's entry answers a text that names another provider (bench/cross_firing.py).

The texts are the examples and counterexamples of every provider's entry, the documented replies in
bench/corpus-providers, and the generic, RFC and MTA examples as each provider's server would relay
them. A broad phrase in a provider's entry shows up here as that entry answering another provider's
reply; the fix is a narrower phrase, `requires_provider` or a counterexample.
"""

from __future__ import annotations

from pathlib import Path

from knowledge_fixtures import entry_toml
from repo_paths import bench_module

from bot.engine import Engine

cross_firing = bench_module("cross_firing")

ENGINE = Engine.load(extra_dir="")  # the shipped knowledge only, whatever the environment says


def shipped_texts(engine: Engine) -> list:
    texts = cross_firing.entry_examples(engine) + cross_firing.relayed_generic(engine)
    return texts + cross_firing.corpus_replies(sorted(cross_firing.CORPUS.glob("*.jsonl")))


def test_no_provider_entry_answers_another_providers_text() -> None:
    found = cross_firing.cross_fires(ENGINE, shipped_texts(ENGINE))
    assert [cf.line() for cf in found] == []


def test_the_check_sees_a_broad_phrase_in_a_providers_entry(tmp_path: Path) -> None:
    # A Yahoo entry with wording every server may use must be caught answering Office 365's reply.
    yahoo_host = "host mta5.am0.yahoodns.net[192.0.2.1] said: 550 Sender address is not allowed."
    broad = entry_toml(
        "local.yahoo-broad",
        phrases=["sender address is not allowed"],
        examples=[yahoo_host],
        extra='provider = "Yahoo"',
    )
    (tmp_path / "broad.toml").write_text(broad, encoding="utf-8")
    engine = Engine.load(extra_dir=str(tmp_path), use_cache=False)
    office = "host smtp.office365.com[52.97.1.1] said: 550 Sender address is not allowed."
    found = cross_firing.cross_fires(engine, [cross_firing.Text("probe", office)])
    assert [(cf.entry_id, cf.named) for cf in found] == [("local.yahoo-broad", "Microsoft")]


def test_a_reply_naming_the_entrys_own_family_is_not_a_cross_fire() -> None:
    # AOL runs on Yahoo's mail system: a Yahoo entry answering an AOL host is the right answer.
    aol = (
        "host mailin-01.mx.aol.com[64.12.88.164] said: 421 Max message per connection reached,"
        " closing transmission channel"
    )
    best = ENGINE.explain(aol, "explicit").best
    assert best is not None and ENGINE.by_id[best.entry_id].provider == "Yahoo"
    assert ENGINE.providers.detect(aol) == "AOL"
    assert cross_firing.cross_fires(ENGINE, [cross_firing.Text("probe", aol)]) == []
