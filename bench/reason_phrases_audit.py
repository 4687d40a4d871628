"""How often smtpbot agrees with Sisimai on the generic phrases Sisimai decides its reasons from.

    .venv/bin/python bench/reason_phrases_audit.py               # agreement per reason module
    .venv/bin/python bench/reason_phrases_audit.py --misses      # also every disagreement

Sisimai (Debian's libsisimai-perl) decides many reasons from one phrase list per reason module
(Sisimai/Reason/*.pm: a list of strings, a regular expression, or both). This script reads those
lists from the installed modules at run time, so no phrase is copied into this repository, and
turns each into sample replies: every string as written, every regular expression expanded into
the few strings it spells (an optional part both with and without, a wildcard filled with a plain
token). Each phrase is sent as "550 <phrase>" and "550 5.0.0 <phrase>" (a phrase that carries its
own reply code is sent as written). Sisimai's label is what Sisimai::Reason->match says of the
whole reply, so a phrase that an earlier module in Sisimai's order also matches is scored by the
label Sisimai really gives. smtpbot's answer is the reason of the engine's first finding.
Exits 0 without scoring when perl or Sisimai is not installed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reason_regex_expand import expand  # noqa: E402  (bench/ is on the path only from here)

from bot.engine import Engine  # noqa: E402

# Sisimai's own two passes over a reply's text (Sisimai::Reason get, then anotherone), module order
# given as arguments; a text neither pass explains is "vacation" if it reads as one, else "onhold"
LABELLER = r"""
use strict; use warnings; require Sisimai::Reason::Vacation;
my @passes = map { [split / /] } @ARGV;
for my $e (map { @$_ } @passes) { require "Sisimai/Reason/$e.pm" }
while (my $line = <STDIN>) {
    chomp $line; my $text = lc $line; my $label = '';
    PASS: for my $pass (@passes) {
        for my $e (@$pass) { if (("Sisimai::Reason::$e")->match($text)) { $label = lc $e; last PASS } }
    }
    $label ||= Sisimai::Reason::Vacation->match($text) ? 'vacation' : 'onhold';
    print "$label\n";
}
"""
CLASS_ORDER = re.compile(r"\$ClassOrder = \[(.*?)\n\];", re.S)
QW = re.compile(r"qw\|(.*?)\|", re.S)
FIND_MODULES = "require Sisimai::Reason; my $p = $INC{'Sisimai/Reason.pm'}; $p =~ s/[.]pm$//; print $p"
STRING_LIST = re.compile(r"state \$index = \[(.*?)\];", re.S)
QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")
REGEX = re.compile(r"state \$regex = qr(?:\{(.*?)\}x?|/(.*?)/x?);", re.S)
FOLLOWING = "example.net"
HAS_CODE = re.compile(r"^\s*[245]\d\d[ -]|(?:^|\s)[245]\.\d{1,3}\.\d{1,3}(?:\s|$)")


def modules_dir() -> Path | None:
    """Where the installed Sisimai keeps its reason modules, or None when perl or Sisimai is missing."""
    if not shutil.which("perl"):
        return None
    done = subprocess.run(["perl", "-e", FIND_MODULES], capture_output=True, text=True, check=False)
    folder = Path(done.stdout.strip())
    return folder if done.returncode == 0 and folder.is_dir() else None


def phrases_of(source: str) -> list[str]:
    """The sample phrases one module's match() spells: its string list and its expanded regex."""
    body = source.split("sub match", 1)[-1].split("\nsub ", 1)[0]
    found: list[str] = []
    for block in STRING_LIST.findall(body):
        found += [single or double for single, double in QUOTED.findall(block)]
    for braces, slashes in REGEX.findall(body):
        found += expand(braces or slashes)
    # a phrase written to be followed by more words ("blocked using ") gets one
    filled = (p + FOLLOWING if p.endswith(" ") else p for p in found if p.strip())
    unique = dict.fromkeys(" ".join(p.split()) for p in filled)
    return list(unique)


def replies_of(phrase: str) -> list[str]:
    if HAS_CODE.search(phrase):
        return [phrase]
    return [f"550 {phrase}", f"550 5.0.0 {phrase}"]


def sisimai_passes(folder: Path) -> list[str]:
    """The module order of Sisimai's first two passes over a text, read from Sisimai/Reason.pm."""
    order = CLASS_ORDER.search((folder.parent / "Reason.pm").read_text())
    lists = QW.findall(order.group(1)) if order else []
    return [" ".join(names.split()) for names in lists[:2]]


def sisimai_labels(folder: Path, replies: list[str]) -> list[str]:
    done = subprocess.run(
        ["perl", "-e", LABELLER, *sisimai_passes(folder)],
        input="\n".join(replies) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split("\n")[: len(replies)]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--misses", action="store_true", help="print every disagreement")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    folder = modules_dir()
    if folder is None:
        print("Sisimai (perl) is not installed: nothing to audit")
        return 0
    cases: list[tuple[str, str]] = []  # (module, reply)
    for path in sorted(folder.glob("*.pm")):
        cases += [(path.stem, r) for p in phrases_of(path.read_text()) for r in replies_of(p)]
    labels = sisimai_labels(folder, [reply for _, reply in cases])
    engine = Engine.load()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    for (module, reply), want in zip(cases, labels, strict=True):
        best = engine.explain(reply, "explicit").best
        got = best.reason if best else ""
        totals[module][1] += 1
        if got == want:
            totals[module][0] += 1
        else:
            entry = best.entry_id if best else "-"
            misses.append(f"{module:15} want {want or '-':15} got {got or '-':15} {entry:40} {reply}")
    agree, seen = sum(a for a, _ in totals.values()), sum(n for _, n in totals.values())
    if args.json:
        print(json.dumps({"agree": agree, "replies": seen, "modules": dict(totals)}, sort_keys=True))
        return 0
    for module, (a, n) in sorted(totals.items()):
        print(f"{module:15} {a:4}/{n:<4} {100 * a / n:5.1f}%")
    print(f"{'all':15} {agree:4}/{seen:<4} {100 * agree / seen:5.1f}%")
    if args.misses:
        print("\n".join(["", "module          Sisimai says          smtpbot says / entry / reply", *misses]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
