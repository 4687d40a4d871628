"""How well the knowledge answers the replies providers document, scored against their documentation.

    .venv/bin/python bench/provider_replies.py                 # every bench/corpus-providers/*.jsonl
    .venv/bin/python bench/provider_replies.py --misses        # also each reply answered wrongly
    .venv/bin/python bench/provider_replies.py bench/corpus-providers/google.jsonl --strict

Each line of a corpus file is one documented reply: {"provider", "text", "reason", "bounce", "source"}.
The text goes through the engine in explicit mode (as `smtpbot explain` would see it) and its first
finding is scored three ways:
- documented meaning: the finding's reason and bounce class are the documented ones;
- provider named: the finding names the line's provider;
- provider-specific entry: the entry that won belongs to that provider (not a generic or RFC entry).
Targets (issue 12): meaning >= 97%, named >= 95%, specific >= 90%. `--strict` exits 1 below them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.engine import Engine  # noqa: E402  (the repository root is on the path only from here)

DEFAULT_CORPUS = Path(__file__).resolve().parent / "corpus-providers"
FIELDS = ("provider", "text", "reason", "bounce", "source")
BOUNCES = frozenset({"hard", "soft"})
TARGETS = {"meaning": 97.0, "named": 95.0, "specific": 90.0}


@dataclass(frozen=True, slots=True)
class Reply:
    """One documented reply: where it was read from and what the provider says it means."""

    catalogue: str  # the corpus file's name without .jsonl
    line: int
    provider: str
    text: str
    reason: str
    bounce: str
    source: str


@dataclass(frozen=True, slots=True)
class Score:
    """The engine's answer to one reply, judged three ways."""

    reply: Reply
    reason: str  # "" when the engine found nothing
    bounce: str
    provider: str
    entry_id: str
    entry_provider: str

    @property
    def meaning(self) -> bool:
        return self.reason == self.reply.reason and self.bounce == self.reply.bounce

    @property
    def named(self) -> bool:
        return self.provider == self.reply.provider

    @property
    def specific(self) -> bool:
        return self.entry_provider == self.reply.provider

    @property
    def missed(self) -> bool:
        return not (self.meaning and self.named and self.specific)


def read_corpus(paths: Iterable[Path]) -> tuple[list[Reply], list[str]]:
    """Every well-formed line of the files, and a `file:line: problem` for each one that is not."""
    replies: list[Reply] = []
    problems: list[str] = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for number, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                where = f"{path.name}:{number}"
                try:
                    row = json.loads(raw)
                except json.JSONDecodeError as exc:
                    problems.append(f"{where}: not JSON ({exc.msg})")
                    continue
                missing = [f for f in FIELDS if not isinstance(row.get(f), str) or not row[f]]
                if missing:
                    problems.append(f"{where}: missing or empty {', '.join(missing)}")
                elif row["bounce"] not in BOUNCES:
                    problems.append(f"{where}: bounce must be hard or soft, not {row['bounce']!r}")
                else:
                    replies.append(Reply(path.stem, number, *(row[f] for f in FIELDS)))
    return replies, problems


def score(engine: Engine, reply: Reply) -> Score:
    best = engine.explain(reply.text, "explicit").best
    if best is None:
        return Score(reply, "", "", "", "", "")
    entry = engine.by_id.get(best.entry_id)
    entry_provider = (entry.provider if entry else None) or ""
    return Score(reply, best.reason, best.bounce, best.provider or "", best.entry_id, entry_provider)


def percent(hits: int, total: int) -> float:
    return 100.0 * hits / total if total else 0.0


def figures(scores: Sequence[Score]) -> dict[str, float | int]:
    n = len(scores)
    return {
        "replies": n,
        "meaning": round(percent(sum(s.meaning for s in scores), n), 1),
        "named": round(percent(sum(s.named for s in scores), n), 1),
        "specific": round(percent(sum(s.specific for s in scores), n), 1),
    }


def table(title: str, groups: dict[str, list[Score]], total: list[Score]) -> list[str]:
    width = max([len(title), len("total"), *(len(k) for k in groups)])
    head = f"{title:<{width}}  {'replies':>7}  {'meaning':>8}  {'named':>8}  {'specific':>8}"
    lines = [head, "-" * len(head)]
    rows = [*sorted(groups.items()), ("total", total)]
    for name, scores in rows:
        f = figures(scores)
        shares = "  ".join(f"{f[k]:>7.1f}%" for k in ("meaning", "named", "specific"))
        lines.append(f"{name:<{width}}  {f['replies']:>7}  {shares}")
    return lines


def miss_line(s: Score) -> str:
    r = s.reply
    marks = "".join("." if ok else "x" for ok in (s.meaning, s.named, s.specific))
    got = f"{s.reason or '(none)'}/{s.bounce or '-'} {s.provider or '(no provider)'} {s.entry_id or '-'}"
    return f"{marks} {r.catalogue}:{r.line} want {r.reason}/{r.bounce} {r.provider}; got {got}\n    {r.text}"


def grouped(scores: Sequence[Score], field: str) -> dict[str, list[Score]]:
    """Scores by a field of their reply: "catalogue" or "provider"."""
    groups: dict[str, list[Score]] = defaultdict(list)
    for s in scores:
        groups[getattr(s.reply, field)].append(s)
    return groups


def report(scores: list[Score], show_misses: bool) -> list[str]:
    lines = [
        *table("catalogue", grouped(scores, "catalogue"), scores),
        "",
        *table("provider", grouped(scores, "provider"), scores),
        "",
        "targets: meaning >= {meaning:g}%, named >= {named:g}%, specific >= {specific:g}%".format(**TARGETS),
    ]
    if show_misses:
        misses = [s for s in scores if s.missed]
        lines += ["", f"Misses ({len(misses)}; marks: meaning, named, specific; x = wrong)"]
        lines += [miss_line(s) for s in misses]
    return lines


def below_target(scores: Sequence[Score]) -> list[str]:
    f = figures(scores)
    return [k for k, target in TARGETS.items() if f[k] < target]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "files", nargs="*", type=Path, help="corpus files (default: every *.jsonl in the folder)"
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of *.jsonl files")
    parser.add_argument("--misses", action="store_true", help="list every reply not right all three ways")
    parser.add_argument("--json", action="store_true", help="print one JSON object after the table")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a total is below its target")
    args = parser.parse_args(argv)

    paths = args.files or sorted(args.corpus.glob("*.jsonl"))
    if not paths:
        print(f"no corpus files in {args.corpus}", file=sys.stderr)
        return 2
    replies, problems = read_corpus(paths)
    for problem in problems:
        print(problem, file=sys.stderr)
    engine = Engine.load()
    scores = [score(engine, r) for r in replies]
    print("\n".join(report(scores, args.misses)))
    if args.json:
        out = {
            "total": figures(scores),
            "catalogues": {k: figures(v) for k, v in sorted(grouped(scores, "catalogue").items())},
            "providers": {k: figures(v) for k, v in sorted(grouped(scores, "provider").items())},
        }
        print(json.dumps(out, sort_keys=True))
    if problems:
        return 2
    return 1 if args.strict and below_target(scores) else 0


if __name__ == "__main__":
    sys.exit(main())
