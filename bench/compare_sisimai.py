"""smtpbot and Debian's Sisimai side by side on the same labelled bounces, in the same run.

    .venv/bin/python bench/compare_sisimai.py                 # ../shared/corpus/sisimai-dev
    .venv/bin/python bench/compare_sisimai.py --misses        # also list every email smtpbot gets wrong
    .venv/bin/python bench/compare_sisimai.py --corpus DIR    # labels.jsonl or <family>/labels.jsonl
    .venv/bin/python bench/compare_sisimai.py --corpus bench/corpus-mta
    .venv/bin/python bench/compare_sisimai.py --corpus bench/corpus-mta/postfix   # one family folder

Both tools get the identical list of files, in label order, each as ONE subprocess over the whole list
(`smtpbot explain --json --files ...` and `perl bench/sisimai_dump.pl ...`); the wall time of each
subprocess, start-up included, gives the headline emails/second. In-process figures (smtpbot: the
engine loaded once, then `explain_file` on each file; Sisimai: time inside `Sisimai->make`, as the Perl
driver reports it) are printed too. Tools alternate over --rounds runs and the median is reported.

Scoring: reason, status, reply code and hard/soft compare the FIRST expected row of each email with the
tool's FIRST finding; the "per recipient" rows compare EVERY expected row with the tool's finding for
the same recipient; recipients compare every expected address with every finding's. An email with no
finding, or one that crashed or hung the tool, is a miss. See bench/README.md for the exact rules.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import resource
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from detail_tables import (
    print_confusion,
    print_misses,
    print_per_engine,
    print_per_reason,
    print_recipient_misses,
)
from labelled_corpus import (
    HARD_SOFT_BY_REASON,
    Answer,
    Scores,
    hard_soft_semantics,
    label_files,
    load_labels,
    reason_errors,
    score,
    scores_json,
)
from tool_answers import parse_sisimai, parse_smtpbot

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "sisimai-dev"
SISIMAI_DRIVER = Path(__file__).resolve().parent / "sisimai_dump.pl"


@dataclass(slots=True)
class ToolResult:
    name: str
    answers: dict[str, Answer] = field(default_factory=dict)  # by source path
    wall_s: list[float] = field(default_factory=list)  # one per round, whole subprocess(es)
    cpu_s: list[float] = field(default_factory=list)  # one per round, the subprocesses' user + system
    inproc_s: list[float] = field(default_factory=list)  # one per round, processing only
    crashed: int = 0
    restarts: int = 0


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


def rate(n: int, seconds: list[float]) -> float | None:
    if not seconds:
        return None
    median = statistics.median(seconds)
    return n / median if median > 0 else None


def fmt_rate(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "n/a"


def fmt_ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "n/a"


def answer_rows(overall: list[Scores], semantics: str) -> list[tuple[str, list[str]]]:
    """The main table's answer-quality rows, one cell per tool."""
    kind = "by reason" if semantics == HARD_SOFT_BY_REASON else "by class"
    labelled_recipients = any(s.recipient.total for s in overall)
    return [
        ("reason agreement", [s.reason.cell() for s in overall]),
        ("enhanced status agreement", [s.status.cell() for s in overall]),
        ("reply code agreement", [s.reply.cell() for s in overall]),
        ("failed recipients found exactly", [s.recipient.cell() for s in overall]),
        (
            "recipients not in the labels",
            [str(s.extra_recipients) if labelled_recipients else "n/a" for s in overall],
        ),
        (f"hard/soft agreement ({kind})", [s.hardsoft.cell() for s in overall]),
        ("unanswered (emails with no finding)", [str(s.no_finding) for s in overall]),
        ("per recipient: reason", [s.per_recipient.reason.cell() for s in overall]),
        ("per recipient: enhanced status", [s.per_recipient.status.cell() for s in overall]),
        ("per recipient: reply code", [s.per_recipient.reply.cell() for s in overall]),
        (f"per recipient: hard/soft ({kind})", [s.per_recipient.hardsoft.cell() for s in overall]),
        ("per recipient: rows with no finding", [str(s.per_recipient.unmatched) for s in overall]),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with labels.jsonl or */labels.jsonl"
    )
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
    if not label_files(corpus):
        print(f"compare_sisimai: no labels.jsonl or */labels.jsonl in {corpus}", file=sys.stderr)
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
    semantics = hard_soft_semantics(corpus)

    n = len(labels)
    print(
        f"Side by side on {corpus} ({n} emails; first expected row vs first finding, and per recipient "
        f"every one of {s_overall.per_recipient.rows} expected rows vs that recipient's finding)"
    )
    print(
        f"scored: reason {s_overall.reason.total} (feedback/delivered/vacation left out), "
        f"enhanced status {s_overall.status.total} (real RFC 3463 codes only), "
        f"reply code {s_overall.reply.total},\n"
        f"        recipients {s_overall.recipient.total} (every expected address, exact, lower-cased), "
        f"hard/soft {s_overall.hardsoft.total} (labels follow {semantics});\n"
        f"timing: median of {rounds} round(s), one process per tool\n"
    )
    width = 22
    print(f"{'':<38}" + "".join(f"{t.name:>{width}}" for t in tools))
    rows = answer_rows([scored[t.name][0] for t in tools], semantics)
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
        print(f"{label_text:<38}" + "".join(f"{c:>{width}}" for c in cells))
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
    print_per_reason(labels, [(t.name, t.answers) for t in tools])
    print_per_engine(scored[smtpbot.name][1], scored[sisimai.name][1] if sisimai else None, semantics)
    if args.misses:
        print_misses(labels, smtpbot.answers, hard_soft_decides=semantics != HARD_SOFT_BY_REASON)
        print_recipient_misses(labels, smtpbot.answers, hard_soft_decides=semantics != HARD_SOFT_BY_REASON)

    if args.json:
        report = {
            "corpus": str(corpus),
            "emails": n,
            "rounds": rounds,
            "hard_soft_semantics": semantics,
            "tools": {
                t.name: {
                    **scores_json(scored[t.name][0]),
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
