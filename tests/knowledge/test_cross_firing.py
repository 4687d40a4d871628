"""The cross-firing check (bench/cross_firing.py) sees what it is for: a provider's entry answering
another provider's reply. The check over the whole knowledge (77,000 texts) runs with the corpus
floors in tests/system/test_cross_firing_matrix.py.
"""

from __future__ import annotations

from pathlib import Path

from knowledge_fixtures import entry_toml
from repo_paths import bench_module

from bot.engine import Engine

cross_firing = bench_module("cross_firing")

ENGINE = Engine.load(extra_dir="")  # the shipped knowledge only, whatever the environment says


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
