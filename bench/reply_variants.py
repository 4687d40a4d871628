"""Whether a documented provider reply keeps its answer in the forms mail servers deliver it in.

    .venv/bin/python bench/reply_variants.py              # share that holds, per catalogue and form
    .venv/bin/python bench/reply_variants.py --misses     # also each variant whose answer moved

bench/provider_replies.py scores each reply as the documentation prints it. People paste the same
reply from a bounce or a log: split into a multi-line reply, flattened by Postfix with the
continuation prefixes inside the line, wrapped at 76 columns, in a DSN's folded Diagnostic-Code, in
a Postfix, Exim or Sendmail log line, in other letter case or with a trailing tag. Each form is
derived from the canonical line without randomness; a variant holds when its first finding has the
canonical line's entry and reason.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import textwrap
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.engine import Engine  # noqa: E402  (the repository root is on the path only from here)

CORPUS = Path(__file__).resolve().parent / "corpus-providers"

# "host mx[ip] said: 550 ... (in reply to end of DATA command)": the documented reply in between
POSTFIX_SAID_RE = re.compile(r"^host (\S+?)\[([^\]]+)\] said: (.*?)(?: \(in reply to ([^)]*)\))?$", re.S)
REPLY_RE = re.compile(r"^([245]\d\d)(?:([ -])([245]\.\d{1,3}\.\d{1,3}))?\s+(.*)$", re.S)
CONTINUATION_RE = re.compile(r"\n[245]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3} )?")
RELAY = "mx.example.net"
RELAY_IP = "198.51.100.23"
RECIPIENT = "user@example.net"
ADDRESS_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
QUEUE_ID = "4Qx7Yz1AbCz9"


@dataclass(frozen=True, slots=True)
class Reply:
    """A documented reply without Postfix's "host ... said:" wrapping, and that wrapping's parts."""

    code: str  # "" when the text does not start with a reply code
    status: str
    words: str  # the text after the code and status
    host: str
    ip: str
    command: str
    said: bool  # the documented text names the host that said it
    text: str  # the documented text as it is
    catalogue: str

    @property
    def recipient(self) -> str:
        """The mailbox the reply names (a bounce's recipient is the one the reply is about)."""
        m = ADDRESS_RE.search(self.words)
        return m.group(0) if m else RECIPIENT

    @property
    def bare(self) -> str:
        return " ".join(filter(None, [self.code, self.status, self.words]))


def parse(text: str, catalogue: str = "") -> Reply:
    host, ip, command, documented = RELAY, RELAY_IP, "RCPT TO command", text
    said = POSTFIX_SAID_RE.match(text)
    if said:
        host, ip, text, command = said.group(1), said.group(2), said.group(3), said.group(4) or command
    # a reply the documentation prints on several lines: its words without the line prefixes
    text = CONTINUATION_RE.sub(" ", text)
    m = REPLY_RE.match(text)
    if not m:
        return Reply("", "", text, host, ip, command, bool(said), documented, catalogue)
    return Reply(
        m.group(1), m.group(3) or "", m.group(4), host, ip, command, bool(said), documented, catalogue
    )


def _chunks(words: str, parts: int = 3) -> list[str]:
    """The words in up to `parts` runs of whole words, as a server splits a long reply."""
    tokens = words.split()
    size = max(1, -(-len(tokens) // parts))
    return [" ".join(tokens[i : i + size]) for i in range(0, len(tokens), size)]


def _prefix(r: Reply, last: bool) -> str:
    sep = " " if last else "-"
    return r.code + sep + (r.status + " " if r.status else "")


def _reply_lines(r: Reply) -> str | None:
    if not r.code:
        return None
    chunks = _chunks(r.words)
    return "\n".join(_prefix(r, i == len(chunks) - 1) + c for i, c in enumerate(chunks))


def multiline(r: Reply) -> str | None:
    """The reply as its server sent it; under Exim's bounce-body heading when a host said it."""
    reply = _reply_lines(r)
    if reply is None or not r.said:
        return reply
    after = "RCPT TO:<" + r.recipient + ">" if "RCPT" in r.command else "end of data"
    heading = (
        f"  {r.recipient}\n    host {r.host} [{r.ip}]\n    SMTP error from remote mail server after {after}:"
    )
    return heading + "\n    " + reply.replace("\n", "\n    ")


def flattened(r: Reply) -> str | None:
    """Postfix's bounce line: the continuation lines joined with spaces, prefixes and all."""
    reply = _reply_lines(r)
    if reply is None:
        return None
    said = reply.replace("\n", " ")
    return f"host {r.host}[{r.ip}] said: {said} (in reply to {r.command})"


def wrapped(r: Reply) -> str:
    said = f"<{r.recipient}>: host {r.host}[{r.ip}] said: {r.bare} (in reply to {r.command})"
    return "\n".join(
        textwrap.wrap(said, 76, subsequent_indent="    ", break_on_hyphens=False, break_long_words=False)
    )


def diagnostic_code(r: Reply) -> str:
    field = f"Diagnostic-Code: smtp; {r.bare}"
    folded = "\n".join(
        textwrap.wrap(field, 78, subsequent_indent="    ", break_on_hyphens=False, break_long_words=False)
    )
    return (
        f"Final-Recipient: rfc822; {r.recipient}\nOriginal-Recipient: rfc822;{r.recipient}\n"
        f"Action: failed\nStatus: {r.status or '5.0.0'}\nRemote-MTA: dns; {r.host}\n{folded}\n"
    )


def _flat_reply(r: Reply) -> str | None:
    reply = _reply_lines(r)
    return None if reply is None or "\n" not in reply else reply.replace("\n", " ")


def wrapped_flattened(r: Reply) -> str | None:
    """A multi-line reply as Postfix's bounce body shows it: flattened, then wrapped."""
    reply = _flat_reply(r)
    return None if reply is None else wrapped(dataclasses.replace(r, code="", status="", words=reply))


def diagnostic_code_flattened(r: Reply) -> str | None:
    """A multi-line reply in a Postfix DSN: flattened with its prefixes, then folded."""
    reply = _flat_reply(r)
    return None if reply is None else diagnostic_code(dataclasses.replace(r, code="", status="", words=reply))


def postfix_log(r: Reply) -> str:
    status = "deferred" if r.code.startswith("4") else "bounced"
    return (
        f"Dec  7 10:15:02 mail postfix/smtp[4711]: {QUEUE_ID}: to=<{r.recipient}>, "
        f"relay={r.host}[{r.ip}]:25, delay=1.2, delays=0.1/0/0.6/0.5, "
        f"dsn={r.status or '5.0.0'}, status={status} "
        f"(host {r.host}[{r.ip}] said: {r.bare} (in reply to {r.command}))"
    )


def exim_log(r: Reply) -> str:
    mark = "==" if r.code.startswith("4") else "**"
    after = "RCPT TO:<" + r.recipient + ">" if "RCPT" in r.command else "end of data"
    return (
        f"2026-12-07 10:15:02 1tK3xY-000Abc-7Q {mark} {r.recipient} R=dnslookup T=remote_smtp "
        f"H={r.host} [{r.ip}]: SMTP error from remote mail server after {after}: {r.bare}"
    )


def sendmail_log(r: Reply) -> str:
    verdict = (
        "Deferred"
        if r.code.startswith("4")
        else "User unknown"
        if r.status == "5.1.1"
        else "Service unavailable"
    )
    return (
        f"Dec  7 10:15:02 mail sm-mta[2211]: 4B7AF2aB012345: to=<{r.recipient}>, delay=00:00:02, "
        f"mailer=esmtp, pri=120000, relay={r.host}. [{r.ip}], dsn={r.status or '5.0.0'}, "
        f"stat={verdict}: {r.bare}"
    )


def upper_case(r: Reply) -> str:
    return r.text.upper()


def lower_case(r: Reply) -> str:
    return r.text.lower()


# what each provider's servers put after a reply (Google's tag and Microsoft's host suffix are in
# their documentation); other servers often end with their host name and a queue id
TAGS = {
    "google": " - gsmtp",
    "microsoft-exchange-online": " [Hostname=AM9PR01MB1234.eurprd01.prod.exchangelabs.com]",
    "outlook-com": " [Hostname=DM6NAM12FT034.eop-nam12.prod.protection.outlook.com]",
}


def trailing_tag(r: Reply) -> str:
    tag = TAGS.get(r.catalogue, f" - {r.host} {QUEUE_ID}")
    return r.text if r.text.endswith(tag) else r.text + tag


# a first octet of two digits or more: Yahoo's "4.16.55.1" looks like an address but is a code
IPV4_RE = re.compile(r"(?<![\d.])[1-9]\d{1,2}(?:\.\d{1,3}){3}(?![\d.])")
LOCAL_PART_RE = re.compile(r"(?<=[<\s:;])[\w.+-]+(?=@[\w-]+\.)")
GSMTP_RE = re.compile(r"(?:\s+\S*si\d\S*)?\s+-\s+gsmtp$")


def filled_in(r: Reply) -> str:
    """The documentation's sample values replaced by other real-looking ones: another TEST-NET
    address, another mailbox name, and the message id Google puts before its "gsmtp" tag."""
    text = IPV4_RE.sub("203.0.113.77", r.text)
    text = LOCAL_PART_RE.sub("j.smith-2", text)
    return GSMTP_RE.sub(" 5b1f17b1804b1-4b7e0b2a4f1si1234567.25 - gsmtp", text)


FORMS: dict[str, Callable[[Reply], str | None]] = {
    "multiline": multiline,
    "flattened": flattened,
    "wrapped": wrapped,
    "diagnostic-code": diagnostic_code,
    "wrapped-flattened": wrapped_flattened,
    "dsn-flattened": diagnostic_code_flattened,
    "postfix-log": postfix_log,
    "exim-log": exim_log,
    "sendmail-log": sendmail_log,
    "upper-case": upper_case,
    "lower-case": lower_case,
    "trailing-tag": trailing_tag,
    "filled-in": filled_in,
}


def variants(text: str, catalogue: str = "") -> dict[str, str]:
    """Every form of the documented reply that can be derived from it, by form name."""
    r = parse(text, catalogue)
    # a notice without a reply code (Google's "Address not found") is no server's reply: it is never
    # in a log line or a Diagnostic-Code, only in other letter case
    forms = FORMS if r.code else {name: FORMS[name] for name in ("upper-case", "lower-case", "filled-in")}
    out = {name: form(r) for name, form in forms.items()}
    return {name: v for name, v in out.items() if v is not None}


@dataclass(frozen=True, slots=True)
class Check:
    catalogue: str
    form: str
    text: str
    want: tuple[str, str]
    got: tuple[str, str]

    @property
    def holds(self) -> bool:
        return self.got == self.want


def answer(engine: Engine, text: str) -> tuple[str, str]:
    best = engine.explain(text, "explicit").best
    return (best.entry_id, best.reason) if best else ("", "")


def documented(corpus: Path = CORPUS) -> list[tuple[str, str]]:
    """(catalogue, text) of every documented reply."""
    out = []
    for path in sorted(corpus.glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                out.append((path.stem, json.loads(raw)["text"]))
    return out


def checks(engine: Engine, replies: Sequence[tuple[str, str]]) -> list[Check]:
    out = []
    for catalogue, text in replies:
        want = answer(engine, text)
        for form, variant in variants(text, catalogue).items():
            out.append(Check(catalogue, form, variant, want, answer(engine, variant)))
    return out


def share(found: Sequence[Check]) -> float:
    return 100.0 * sum(c.holds for c in found) / len(found) if found else 0.0


def table(title: str, groups: dict[str, list[Check]], total: list[Check]) -> list[str]:
    width = max(len(title), 5, *(len(k) for k in groups))
    lines = [f"{title:<{width}}  {'variants':>8}  {'holds':>7}"]
    for name, found in [*sorted(groups.items()), ("total", total)]:
        lines.append(f"{name:<{width}}  {len(found):>8}  {share(found):>6.1f}%")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--misses", action="store_true", help="list every variant whose answer moved")
    args = parser.parse_args(argv)
    found = checks(Engine.load(), documented())
    by_catalogue: dict[str, list[Check]] = defaultdict(list)
    by_form: dict[str, list[Check]] = defaultdict(list)
    for c in found:
        by_catalogue[c.catalogue].append(c)
        by_form[c.form].append(c)
    print("\n".join([*table("catalogue", by_catalogue, found), "", *table("form", by_form, found)]))
    if args.misses:
        for c in found:
            if not c.holds:
                print(f"\n{c.catalogue} {c.form}: want {'/'.join(c.want)} got {'/'.join(c.got) or '-'}")
                print("    " + c.text.replace("\n", "\n    "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
