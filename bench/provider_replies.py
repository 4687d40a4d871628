"""How well the knowledge answers the replies providers document, scored against their documentation.

    .venv/bin/python bench/provider_replies.py                 # every bench/corpus-providers/*.jsonl
    .venv/bin/python bench/provider_replies.py --misses        # also each reply answered wrongly
    .venv/bin/python bench/provider_replies.py bench/corpus-providers/google.jsonl --strict

Each line of a corpus file is one documented reply: {"provider", "text", "reason", "bounce", "source"},
and optionally "recipient", the address that failed, and "slack": true, which says the text is a Slack
message's text as Slack delivers it (entities escaped, links and addresses rewritten): it is first read
the way the bot reads a message (bot/slack/mrkdwn.plain_text). The text goes through the engine in
explicit mode (as `smtpbot explain` or `/smtp` would see it) and its first finding is scored three ways:
- documented meaning: the finding's reason and bounce class are the documented ones;
- provider named: the finding names the line's provider;
- provider-specific entry: the entry that won belongs to that provider or its family (providers.toml
  `family`), not a generic or RFC entry.
A line with reason and bounce "none" reports no failure (a delivery, queue housekeeping, chat): it is
right all three ways when no finding reports a failure, and wrong all three ways otherwise. Where lines
carry "recipient", the share whose first finding names that address is printed too.
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
from bot.slack.mrkdwn import plain_text  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parent / "corpus-providers"
FIELDS = ("provider", "text", "reason", "bounce", "source")
BOUNCES = frozenset({"hard", "soft"})
NO_FAILURE = "none"  # reason and bounce of a line that reports no failure
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
    recipient: str = ""  # the failed address, when the line names one
    slack: bool = False  # the text is a Slack message's text, read as the bot reads one

    @property
    def engine_text(self) -> str:
        """The text as the engine gets it: a Slack message's after the bot's own reading."""
        return plain_text(self.text) if self.slack else self.text

    @property
    def expects_no_failure(self) -> bool:
        return self.reason == NO_FAILURE


@dataclass(frozen=True, slots=True)
class Score:
    """The engine's answer to one reply, judged three ways."""

    reply: Reply
    reason: str  # "" when the engine found nothing
    bounce: str
    provider: str
    entry_id: str
    entry_provider: str
    recipient: str = ""  # the address the finding names

    @property
    def reports_failure(self) -> bool:
        return self.bounce in BOUNCES

    @property
    def meaning(self) -> bool:
        if self.reply.expects_no_failure:
            return not self.reports_failure
        return self.reason == self.reply.reason and self.bounce == self.reply.bounce

    @property
    def named(self) -> bool:
        if self.reply.expects_no_failure:
            return not self.reports_failure
        return self.provider == self.reply.provider

    @property
    def specific(self) -> bool:
        if self.reply.expects_no_failure:
            return not self.reports_failure
        return self.entry_provider == self.reply.provider

    @property
    def recipient_found(self) -> bool:
        return self.recipient.lower() == self.reply.recipient.lower()

    @property
    def missed(self) -> bool:
        recipient_ok = not self.reply.recipient or self.recipient_found
        return not (self.meaning and self.named and self.specific and recipient_ok)


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
                recipient = row.get("recipient", "")
                slack = row.get("slack", False)
                no_failure = row.get("reason") == NO_FAILURE
                if missing:
                    problems.append(f"{where}: missing or empty {', '.join(missing)}")
                elif no_failure and row["bounce"] != NO_FAILURE:
                    problems.append(f"{where}: reason none goes with bounce none")
                elif not no_failure and row["bounce"] not in BOUNCES:
                    problems.append(f"{where}: bounce must be hard or soft, not {row['bounce']!r}")
                elif not isinstance(recipient, str) or (no_failure and recipient):
                    problems.append(f"{where}: recipient must be an address of a failure")
                elif not isinstance(slack, bool):
                    problems.append(f"{where}: slack must be true or false")
                else:
                    fields = (row[f] for f in FIELDS)
                    replies.append(Reply(path.stem, number, *fields, recipient=recipient, slack=slack))
    return replies, problems


def score(engine: Engine, reply: Reply) -> Score:
    best = engine.explain(reply.engine_text, "explicit").best
    if best is None:
        return Score(reply, "", "", "", "", "")
    entry = engine.by_id.get(best.entry_id)
    entry_provider = (entry.provider if entry else None) or ""
    if entry_provider and engine.matcher.kin(entry_provider, reply.provider):
        # an entry of a provider that runs one mail system with the reply's (providers.toml
        # `family`: GMX and Web.de, Yahoo and AOL) is written for that provider's replies too
        entry_provider = reply.provider
    return Score(
        reply,
        best.reason,
        best.bounce,
        best.provider or "",
        best.entry_id,
        entry_provider,
        best.recipient or "",
    )


def percent(hits: int, total: int) -> float:
    return 100.0 * hits / total if total else 0.0


def figures(scores: Sequence[Score]) -> dict[str, float | int]:
    n = len(scores)
    out: dict[str, float | int] = {
        "replies": n,
        "meaning": round(percent(sum(s.meaning for s in scores), n), 1),
        "named": round(percent(sum(s.named for s in scores), n), 1),
        "specific": round(percent(sum(s.specific for s in scores), n), 1),
    }
    labelled = [s for s in scores if s.reply.recipient]
    if labelled:  # only corpora that label recipients get the figure
        out["recipients"] = len(labelled)
        out["recipient"] = round(percent(sum(s.recipient_found for s in labelled), len(labelled)), 1)
    return out


def recipient_line(scores: Sequence[Score]) -> list[str]:
    f = figures(scores)
    if "recipients" not in f:
        return []
    return [f"recipient named: {f['recipient']:.1f}% of the {f['recipients']} lines that name one"]


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
    if r.recipient and not s.recipient_found:
        got += f"; recipient {s.recipient or '(none)'}, want {r.recipient}"
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
        *recipient_line(scores),
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
