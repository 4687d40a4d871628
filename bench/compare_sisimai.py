"""smtpbot and Debian's Sisimai side by side on the same labelled bounces, in the same run.

    .venv/bin/python bench/compare_sisimai.py                 # ../shared/corpus/sisimai-dev
    .venv/bin/python bench/compare_sisimai.py --misses        # also list every email smtpbot gets wrong
    .venv/bin/python bench/compare_sisimai.py --corpus DIR    # another folder with labels.jsonl + files

Both tools get the identical list of files, in label order, each as ONE subprocess over the whole list
(`smtpbot explain --json --files ...` and `perl bench/sisimai_dump.pl ...`); the wall time of each
subprocess, start-up included, gives the headline emails/second. In-process figures (smtpbot: the
engine loaded once, then `explain_file` on each file; Sisimai: time inside `Sisimai->make`, as the Perl
driver reports it) are printed too. Tools alternate over --rounds runs and the median is reported.

Scoring: the FIRST expected row of each email against the tool's FIRST finding. An email with no
finding, or one that crashed or hung the tool, is a miss. See bench/README.md for the exact rules.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "sisimai-dev"
SISIMAI_DRIVER = Path(__file__).resolve().parent / "sisimai_dump.pl"

# Not SMTP errors: a complaint report, a success DSN, an auto-reply. Left out of the reason score.
NOT_ERRORS = frozenset({"feedback", "delivered", "vacation"})
# class.subject.detail as in RFC 3463 section 2 (detail 1-3 digits)
STATUS_RE = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})$")
# Sisimai writes pseudo-codes such as 5.0.947 when a bounce carries no enhanced code; every one of them
# has a detail of 900 or more, which no registered code has.
PSEUDO_DETAIL_MIN = 900
REPLY_RE = re.compile(r"^[2-5]\d\d$")
NO_ANSWER = "(none)"


def is_rfc3463_status(code: str) -> bool:
    """A real RFC 3463 enhanced status code, i.e. not empty and not one of Sisimai's x.y.9NN pseudo-codes."""
    m = STATUS_RE.match(code)
    return bool(m) and int(m.group(3)) < PSEUDO_DETAIL_MIN


@dataclass(frozen=True, slots=True)
class Label:
    id: str
    path: Path
    engine: str
    reason: str
    status: str
    replycode: str


@dataclass(frozen=True, slots=True)
class Answer:
    """A tool's first finding for one email; all empty (and `error` maybe set) when it had none."""

    reason: str = ""
    status: str = ""
    replycode: str = ""
    detail: str = ""  # smtpbot: entry id; for --misses
    error: str = ""

    @property
    def found(self) -> bool:
        return bool(self.reason)


@dataclass(slots=True)
class Score:
    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.total += 1
        self.hits += int(hit)

    def pct(self) -> float:
        return 100.0 * self.hits / self.total if self.total else 0.0

    def cell(self) -> str:
        return f"{self.hits}/{self.total} {self.pct():5.1f}%" if self.total else "n/a"


@dataclass(slots=True)
class ToolResult:
    name: str
    answers: dict[str, Answer] = field(default_factory=dict)  # by source path
    wall_s: list[float] = field(default_factory=list)  # one per round, whole subprocess(es)
    cpu_s: list[float] = field(default_factory=list)  # one per round, the subprocesses' user + system
    inproc_s: list[float] = field(default_factory=list)  # one per round, processing only
    crashed: int = 0
    restarts: int = 0


# --- labels ------------------------------------------------------------------------------------


def load_labels(corpus: Path, limit: int | None) -> list[Label]:
    labels: list[Label] = []
    with open(corpus / "labels.jsonl", encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                first = row["expected"][0]
                labels.append(
                    Label(
                        id=str(row["id"]),
                        path=(corpus / row["file"]).resolve(),
                        engine=str(row.get("engine") or "?"),
                        reason=str(first.get("reason") or ""),
                        status=str(first.get("status") or ""),
                        replycode=str(first.get("replycode") or ""),
                    )
                )
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                print(f"labels.jsonl:{line_no}: skipped, {exc!r}", file=sys.stderr)
            if limit is not None and len(labels) >= limit:
                break
    return labels


# --- running a tool as one subprocess over all files -------------------------------------------


def run_batch(
    argv: Sequence[str],
    files: list[str],
    parse: Callable[[dict], tuple[str, Answer] | None],
    result: ToolResult,
    on_summary: Callable[[dict], None] | None = None,
) -> float:
    """Run `argv + files`; record one Answer per file. Returns wall seconds (all restarts included).

    A tool that dies or hangs part-way must not lose the run: the first file without an answer is
    blamed (a miss), and the rest go to a fresh process.
    """
    pending = list(files)
    wall = 0.0
    while pending:
        timeout = 60 + 2 * len(pending)
        started = time.perf_counter()
        failure = ""
        try:
            proc = subprocess.run(
                [*argv, *pending], capture_output=True, text=True, errors="replace", timeout=timeout, cwd=REPO
            )
            out = proc.stdout
            if proc.returncode < 0 or proc.returncode > 1:
                failure = f"exit status {proc.returncode}: {proc.stderr.strip()[-300:]}"
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
            failure = f"timed out after {timeout} s"
        except OSError as exc:
            out, failure = "", f"could not start: {exc}"
        wall += time.perf_counter() - started
        for line in out.splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if not isinstance(obj, dict):
                continue
            if "summary" in obj:
                if on_summary:
                    on_summary(obj["summary"])
                continue
            parsed = parse(obj)
            if parsed:
                result.answers[parsed[0]] = parsed[1]
        missing = [f for f in pending if f not in result.answers]
        if not missing:
            break
        result.crashed += 1
        result.answers[missing[0]] = Answer(error=failure or "no output for this file")
        if failure.startswith("could not start"):
            for f in missing[1:]:
                result.answers[f] = Answer(error=failure)
            break
        pending = missing[1:]
        result.restarts += 1 if pending else 0
    return wall


def children_cpu_s() -> float:
    """User + system CPU seconds of every finished child so far: a subprocess's share of the
    machine, which the other core's load moves much less than its wall time."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def warm_up(files: list[str], with_sisimai: bool) -> None:
    """Untimed: what an installed tool has ready before its first real run. smtpbot's byte code
    (an environment with PYTHONDONTWRITEBYTECODE would otherwise compile the package on every
    run) and its engine cache; for both tools, the files and the code in the page cache."""
    compileall.compile_dir(str(REPO / "bot"), quiet=1)
    scratch = ToolResult("warm-up")
    run_batch([*smtpbot_argv(), "explain", "--json", "--files"], files, parse_smtpbot, scratch)
    if with_sisimai:
        run_batch(["perl", str(SISIMAI_DRIVER)], files, parse_sisimai, ToolResult("warm-up"))


def smtpbot_argv() -> list[str]:
    for candidate in (Path(sys.executable).parent / "smtpbot", REPO / ".venv" / "bin" / "smtpbot"):
        if candidate.exists():
            return [str(candidate)]
    return [sys.executable, "-m", "bot"]


def _first_answer(obj: dict, status: str, replycode: str, detail: str = "") -> tuple[str, Answer] | None:
    """One JSON line of either tool: its source and the first finding's answer."""
    source = obj.get("source")
    if not isinstance(source, str):
        return None
    findings = obj.get("findings") or []
    if not findings:
        return source, Answer(error=str(obj.get("error") or ""))
    f = findings[0]
    return source, Answer(
        reason=f.get("reason") or "",
        status=f.get(status) or "",
        replycode=str(f.get(replycode) or ""),
        detail=(f.get(detail) or "") if detail else "",
    )


def parse_smtpbot(obj: dict) -> tuple[str, Answer] | None:
    return _first_answer(obj, "enhanced_code", "reply_code", detail="entry_id")


def parse_sisimai(obj: dict) -> tuple[str, Answer] | None:
    return _first_answer(obj, "status", "replycode")


def sisimai_version() -> str | None:
    try:
        proc = subprocess.run(
            ["perl", "-MSisimai", "-e", "print Sisimai->version"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


def smtpbot_in_process(files: list[str], rounds: int, result: ToolResult) -> float | None:
    """Engine loaded once; then time explain_file over every file, `rounds` times. Returns load seconds."""
    sys.path.insert(0, str(REPO))
    try:
        from bot.engine import Engine
    except Exception as exc:  # a broken tree must not stop the side-by-side figures
        print(f"note: smtpbot in-process figures skipped: {exc!r}", file=sys.stderr)
        return None
    started = time.perf_counter()
    engine = Engine.load()
    load_s = time.perf_counter() - started
    for _ in range(rounds):
        started = time.perf_counter()
        for path in files:
            # a crash is counted as a miss by the subprocess run; here only time matters
            with contextlib.suppress(Exception):
                engine.explain_file(path)
        result.inproc_s.append(time.perf_counter() - started)
    return load_s


# --- scoring and printing ------------------------------------------------------------------------


@dataclass(slots=True)
class Scores:
    reason: Score = field(default_factory=Score)
    status: Score = field(default_factory=Score)
    reply: Score = field(default_factory=Score)
    emails: int = 0
    no_finding: int = 0


def score(labels: list[Label], answers: dict[str, Answer]) -> tuple[Scores, dict[str, Scores]]:
    overall = Scores()
    by_engine: dict[str, Scores] = defaultdict(Scores)
    for label in labels:
        got = answers.get(str(label.path), Answer(error="no answer"))
        for s in (overall, by_engine[label.engine]):
            s.emails += 1
            s.no_finding += int(not got.found)
            if label.reason and label.reason not in NOT_ERRORS:
                s.reason.add(got.reason == label.reason)
            if is_rfc3463_status(label.status):
                s.status.add(got.status == label.status)
            if REPLY_RE.match(label.replycode):
                s.reply.add(got.replycode == label.replycode)
    return overall, by_engine


def reason_errors(labels: list[Label], answers: dict[str, Answer]) -> Counter[tuple[str, str]]:
    errors: Counter[tuple[str, str]] = Counter()
    for label in labels:
        if not label.reason or label.reason in NOT_ERRORS:
            continue
        got = answers.get(str(label.path), Answer())
        if got.reason != label.reason:
            errors[(label.reason, got.reason or NO_ANSWER)] += 1
    return errors


def rate(n: int, seconds: list[float]) -> float | None:
    if not seconds:
        return None
    median = statistics.median(seconds)
    return n / median if median > 0 else None


def fmt_rate(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "n/a"


def fmt_ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "n/a"


def print_confusion(title: str, errors: Counter[tuple[str, str]], limit: int) -> None:
    print(f"\n{title} ({sum(errors.values())} emails; expected -> answered)")
    if not errors:
        print("  none")
        return
    for (expected, answered), n in errors.most_common(limit):
        print(f"  {expected:<16} -> {answered:<16} {n:>4}")
    if len(errors) > limit:
        rest = sum(n for _, n in errors.most_common()[limit:])
        print(f"  ... {len(errors) - limit} more pairs, {rest} emails (--confusion-limit)")


def print_per_reason(labels: list[Label], tools: list[ToolResult]) -> None:
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * (1 + len(tools)))
    for label in labels:
        if not label.reason or label.reason in NOT_ERRORS:
            continue
        row = counts[label.reason]
        row[0] += 1
        for i, tool in enumerate(tools, 1):
            row[i] += int(tool.answers.get(str(label.path), Answer()).reason == label.reason)
    print("\nPer expected reason (hits/emails), weakest for smtpbot first")
    print(f"  {'reason':<16} {'emails':>6}  " + "  ".join(f"{t.name:>16}" for t in tools))
    for reason, row in sorted(counts.items(), key=lambda kv: (kv[1][1] / kv[1][0], -kv[1][0])):
        cells = "  ".join(f"{f'{h}/{row[0]} {100 * h / row[0]:3.0f}%':>16}" for h in row[1:])
        print(f"  {reason:<16} {row[0]:>6}  {cells}")


def print_per_engine(smtpbot: dict[str, Scores], sisimai: dict[str, Scores] | None) -> None:
    print("\nsmtpbot per bounce engine (label `engine`), most reason misses first")
    head = f"  {'engine':<16} {'emails':>6}  {'reason':>14}  {'status':>14}  {'reply code':>14}"
    print(head + (f"  {'Sisimai reason':>14}" if sisimai else ""))

    def misses(s: Scores) -> int:
        return s.reason.total - s.reason.hits

    for engine, s in sorted(smtpbot.items(), key=lambda kv: (-misses(kv[1]), kv[0])):
        cells = (s.reason.cell(), s.status.cell(), s.reply.cell())
        line = f"  {engine:<16} {s.emails:>6}  " + "  ".join(f"{c:>14}" for c in cells)
        if sisimai:
            line += f"  {sisimai[engine].reason.cell():>14}"
        print(line)


def print_misses(labels: list[Label], answers: dict[str, Answer]) -> None:
    print("\nsmtpbot misses (x marks each disagreeing field; '-' = not scored)")
    for label in labels:
        got = answers.get(str(label.path), Answer(error="no answer"))
        marks = []
        for scored, ok in (
            (bool(label.reason) and label.reason not in NOT_ERRORS, got.reason == label.reason),
            (is_rfc3463_status(label.status), got.status == label.status),
            (bool(REPLY_RE.match(label.replycode)), got.replycode == label.replycode),
        ):
            marks.append("-" if not scored else ("." if ok else "x"))
        if "x" not in marks:
            continue
        expected = f"{label.reason} {label.status or '-'} {label.replycode or '-'}"
        answered = (
            f"{got.reason} {got.status or '-'} {got.replycode or '-'} [{got.detail}]"
            if got.found
            else f"{NO_ANSWER}{' ' + got.error if got.error else ''}"
        )
        print(f"  {''.join(marks)} {label.path.name:<36} {label.engine:<14} {expected:<30} -> {answered}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with labels.jsonl")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per tool, alternating (median)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N labelled emails")
    parser.add_argument("--misses", action="store_true", help="list every email smtpbot gets wrong")
    parser.add_argument("--no-sisimai", action="store_true", help="smtpbot only")
    parser.add_argument("--sisimai-confusion", action="store_true", help="also print Sisimai's errors")
    parser.add_argument("--confusion-limit", type=int, default=40, help="pairs shown per confusion table")
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON object")
    args = parser.parse_args(argv)
    if hasattr(signal, "SIGPIPE"):  # `... | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)

    corpus = args.corpus.resolve()
    if not (corpus / "labels.jsonl").is_file():
        print(f"compare_sisimai: no labels.jsonl in {corpus}", file=sys.stderr)
        return 2
    labels = load_labels(corpus, args.limit)
    if not labels:
        print("compare_sisimai: no labelled emails", file=sys.stderr)
        return 2
    files = [str(label.path) for label in labels]
    rounds = max(1, args.rounds)

    version = None if args.no_sisimai else sisimai_version()
    if not args.no_sisimai and version is None:
        print("note: Perl Sisimai not found (apt-get install libsisimai-perl); smtpbot only", file=sys.stderr)
    smtpbot = ToolResult("smtpbot")
    sisimai = ToolResult(f"Sisimai {version}") if version else None
    sisimai_load: list[float] = []

    def sisimai_summary(summary: dict) -> None:
        if sisimai is not None and isinstance(summary.get("parse_s"), int | float):
            sisimai.inproc_s.append(float(summary["parse_s"]))
            sisimai_load.append(float(summary.get("load_s") or 0))

    warm_up(files[:20], sisimai is not None)
    for n in range(rounds):
        # answers come from the first round; later rounds only time (a fresh ToolResult keeps them apart)
        target = smtpbot if n == 0 else ToolResult("smtpbot")
        cpu = children_cpu_s()
        smtpbot.wall_s.append(
            run_batch([*smtpbot_argv(), "explain", "--json", "--files"], files, parse_smtpbot, target)
        )
        smtpbot.cpu_s.append(children_cpu_s() - cpu)
        if sisimai is not None:
            target = sisimai if n == 0 else ToolResult(sisimai.name)
            before = len(sisimai.inproc_s)
            cpu = children_cpu_s()
            sisimai.wall_s.append(
                run_batch(["perl", str(SISIMAI_DRIVER)], files, parse_sisimai, target, sisimai_summary)
            )
            sisimai.cpu_s.append(children_cpu_s() - cpu)
            if target.restarts and len(sisimai.inproc_s) > before:
                # a restarted run reports several summaries; only a clean run gives a whole-list figure
                del sisimai.inproc_s[before:]
    smtpbot_load = smtpbot_in_process(files, rounds, smtpbot)

    tools = [smtpbot] + ([sisimai] if sisimai else [])
    scored = {t.name: score(labels, t.answers) for t in tools}
    s_overall = scored[smtpbot.name][0]

    n = len(labels)
    print(f"Side by side on {corpus} ({n} emails; first expected row vs first finding)")
    print(
        f"scored: reason {s_overall.reason.total} (feedback/delivered/vacation left out), "
        f"enhanced status {s_overall.status.total} (real RFC 3463 codes only), "
        f"reply code {s_overall.reply.total}; timing: median of {rounds} round(s), one process per tool\n"
    )
    width = 22
    print(f"{'':<34}" + "".join(f"{t.name:>{width}}" for t in tools))
    rows: list[tuple[str, list[str]]] = []
    for label_text, attr in (
        ("reason agreement", "reason"),
        ("enhanced status agreement", "status"),
        ("reply code agreement", "reply"),
    ):
        rows.append((label_text, [getattr(scored[t.name][0], attr).cell() for t in tools]))
    rows.append(("emails with no finding", [str(scored[t.name][0].no_finding) for t in tools]))
    rows.append(("emails that crashed/hung the tool", [str(t.crashed) for t in tools]))
    sub_rates = [rate(n, t.wall_s) for t in tools]
    cpu_rates = [rate(n, t.cpu_s) for t in tools]
    in_rates = [rate(n, t.inproc_s) for t in tools]
    rows.append(("emails/s, subprocess wall time", [fmt_rate(r) for r in sub_rates]))
    rows.append(("emails/s, subprocess CPU time", [fmt_rate(r) for r in cpu_rates]))
    rows.append(("emails/s, in-process", [fmt_rate(r) for r in in_rates]))
    rows.append(
        (
            "subprocess wall time, median",
            [f"{statistics.median(t.wall_s):.3f} s" if t.wall_s else "n/a" for t in tools],
        )
    )
    # the fastest round is the one least disturbed by whatever else the machine was doing
    fastest = [min(t.wall_s) if t.wall_s else None for t in tools]
    rows.append(("subprocess wall time, fastest", [f"{f:.3f} s" if f else "n/a" for f in fastest]))
    load_cells = [f"{smtpbot_load:.3f} s" if smtpbot_load is not None else "n/a"]
    if sisimai:
        load_cells.append(f"{statistics.median(sisimai_load):.3f} s" if sisimai_load else "n/a")
    rows.append(("load (engine / modules)", load_cells))
    for label_text, cells in rows:
        print(f"{label_text:<34}" + "".join(f"{c:>{width}}" for c in cells))
    if sisimai:
        fastest_ratio = fmt_ratio(fastest[1], fastest[0]) if all(fastest) else "n/a"
        print(
            f"\nspeed ratio smtpbot / Sisimai: {fmt_ratio(cpu_rates[0], cpu_rates[1])} subprocess CPU time, "
            f"{fmt_ratio(sub_rates[0], sub_rates[1])} subprocess wall time, "
            f"{fmt_ratio(in_rates[0], in_rates[1])} in-process; {fastest_ratio} between the fastest "
            "rounds of each"
        )

    print_confusion("smtpbot reason errors", reason_errors(labels, smtpbot.answers), args.confusion_limit)
    if sisimai and args.sisimai_confusion:
        print_confusion(
            f"{sisimai.name} reason errors", reason_errors(labels, sisimai.answers), args.confusion_limit
        )
    print_per_reason(labels, tools)
    print_per_engine(scored[smtpbot.name][1], scored[sisimai.name][1] if sisimai else None)
    if args.misses:
        print_misses(labels, smtpbot.answers)

    if args.json:
        report = {
            "corpus": str(corpus),
            "emails": n,
            "rounds": rounds,
            "tools": {
                t.name: {
                    "reason": [scored[t.name][0].reason.hits, scored[t.name][0].reason.total],
                    "status": [scored[t.name][0].status.hits, scored[t.name][0].status.total],
                    "replycode": [scored[t.name][0].reply.hits, scored[t.name][0].reply.total],
                    "no_finding": scored[t.name][0].no_finding,
                    "crashed": t.crashed,
                    "emails_per_s_subprocess": sub_rates[i],
                    "emails_per_s_in_process": in_rates[i],
                }
                for i, t in enumerate(tools)
            },
        }
        if sisimai:
            report["speed_ratio_subprocess"] = sub_rates[0] / sub_rates[1] if all(sub_rates) else None
            report["speed_ratio_cpu"] = cpu_rates[0] / cpu_rates[1] if all(cpu_rates) else None
            report["speed_ratio_in_process"] = in_rates[0] / in_rates[1] if all(in_rates) else None
            report["speed_ratio_fastest_rounds"] = fastest[1] / fastest[0] if all(fastest) else None
        print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
