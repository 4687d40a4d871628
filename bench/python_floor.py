"""What a Python process pays on the batch before it understands anything, beside both tools.

    .venv/bin/python bench/python_floor.py                 # ../shared/corpus/sisimai-dev/eml
    .venv/bin/python bench/python_floor.py --rounds 7 --corpus DIR

Each round runs, one after another in the same minute, five processes over the same files and
records each one's CPU time (user + system, from the kernel's child accounting):

- `python -c pass`: the interpreter starting and stopping;
- `python -c "import ..."`: the standard-library modules smtpbot's engine imports;
- CPython's own `email` package parsing every file and decoding every part (`message_from_bytes`,
  `walk`, `get_payload(decode=True)`), and nothing else;
- `smtpbot explain --json --files` (what `compare_sisimai.py` times);
- Debian's Perl Sisimai over the same files (`bench/sisimai_dump.pl`), when it is installed.

It prints the medians and what 2.5x Sisimai's time would allow (issues 11 and 14 ask for it). The
point of the third row: reading the emails with the standard library's parser, before any matching,
already uses most of that budget on this corpus.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "sisimai-dev" / "eml"
ENGINE_STDLIB = "import argparse, dataclasses, json, pathlib, re, typing"
STDLIB_EMAIL = """
import email, email.policy, sys
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        message = email.message_from_bytes(f.read(), policy=email.policy.compat32)
    for part in message.walk():
        if not part.is_multipart():
            part.get_payload(decode=True)
"""


def cpu_of(argv: list[str]) -> float:
    """CPU seconds (user + system) the finished command used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def commands(files: list[str]) -> dict[str, list[str]]:
    python = sys.executable
    runs = {
        "python -c pass": [python, "-c", "pass"],
        "import the engine's standard library": [python, "-c", ENGINE_STDLIB],
        "stdlib email: parse and decode only": [python, "-c", STDLIB_EMAIL, *files],
        "smtpbot explain --json --files": [python, "-m", "bot.cli", "explain", "--json", "--files", *files],
    }
    if _has_sisimai():
        runs["Sisimai (Perl)"] = ["perl", str(REPO / "bench" / "sisimai_dump.pl"), *files]
    return runs


def _has_sisimai() -> bool:
    if shutil.which("perl") is None:
        return False
    return subprocess.run(["perl", "-MSisimai", "-e", "1"], capture_output=True).returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="a folder of .eml files")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    files = sorted(str(p) for p in args.corpus.glob("*.eml"))
    if not files:
        print(f"no .eml files in {args.corpus}", file=sys.stderr)
        return 2
    runs = commands(files)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.rounds):
        for name, command in runs.items():
            times[name].append(cpu_of(command))
    print(f"{len(files)} emails, median CPU time of {args.rounds} rounds")
    for name, values in times.items():
        print(f"  {name:<40} {1000 * statistics.median(values):7.0f} ms")
    if "Sisimai (Perl)" in times:
        sisimai = statistics.median(times["Sisimai (Perl)"])
        smtpbot = statistics.median(times["smtpbot explain --json --files"])
        print(f"  {'2.5x Sisimai allows':<40} {1000 * sisimai / 2.5:7.0f} ms")
        print(f"ratio Sisimai / smtpbot by CPU time: {sisimai / smtpbot:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
