"""Which provider-specific entries answer texts that name a different provider.

    .venv/bin/python bench/cross_firing.py            # list every cross-fire, exit 1 if any
    .venv/bin/python bench/cross_firing.py --counts   # also how many texts were run
    .venv/bin/python bench/cross_firing.py --phrases  # review: each phrase as other servers' reply

A provider's entry is written for that provider's replies. When it wins on a text whose host
names, tags, code formats or URLs name another provider, its advice (who acts, what the code
means there) is probably the wrong provider's. The texts run are the examples of every entry
that has a provider, every documented reply in bench/corpus-providers/*.jsonl, and the examples
of the generic, RFC and MTA entries as each mailbox provider's server would relay them ("host
mx1.<its domain>[192.0.2.1] said: <text>"): wording every server uses must not be answered as
a third provider's. A text is only judged when it names a provider (providers.toml). Not
cross-fires:
- an entry of the provider's family (providers.toml `family`: Yahoo and AOL, GMX and Web.de);
- an entry of a DNS blocklist (`blocklist = true`): a reply names the list its server consulted;
- an entry without a provider (generic, RFC) and MTA entries: they are meant for everyone.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.engine import Engine  # noqa: E402  (the repository root is on the path only from here)

CORPUS = Path(__file__).resolve().parent / "corpus-providers"


@dataclass(frozen=True, slots=True)
class Text:
    """A text to run and where it was read from (an entry id or a corpus file:line)."""

    origin: str
    text: str


@dataclass(frozen=True, slots=True)
class CrossFire:
    """A provider-specific entry that answered a text naming another provider."""

    origin: str
    text: str
    named: str  # the provider the text names
    entry_id: str
    entry_provider: str

    def line(self) -> str:
        return (
            f"{self.entry_id} ({self.entry_provider}) answered a text naming {self.named}"
            f" [{self.origin}]\n    {self.text[:300]}"
        )


def entry_examples(engine: Engine) -> list[Text]:
    """The examples and counterexamples of every entry that belongs to a provider."""
    texts: list[Text] = []
    for entry in engine.kb.entries:
        if entry.provider and not entry.explicit_only:
            texts += [Text(entry.id, t) for t in (*entry.examples, *entry.counterexamples)]
    return texts


def relayed_generic(engine: Engine) -> list[Text]:
    """The examples of entries meant for everyone, as each provider's server would relay them."""
    generic = [
        t
        for entry in engine.kb.entries
        if not entry.provider and not entry.explicit_only and entry.family in ("generic", "rfc", "mta")
        for t in entry.examples
    ]
    texts: list[Text] = []
    for provider in engine.kb.providers:
        if provider.blocklist or not provider.hosts or provider.family == "mta":
            continue
        host = f"mx1.{provider.hosts[0]}"
        texts += [Text(f"{provider.name} relaying", f"host {host}[192.0.2.1] said: {t}") for t in generic]
    return texts


def phrases_elsewhere(engine: Engine) -> list[Text]:
    """Each phrase of a provider's entry (without `requires_provider`) as the bare reply of every
    other provider's server: a list for a person to read, since most provider wording is that
    provider's own and never comes from anyone else ("gsmtp", "AUP#CXBL"). Phrases that other
    servers do use are the ones to narrow."""
    servers = [p for p in engine.kb.providers if p.hosts and not p.blocklist]
    texts: list[Text] = []
    for entry in engine.kb.entries:
        if not entry.provider or entry.requires_provider or entry.explicit_only or entry.family == "mta":
            continue
        for phrase in entry.phrases:
            for p in servers:
                if not engine.matcher.kin(p.name, entry.provider):
                    reply = f"host mx1.{p.hosts[0]}[192.0.2.1] said: 550 {phrase}"
                    texts.append(Text(f"{entry.id} phrase", reply))
    return texts


def corpus_replies(paths: Iterable[Path]) -> list[Text]:
    texts: list[Text] = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for number, raw in enumerate(fh, 1):
                if raw.strip():
                    texts.append(Text(f"{path.name}:{number}", json.loads(raw)["text"]))
    return texts


def cross_fires(engine: Engine, texts: Iterable[Text]) -> list[CrossFire]:
    """Every text whose winning entry belongs to a provider other than the one the text names."""
    blocklists = {p.name for p in engine.kb.providers if p.blocklist}
    found: list[CrossFire] = []
    for t in texts:
        named = engine.providers.detect(t.text)
        if named is None:
            continue
        best = engine.explain(t.text, "explicit").best
        entry = engine.by_id.get(best.entry_id) if best else None
        if entry is None or not entry.provider or entry.family == "mta":
            continue
        if entry.provider in blocklists or engine.matcher.kin(entry.provider, named):
            continue
        found.append(CrossFire(t.origin, t.text, named, entry.id, entry.provider))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of provider *.jsonl files")
    parser.add_argument("--counts", action="store_true", help="print how many texts were run")
    parser.add_argument(
        "--phrases", action="store_true", help="list phrases that answer other servers' replies (review)"
    )
    args = parser.parse_args(argv)
    engine = Engine.load()
    if args.phrases:
        seen = sorted(
            {
                (cf.entry_id, cf.text.split(" said: 550 ", 1)[1])
                for cf in cross_fires(engine, phrases_elsewhere(engine))
            }
        )
        print("\n".join(f"{entry_id}: {phrase}" for entry_id, phrase in seen))
        return 0
    texts = entry_examples(engine) + relayed_generic(engine)
    texts += corpus_replies(sorted(args.corpus.glob("*.jsonl")))
    found = cross_fires(engine, texts)
    if args.counts:
        print(f"{len(texts)} texts run, {len(found)} cross-fires")
    for cf in found:
        print(cf.line())
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
