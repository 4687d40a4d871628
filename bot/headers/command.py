"""`smtpbot headers [--json] FILE|-`: a header analysis on the command line."""

from __future__ import annotations

import argparse
import json
import sys

MAX_FILE_BYTES = 4_000_000
NO_HEADER = (
    "No message header found: paste the whole header, with its Received and Authentication-Results lines."
)


def run(args: argparse.Namespace) -> int:
    from ..engine.normalize import clean_file
    from .report import analyse

    try:
        if args.file == "-":
            data = sys.stdin.buffer.read(MAX_FILE_BYTES)
        else:
            with open(args.file, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES)
    except OSError as exc:
        print(f"smtpbot: {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    text, _ = clean_file(data)
    report = analyse(text)
    if report is None:
        print(NO_HEADER, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.contract(), ensure_ascii=False))
    else:
        from .terminal import render

        print(render(report))
    return 0
