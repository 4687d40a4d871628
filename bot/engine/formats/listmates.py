"""What one recipient of a plain report that lists several takes from the rest of the report.

A recipient's own text is the lines the report gives it (plainbounce.diagnostics); when those
hold no code or no known words, the report around it speaks: its Subject when that states the
cause, the reply that follows a list of recipients, and the report's other words, but not the
words another recipient's own text holds.
"""

from __future__ import annotations

import re
from collections import Counter

from ..address import find_mailboxes
from ..incident import Incident

CONTEXT_CHARS = 4000
# Subjects that state the cause after a fixed prefix (lower case).
# fml, a list manager, names its refusals there too ("Loop Alert: ...", go-sisimai lhost/via-fml.go).
CAUSE_SUBJECT_PREFIXES = (
    "returned mail:",
    "delivery failure:",
    "loop alert:",
    "loop back warning:",
    "warning: unix from loop",
)
# What a list puts around an address it lists: bullets, brackets, blanks.
LIST_PUNCTUATION = " \t\n*-<>:;,.()"
# The headings under which Sendmail's report lists its recipients (savemail.c): one report may
# hold both, the delayed ones after the failed ones ("----- The following addresses had transient
# non-fatal errors -----"), with or without a DSN part to say so again. A source, which re
# compiles (and keeps in its cache) for the first report that has a transient list, which few do.
SECTION_HEADING = (
    r"(?im)^[ \t]*-*[ \t]*the following addresses had (?P<kind>permanent fatal|transient non-fatal) errors"
)


def cause_in_subject(subject: str) -> str:
    """A Subject that states the cause after a fixed prefix, as a line of context: Sendmail's
    "Returned mail: User unknown", Lotus Notes' "DELIVERY FAILURE: User ... not listed"."""
    return f"{subject}\n" if subject.lower().startswith(CAUSE_SUBJECT_PREFIXES) else ""


def share_codes_down_a_list(body: str, listed: list[tuple[int, str]], found: list[Incident]) -> None:
    """Recipients listed one per line, whose texts hold nothing but their address, share the
    reply that follows the list ("* a@b / * c@d / The remote server said: 554 ..."): a recipient
    whose text has no code and no words takes the codes of the one listed on the very next line."""
    first: dict[str, int] = {}
    for pos, address in listed:
        first.setdefault(address.lower(), pos)
    for this, following in zip(reversed(found[:-1]), reversed(found[1:]), strict=True):
        if this.reply_code or this.enhanced_code or not (this.recipient and following.recipient):
            continue
        if this.text.replace(this.recipient, " ").strip(LIST_PUNCTUATION):
            continue  # its own words say something: a code of another one's would not fit them
        pos, next_pos = first.get(this.recipient.lower(), -1), first.get(following.recipient.lower(), -1)
        end = body.find("\n", pos)
        if 0 <= pos < next_pos and end >= 0 and body.rfind("\n", 0, next_pos) == end:
            this.reply_code, this.enhanced_code = following.reply_code, following.enhanced_code


def context_without_others(body: str, texts: list[tuple[str, str]], address: str) -> str:
    """The report as context for one recipient: with several listed, without the first
    paragraph of each other one's text, whose words are about that one ("The recipient's mailbox
    is full" right under another address must not explain this one). Later paragraphs stay: a
    report often explains all its recipients once, after the last ("The recipients' mailboxes
    are full"), and the last one's text takes that paragraph in."""
    others = {
        line
        for other, text in texts
        if other != address
        for line in text.split("\n\n", 1)[0].split("\n")
        if line.strip()
    }
    if not others:
        return body[:CONTEXT_CHARS]
    lines = body[: CONTEXT_CHARS * 2].split("\n")
    # a line the report repeats is its formula for every recipient ("User not listed in public
    # Name & Address Book" above each address, Lotus Notes): it stays
    repeated = {line for line, count in Counter(lines).items() if count > 1}
    return "\n".join(line for line in lines if line not in others or line in repeated)[:CONTEXT_CHARS]


def delay_sections(body: str, listed: list[tuple[int, str]], found: list[Incident]) -> None:
    """A failure report that lists some recipients under a heading of transient errors reports
    those as delayed, not failed: Sendmail's "The following addresses had transient non-fatal
    errors" after its "permanent fatal errors" list. Each recipient takes the action of the last
    heading above the place the report first lists it."""
    if "non-fatal" not in body.lower():
        return  # no heading of transient errors: the regex, whose `^` is tried at every position, is spared
    headings = [(m.start(), m.group("kind").lower()) for m in re.finditer(SECTION_HEADING, body)]
    if not any(kind.startswith("transient") for _, kind in headings):
        return
    first: dict[str, int] = {}
    for pos, address in listed:
        first.setdefault(address.lower(), pos)
    for incident in found:
        pos = first.get((incident.recipient or "").lower(), -1)
        above = [kind for start, kind in headings if start < pos]
        if above and above[-1].startswith("transient") and incident.action == "failed":
            incident.action = "delayed"


def causes_above(body: str, listed: list[tuple[int, str]]) -> bool:
    """Whether a report puts each recipient's cause on the line above it: every recipient
    stands alone on its line right under a line of words, and a blank line or a rule follows
    the last one, as the Lotus SMTP MTA lists them under "------- Failure Reasons --------"
    ("User not listed in public Name & Address Book" / "a@example.com" / "Message has exceeded
    maximum hop count" / "b@example.com"). Only a list of several says so: under one recipient
    the words above and the report around it are the same."""
    if len({address.lower() for _, address in listed}) < 2:
        return False
    for pos, address in listed:
        start = body.rfind("\n", 0, pos) + 1
        if body[start : _end_of_line(body, pos)].strip().strip("<>") != address:
            return False
        above = body[body.rfind("\n", 0, max(start - 1, 0)) + 1 : start].strip()
        if not above or find_mailboxes(above, 1):
            return False
    after = body[_end_of_line(body, listed[-1][0]) + 1 :].lstrip(" \t")
    return after.startswith(("\n", "-")) or not after


def _end_of_line(body: str, pos: int) -> int:
    end = body.find("\n", pos)
    return len(body) if end < 0 else end
