"""Where smtpbot and Debian's Sisimai disagree, email by email, with the label beside them.

    .venv/bin/python bench/tool_diff.py                          # ../shared/corpus/sisimai-dev
    .venv/bin/python bench/tool_diff.py --corpus bench/corpus-mta
    .venv/bin/python bench/tool_diff.py --corpus DIR --only recipients    # or reason, hardsoft
    .venv/bin/python bench/tool_diff.py --corpus DIR --against-label      # smtpbot differs from the label

One line per recipient (the union of both tools' and the label's addresses) of every email where the
tools differ in the recipients they report, the first finding's reason, or a recipient's hard/soft:
`label | smtpbot | Sisimai`, each `reason hard|soft` (`-` when that side names no such recipient).
A mark says which side the label agrees with: `S` smtpbot only, `P` Sisimai (Perl) only, `=` both,
`?` neither or no label. Sisimai's hard/soft follows its reason-based rule, so on a corpus whose labels
say permanent vs temporary (bench/corpus-mta, corpus-heldout) its hard/soft differs by definition;
`--only hardsoft` is read there with that in mind.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from compare_sisimai import DEFAULT_CORPUS, SISIMAI_DRIVER, ToolResult, run_batch, smtpbot_argv
from labelled_corpus import Answer, Label, Row, load_labels
from tool_answers import parse_sisimai, parse_smtpbot


def _cell(row: Row | None) -> str:
    if row is None:
        return "-"
    hard = {True: "hard", False: "soft", None: "?"}[row.hard]
    return f"{row.reason or '?'} {hard}"


def _by_address(rows: tuple[Row, ...]) -> dict[str, Row]:
    found: dict[str, Row] = {}
    for row in rows:
        found.setdefault(row.recipient, row)
    return found


def _mark(label: Row | None, ours: Row | None, theirs: Row | None, field: str) -> str:
    """Which side the label agrees with on `field`: S smtpbot, P Sisimai, = both, ? neither or unlabelled."""
    want = getattr(label, field) if label is not None else None
    if want is None or want == "":
        return "?"
    a = ours is not None and getattr(ours, field) == want
    b = theirs is not None and getattr(theirs, field) == want
    return "=" if a and b else "S" if a else "P" if b else "?"


def differences(label: Label, ours: Answer, theirs: Answer, only: str | None) -> list[str]:
    """The lines for one email, empty when the tools agree on what `only` selects."""
    ours_by, theirs_by, label_by = (_by_address(x) for x in (ours.findings, theirs.findings, label.rows))
    kinds = []
    if {a for a in ours_by if a} != {a for a in theirs_by if a}:
        kinds.append("recipients")
    if ours.reason != theirs.reason:
        kinds.append("reason")
    shared = set(ours_by) & set(theirs_by)
    if any(ours_by[a].hard is not theirs_by[a].hard for a in shared) or ours.hard is not theirs.hard:
        kinds.append("hardsoft")
    if not kinds or (only and only not in kinds):
        return []
    lines = [f"{label.id}  [{label.engine}]  differ: {', '.join(kinds)}"]
    addresses = list(dict.fromkeys([*label_by, *ours_by, *theirs_by]))
    for address in addresses:
        lab, o, t = label_by.get(address), ours_by.get(address), theirs_by.get(address)
        marks = _mark(lab, o, t, "reason") + _mark(lab, o, t, "hard")
        lines.append(
            f"    {marks} {address or '(no address)':40} {_cell(lab):22} | {_cell(o):22} | {_cell(t)}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--only", choices=("recipients", "reason", "hardsoft"))
    ap.add_argument(
        "--against-label",
        action="store_true",
        help="only emails smtpbot's first finding or recipients get wrong",
    )
    args = ap.parse_args(argv)
    labels = load_labels(args.corpus.resolve(), None)
    files = [str(label.path) for label in labels]
    ours, theirs = ToolResult("smtpbot"), ToolResult("sisimai")
    run_batch([*smtpbot_argv(), "explain", "--json", "--files"], files, parse_smtpbot, ours)
    run_batch(["perl", str(SISIMAI_DRIVER)], files, parse_sisimai, theirs)
    kinds: Counter[str] = Counter()
    shown = 0
    for label in labels:
        o = ours.answers.get(str(label.path), Answer())
        t = theirs.answers.get(str(label.path), Answer())
        if args.against_label:
            want = frozenset(r.recipient for r in label.rows if r.recipient)
            if o.reason == label.reason and (not want or want == o.recipients):
                continue
        lines = differences(label, o, t, args.only)
        if lines:
            shown += 1
            kinds.update(lines[0].split("differ: ")[1].split(", "))
            print("\n".join(lines))
    print(
        f"\n{shown} of {len(labels)} emails listed; " + ", ".join(f"{k} {n}" for k, n in kinds.most_common())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
