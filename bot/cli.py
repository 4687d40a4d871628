"""The `smtpbot` command line: explain texts and files, inspect the knowledge base, run the bot."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .engine import Engine, Explanation
from .engine.normalize import without_surrogates

SAMPLE_BOUNCE = """\
This is the mail system at host mail.example.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<ana@example.com>: host gmail-smtp-in.l.google.com[142.250.27.26] said:
    550-5.7.26 Unauthenticated email from example.org is not accepted due to
    domain's DMARC policy. Please contact the administrator of example.org
    domain if this was a legitimate mail. To learn about the DMARC initiative,
    go to https://support.google.com/mail/?p=DmarcRejection - gsmtp (in reply
    to end of DATA command)
"""


def _engine(knowledge_dir: str | None = None) -> Engine:
    engine = Engine.load(knowledge_dir)
    for problem in engine.kb.problems:
        print(f"warning: knowledge: {problem}", file=sys.stderr)
    return engine


def _render(result: Explanation) -> str:
    # imported here: a JSON batch never renders text, and every start-up millisecond shows in it
    from .render_text import render

    return render(result)


# one encoder for every line: json.dumps with options builds a new one per call
_JSON_LINE = json.JSONEncoder(ensure_ascii=False)


def _print_json(obj: dict) -> None:
    """One JSON line; a lone surrogate (an undecodable file name) must not stop the output."""
    # one write with its newline: print() makes two, each a system call on unbuffered output
    sys.stdout.write(without_surrogates(_JSON_LINE.encode(obj)) + "\n")


def cmd_explain(args: argparse.Namespace) -> int:
    engine = _engine()
    mode = "passive" if args.passive else "explicit"
    if args.files:
        status = 0
        for path in args.files:
            try:
                result = engine.explain_file(path, mode)
            except OSError as exc:
                print(f"smtpbot: {path}: {exc.strerror or exc}", file=sys.stderr)
                status = 1
                if args.json:
                    print(json.dumps({"source": path, "findings": [], "error": str(exc.strerror or exc)}))
                continue
            if args.json:
                _print_json({"source": path, **result.contract()})
            elif result.findings or not args.passive:
                print(f"== {path}\n{_render(result)}\n")
        return status
    if not args.text or args.text == ["-"]:
        text = sys.stdin.read() if args.text == ["-"] or not sys.stdin.isatty() else ""
    else:
        text = " ".join(args.text)
    result = engine.explain(text, mode)
    if args.json:
        _print_json({"source": "-" if args.text in ([], ["-"]) else "args", **result.contract()})
    elif result.findings or not args.passive:  # passive mode, like the bot in an alert channel, says nothing
        print(_render(result))
    return 0


def cmd_kb_lint(args: argparse.Namespace) -> int:
    engine = Engine.load()
    from .engine.lint import lint

    problems = lint(engine.kb)
    for problem in problems:
        print(problem)
    entries = len(engine.entries)
    errors = [p for p in problems if not p.warning]
    print(
        f"{len(errors)} problem(s) and {len(problems) - len(errors)} warning(s) in {entries} entries "
        f"from {len(engine.kb.files)} files",
        file=sys.stderr,
    )
    return 1 if errors else 0


def cmd_kb_search(args: argparse.Namespace) -> int:
    engine = _engine()
    results = engine.search(" ".join(args.words), limit=args.limit)
    if not results:
        print("No entries match.")
        return 1
    for entry, _score in results:
        codes = ", ".join(entry.codes) or "-"
        print(f"{entry.id:<48} {codes:<20} {entry.reason:<15} {entry.title}")
    return 0


def cmd_kb_show(args: argparse.Namespace) -> int:
    engine = _engine()
    entries = engine.lookup(args.key)
    if not entries:
        print(f"No entry or code {args.key!r}. Try `smtpbot kb search WORDS`.", file=sys.stderr)
        return 1
    for entry in entries:
        print(f"[{entry.id}]  {entry.file}:{entry.line}")
        print(f"title:      {entry.title}")
        print(f"codes:      {', '.join(entry.codes) or '-'}")
        print(f"reason:     {entry.reason}    permanence: {entry.permanence}    who: {entry.who}")
        if entry.provider:
            print(f"provider:   {entry.provider}")
        if entry.phrases:
            print(f"phrases:    {'; '.join(entry.phrases)}")
        print(f"meaning:    {entry.meaning}")
        print(f"retry:      {entry.retry}")
        for fix in entry.sender_fix:
            print(f"fix:        {fix}")
        for ref in entry.references:
            print(f"reference:  {ref}")
        print()
    return 0


def cmd_kb_list(args: argparse.Namespace) -> int:
    engine = _engine()
    # with a prefix, the codes under it, as `/smtp list 5.7` shows them in Slack
    entries = engine.list_prefix(args.prefix) if args.prefix else engine.entries
    if args.prefix and not entries:
        print(
            f"No knowledge entries have codes under {args.prefix}. Try a shorter prefix such as 5.7 or 4.",
            file=sys.stderr,
        )
        return 1
    for entry in entries:
        if args.json:
            print(
                json.dumps(
                    {"id": entry.id, "codes": list(entry.codes), "reason": entry.reason, "file": entry.file}
                )
            )
        else:
            print(f"{entry.id:<48} {', '.join(entry.codes) or '-':<20} {entry.reason}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .slack.serve import serve

    return serve(http=args.http, port=args.port)


def cmd_start(args: argparse.Namespace) -> int:
    """The main job: the bot when Slack tokens are configured, else a demo in the terminal."""
    from .settings import Settings

    # the same reading `serve` does: the environment, then .env in the working directory
    settings = Settings.from_env()
    if settings.slack_bot_token or settings.slack_client_id:
        return cmd_serve(argparse.Namespace(http=False, port=None))
    engine = _engine(settings.smtpbot_knowledge_dir)
    print("No Slack tokens in the environment or .env, so here is smtpbot explaining a sample bounce:\n")
    print(SAMPLE_BOUNCE)
    print("-" * 88)
    print(_render(engine.explain(SAMPLE_BOUNCE)))
    print("-" * 88)
    print(
        "\nTry your own: .venv/bin/smtpbot explain '452 4.2.2 mailbox full'"
        "\nConnect Slack: create the app from deploy/slack-manifest.yml, copy .env.example to .env,"
        "\nfill in SLACK_BOT_TOKEN and SLACK_APP_TOKEN (or SLACK_SIGNING_SECRET), run this again."
        "\nSee README.md, 'Connect to Slack'."
    )
    return 0


def _add_explain(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("explain", help="explain a code, an SMTP reply, a log line or a bounce")
    p.add_argument("text", nargs="*", help="text to explain; '-' reads standard input")
    p.add_argument(
        "--passive",
        action="store_true",
        help="answer only clear mail failures, else print nothing (alert-channel mode)",
    )
    p.add_argument("--json", action="store_true", help="print JSON (JSON Lines with --files)")
    p.add_argument("--files", nargs="+", metavar="PATH", help="explain files, one result per file")
    p.set_defaults(func=cmd_explain)


def _add_kb(sub: argparse._SubParsersAction) -> None:
    kb = sub.add_parser("kb", help="inspect and check the knowledge base").add_subparsers(
        dest="kb", required=True
    )
    p = kb.add_parser("lint", help="check every entry; non-zero exit on any problem (warnings do not count)")
    p.set_defaults(func=cmd_kb_lint)
    p = kb.add_parser("search", help="find entries by words")
    p.add_argument("words", nargs="+")
    p.add_argument("--limit", type=int, default=10)
    p.set_defaults(func=cmd_kb_search)
    p = kb.add_parser("show", help="show an entry by id, or the entries for a code")
    p.add_argument("key")
    p.set_defaults(func=cmd_kb_show)
    p = kb.add_parser("list", help="list entries, or those with codes under a prefix")
    p.add_argument("prefix", nargs="?", metavar="PREFIX", help="a code prefix such as 5.7, 4.2 or 55")
    p.add_argument("--json", action="store_true", help="one JSON object per entry")
    p.set_defaults(func=cmd_kb_list)


def _add_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the Slack bot (Socket Mode with SLACK_APP_TOKEN, else HTTP)")
    p.add_argument("--http", action="store_true", help="HTTP mode even when SLACK_APP_TOKEN is set")
    p.add_argument("--port", type=int, default=None, help="HTTP port (default $PORT or 3000)")
    p.set_defaults(func=cmd_serve)


def _add_start(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("start", help="run the bot if Slack is configured, else show a demo")
    p.set_defaults(func=cmd_start)


def _add_diagnose(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("diagnose", help="check the DNS behind a bounce: MX, SPF, DMARC, DKIM, PTR, DNSBLs")
    p.add_argument("targets", nargs="+", metavar="TARGET", help="a domain, IP or address; '-' reads a paste")
    p.add_argument("--json", action="store_true", help="one JSON line per target")
    p.add_argument("--ip", help="the sending IP: SPF result, reverse DNS and DNSBLs for it")
    p.add_argument("--selector", help="a DKIM selector to check the key of")
    p.set_defaults(func=_run_diagnose)


def _add_headers(sub: argparse._SubParsersAction) -> None:
    from .headers.command import run

    p = sub.add_parser("headers", help="explain a message header: why it went to spam or arrived late")
    p.add_argument("file", metavar="FILE", help="a header block or .eml file; '-' reads standard input")
    p.add_argument(
        "--json", action="store_true", help="print one JSON object (hops, auth, alignment, verdicts)"
    )
    p.set_defaults(func=run)


def _run_diagnose(args: argparse.Namespace) -> int:
    from .diagnose.command import run  # dnspython loads only for this command

    return run(args)


COMMANDS = {
    "explain": _add_explain,
    "kb": _add_kb,
    "serve": _add_serve,
    "start": _add_start,
    "diagnose": _add_diagnose,
    "headers": _add_headers,
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or only what `command` needs of it.

    argparse builds every sub-parser up front, and that is a tenth of a `smtpbot explain 452`
    run; the command named on the line is all that parsing it can reach. Top-level help and
    errors (no command, an unknown one) use the whole parser.
    """
    parser = argparse.ArgumentParser(prog="smtpbot", description="Explain SMTP errors and bounces.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, add in COMMANDS.items():
        if command in (None, name):
            add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None
    args = build_parser(command).parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
