"""Texts built to make the engine slow: each repeats what some regular expression or step of the
engine feeds on, up to Slack's message size (40,000 characters) or, as bytes, the command line's
file limit. `engine_bench.py` prints the slowest engine time over them; tests/system/test_engine_hostile.py
asserts a bound on each.

SLOW_ELSEWHERE names the inputs that took seconds in the log-line and recipient regexes the
formats once used (nested repeats); the tests run them in a child process with a time limit, so a
regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

SLACK_MESSAGE_CHARS = 40_000
FILE_BYTES = 300_000  # past the engine's 256,000-character cut: the whole of what a file can cost


def fill(unit: str, size: int = SLACK_MESSAGE_CHARS) -> str:
    """`unit` repeated to exactly `size` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def _line(prefix: str, unit: str, suffix: str, size: int = SLACK_MESSAGE_CHARS) -> str:
    return prefix + fill(unit, size - len(prefix) - len(suffix)) + suffix


HTML_HEAD = "From: MAILER-DAEMON@b.example\nSubject: Undelivered\nContent-Type: text/html\n\n"

MESSAGES: dict[str, str] = {
    "at signs": "@" * SLACK_MESSAGE_CHARS,
    "sendmail user unknown": fill("a@b>.. "),
    "user unknown after at signs": fill("@") + "... user unknown",
    "addresses on one line": fill("a@b.c "),
    "an address per line": fill("a@b.c\n"),
    "angle addresses per line": fill("<a@b>\n"),
    "continuation lines": "550 5.1.1 " + fill(" a@b\n", SLACK_MESSAGE_CHARS - 10),
    "postfix to and relay": fill("to=<a@b>, relay=x, "),
    "sendmail to and relay": fill("to=a@b, delay=1, relay=x, "),
    "rcpt to": fill("RCPT TO:<"),
    "final recipient": fill("Final-Recipient: "),
    "remote host": fill("remote host "),
    "host words": fill("host a "),
    "angle brackets": fill("<"),
    "quotes": fill('"'),
    "spaces": " " * SLACK_MESSAGE_CHARS,
    "dots": "." * SLACK_MESSAGE_CHARS,
    "digits": "5" * SLACK_MESSAGE_CHARS,
    "reply codes": fill("550 "),
    "enhanced codes": fill("5.1.1 "),
    "dotted digits": fill("5.5."),
    "ip literals": fill("[192.0.2.1]"),
    "mail words": fill("mailbox full user unknown relay denied "),
    "pattern stems": fill("verification failed for <"),
    "dnsbl names": fill("blocked using a."),
    "slack links": fill("<mailto:"),
    "equals signs": fill("="),
    "header lines": "From: a\nTo: b\n" + fill("X-A: b\n", SLACK_MESSAGE_CHARS - 14),
    "paragraphs": fill("550 5.1.1 <a@b.example>: user unknown\n\n"),
    "questions": fill("what does mailbox ful mean?\n\n"),
    "opening brackets": fill("["),
    "json events cut short": "["
    + fill(
        '{"email":"a@b.example","event":"bounce","reason":"550 5.1.1 x","sg_event_id":"1"},',
        SLACK_MESSAGE_CHARS - 1,
    ),
    "json lines after words": "see:\n" + fill('{"a":[{"b":[{"c":1}]}]}\n', SLACK_MESSAGE_CHARS - 5),
    "nested sns messages": _line('{"Message": ', '"{\\"Message\\": ', "}"),
    # forwarded.py: each forward block is looked at, and a forwarded body read for status fields
    "forward blocks": fill("---------- Forwarded message ---------\nFrom: a@b.c\nSubject: x\n"),
    "outlook from and sent lines": fill("From: a\nSent: b\n"),
    "forwarded reports": fill(
        "-----Original Message-----\nFrom: MAILER-DAEMON@b.c\nSubject: Undelivered\n\n"
    ),
    "doubled line breaks": fill("x\n\n"),
    # formats/html_text.py: an HTML-only bounce's hidden elements, <pre> blocks and tags
    "html part of unclosed elements": HTML_HEAD
    + fill("<style <pre <head> <!-- <", SLACK_MESSAGE_CHARS - len(HTML_HEAD)),
    "html part of tags": HTML_HEAD
    + fill("<p><br>&nbsp;<span a=b>x</pre>", SLACK_MESSAGE_CHARS - len(HTML_HEAD)),
    "slack quote marks": fill("&gt;"),
}

FILES: dict[str, bytes] = {
    "file of addresses": fill("a@b.c\n", FILE_BYTES).encode(),
    "file of log lines": fill(
        "Mar  3 10:15:42 mx postfix/smtp[1]: A: to=<a@b.example>, relay=mx.b.example[192.0.2.1]:25,"
        " dsn=5.1.1, status=bounced (host mx.b.example said: 550 5.1.1 user unknown)\n",
        FILE_BYTES,
    ).encode(),
    "file of dsn records": fill(
        "Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\n\n", FILE_BYTES
    ).encode(),
    "file of header lines": ("From: a\nTo: b\n" + fill("X-A: b\n", FILE_BYTES)).encode(),
}

# Log lines with many `to=<..>, relay=..,` and no `dsn=`: POSTFIX_RE and SENDMAIL_RE backtrack
# cubically; on a long line of `@`, RECIPIENT_RES[4] backtracks quadratically (lines of 3,900:
# a paragraph is cut at 4,000 characters).
LOG_HINT_CHARS = 19_000  # within the first 20,000 characters, where a log's marks are looked for
SLOW_ELSEWHERE: dict[str, str] = {
    "postfix log line without dsn": _line(
        "Mar 3 mx postfix/smtp[1]: A: ", "to=<a@b>, relay=x, ", " status=bounced (x)", LOG_HINT_CHARS
    ),
    "sendmail log line without dsn": _line(
        "Mar 3 mx sendmail[1]: A: ", "to=a@b, relay=x, ", " stat=x", LOG_HINT_CHARS
    ),
    "long lines of at signs": "\n\n".join(["550 5.1.1 user unknown\n" + "@" * 3_900 + "<"] * 10),
}
