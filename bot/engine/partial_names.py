"""Recipients a report names only in part: by local part alone or by display name alone.

GroupWise and AOL list a recipient of their own domain by its local part ("jwalker (user not
found)"), Exchange 2003 by the person's name ("Siobhan Brennan on 6/7/2007 4:40 PM"). The
address is then completed from the email itself (the returned message's To or Cc fields) when
exactly one address there fits; otherwise nobody is named.
"""

from __future__ import annotations

import re

from .address import ATEXT, find_mailboxes, is_system_address, mailbox

LOCAL_PART_END = frozenset(" \t:(,.>")  # what may follow a local part that stands alone on its line


def lines_naming_local_part(text: str, address: str) -> list[str]:
    """The lines that start with an address's local part alone, as the word it is: how GroupWise
    ("jwalker (user not found)") and AOL ("grannysmith55") list a recipient of their own domain.
    A local part shorter than three characters could be any word and is not looked for."""
    local = address.rsplit("@", 1)[0]
    if len(local) < 3 or "\n" in local:
        return []
    if text.isascii() and local.isascii():
        # where letters are ASCII, ignoring case is comparing lower case: the local part's own
        # occurrences are found by plain search, and each is checked for starting its line
        return _lines_starting_with(text, local.lower())
    # compiled per call: this runs only for a record the report names nowhere in full
    line_re = re.compile(rf"^[ \t>]*<?{re.escape(local)}(?:[ \t:(,.>]|$)", re.IGNORECASE | re.MULTILINE)
    lines = []
    for found in line_re.finditer(text):
        end = text.find("\n", found.start())
        lines.append(text[found.start() : end if end >= 0 else len(text)])
    return lines


def _lines_starting_with(text: str, local: str) -> list[str]:
    """The lines of an ASCII text that start with `local` (lower case) as lines_naming_local_part
    reads them: after blanks, quote marks and an angle bracket, and followed by the line's end or
    one of the characters that may end an address."""
    lowered = text.lower()
    lines = []
    pos = lowered.find(local)
    while pos >= 0:
        start = lowered.rfind("\n", 0, pos) + 1
        end = lowered.find("\n", pos)
        end = len(text) if end < 0 else end
        after = pos + len(local)
        alone = after == end or lowered[after] in LOCAL_PART_END
        if alone and lowered[start:pos].lstrip(" \t>") in ("", "<"):
            lines.append(text[start:end])
            pos = lowered.find(local, end)  # one line each, as a regex's matches would be
        else:
            pos = lowered.find(local, pos + 1)
    return lines


# A line that holds a local part alone, maybe in angle brackets and followed by a reason in
# parentheses or after a colon: "grannysmith55", "jwalker (user not found)". A source compiled
# on first use by re (which keeps it): few reports list a recipient so.
LOCAL_PART_LINE = rf"(?m)^[ \t]*<?([{ATEXT}]+(?:\.[{ATEXT}]+)*)>?[ \t]*(?:[:(][^\n]*)?$"


def complete_local_parts(report: str, email: str, exclude: set[str]) -> list[tuple[int, str]]:
    """The recipients a report lists by local part alone, each completed with the one address of
    that local part the email holds anywhere (the returned message's To, most often), with where
    its line starts in `report`. A local part that no address, or several, complete is left out,
    as are the addresses in `exclude` (the sender's) and the reporting system's."""
    completions: dict[str, set[str]] = {}
    for _, address in find_mailboxes(email, 200):
        if address.lower() not in exclude and not is_system_address(address):
            completions.setdefault(address.rsplit("@", 1)[0].lower(), set()).add(address)
    found = []
    for line in re.finditer(LOCAL_PART_LINE, report):
        candidates = {a.lower(): a for a in completions.get(line.group(1).lower(), ())}
        if len(candidates) == 1:
            found.append((line.start(1), next(iter(candidates.values()))))
    return found


# A display name and the angle address it names in a To or Cc field:
# `Siobhan Brennan <sbrennan@example.org>`, `"Brennan, Siobhan" <sbrennan@example.org>`.
NAME_ADDRESS_RE = re.compile(
    r"""(?:"([^"<>\n@]{3,80})"|([^"'<>\n,:;@()]{3,80}?))[ \t]*<([^<>\s@]{1,64}@[^<>\s@]{1,255})>"""
)
MAX_RECIPIENT_FIELDS = 20
# A To or Cc field's name at a line's start, searched from its line break: the regex engine
# jumps from one line break to the next.
RECIPIENT_FIELD_RE = re.compile(r"\n(to|cc):", re.IGNORECASE)


def complete_display_names(report: str, email: str, exclude: set[str]) -> list[tuple[int, str]]:
    """The recipients a report names by display name alone (Exchange's "Siobhan Brennan on
    6/7/2007 4:40 PM"), each completed with the address a To or Cc field of the email gives that
    name (the returned message's `To: Siobhan Brennan <sbrennan@example.org>`), with where its
    line starts in `report`. A name given to several addresses, the sender's and the reporting
    system's are left out."""
    names: dict[str, set[str]] = {}
    # a display name stands before an angle address: a field without one is not searched
    for field in (field for field in _recipient_fields(email) if "<" in field):
        for pair in NAME_ADDRESS_RE.finditer(field):
            name = " ".join((pair.group(1) or pair.group(2)).split()).lower()
            address = mailbox(pair.group(3))
            if address and address.lower() not in exclude and not is_system_address(address) and " " in name:
                names.setdefault(name, set()).add(address)
    found = []
    lowered = report.lower() if names else ""
    for name, addresses in names.items():
        if len({a.lower() for a in addresses}) != 1:
            continue
        line = _line_starting_with(lowered, name)
        if line >= 0:
            found.append((line, next(iter(addresses))))
    return sorted(found)


def _line_starting_with(lowered: str, name: str) -> int:
    """Where the first line that starts with `name` as a whole word starts (after blanks and
    quotes), or -1."""
    pos = lowered.find(name)
    while pos >= 0:
        line = lowered.rfind("\n", 0, pos) + 1
        after = lowered[pos + len(name) : pos + len(name) + 1]
        if not lowered[line:pos].strip(" \t'\"") and after in ("", " ", "\t", "\n", "'", '"'):
            return line
        pos = lowered.find(name, pos + 1)
    return -1


def _recipient_fields(email: str) -> list[str]:
    """The To and Cc fields anywhere in the email, each with its folded lines, the To fields
    first (found by one search from line break to line break: this runs on every report that
    may name someone by display name, and lower-casing the whole email cost more)."""
    starts: dict[str, list[int]] = {"to": [], "cc": []}
    for m in RECIPIENT_FIELD_RE.finditer(email):
        starts[m.group(1).lower()].append(m.end())
    fields = []
    for start in [*starts["to"], *starts["cc"]][:MAX_RECIPIENT_FIELDS]:
        end = email.find("\n", start)
        while end >= 0 and email[end + 1 : end + 2] in (" ", "\t"):
            end = email.find("\n", end + 1)  # a folded line belongs to the field
        fields.append(email[start : end if end >= 0 else len(email)])
    return fields
