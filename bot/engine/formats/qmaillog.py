"""qmail-send's log: `delivery N: failure: report` and `delivery N: deferral: report`.

qmail-send logs each attempt as `starting delivery N: msg M to remote bob@example.org` (or `to
local ...`) and its end as `delivery N: success|failure|deferral: report`, where the report of
qmail-remote or qmail-local has its spaces written as `_` and its line breaks as `/`
(qmail-log(5), https://cr.yp.to/qmail/man/qmail-log.html). A failure is a failed delivery, a
deferral a delayed one; the recipient is the one the same delivery number started with, when the
paste holds that line and it is a remote one (a local delivery names its recipient with the
virtual domain's prefix, `example.com-bob@example.com`, no address the sender wrote). Each line is
read by one anchored search. A report pasted without its `delivery N: ` prefix (a line that is only
`failure: <report>`) is read too when the report is written the qmail way, one run of characters
with its spaces as `_`: hosts quote qmail's log like that in their help pages.
"""

from __future__ import annotations

import re

from ..incident import Incident, incident_from_text

# Regex sources, compiled on first use by re (which keeps them): qmail logs are seldom pasted.
DELIVERY = r"\bdelivery (\d{1,12}): (success|failure|deferral): (\S{0,4000})"
# the same report on a line of its own, without the delivery number: one run of words joined by
# `_` up to its first line break `/` (a lone "failure: disk_full" is no qmail report)
QMAIL_RUN = r"[^\s/_]{0,400}(?:_[^\s/_]{0,400}){1,400}/\S{0,4000}"
BARE = r"^\s*(failure|deferral): (" + QMAIL_RUN + r")\s*$"
STARTING = r"\bstarting delivery (\d{1,12}): msg \d{1,20} to remote ([^\s@]{1,254}@[^\s@]{1,255})"
HINT = r"\bdelivery \d{1,12}: (?:failure|deferral): |(?m:^\s*(?:failure|deferral): " + QMAIL_RUN + r"\s*$)"
ACTIONS = {"failure": "failed", "deferral": "delayed"}
MAX_RECORDS = 400
KIND = "log"


def detect(text: str) -> bool:
    return bool(re.search(HINT, text[:20000]))


def parse(text: str, explicit: bool) -> list[Incident]:
    recipients: dict[str, str] = {}
    out: list[Incident] = []
    for line in text.split("\n"):
        if len(out) >= MAX_RECORDS:
            break
        if "starting delivery" in line:
            started = re.search(STARTING, line)
            if started:
                recipients[started.group(1)] = started.group(2)
            continue
        ended = re.search(DELIVERY, line) if "delivery" in line else None
        if ended is None:
            bare = re.search(BARE, line) if "_" in line else None
            number, outcome, written = (None, *bare.groups()) if bare else (None, "success", "")
        else:
            number, outcome, written = ended.groups()
        if outcome == "success":
            continue
        report = written.replace("_", " ").replace("/", "\n").strip()
        incident = incident_from_text(
            report,
            "log",
            True,
            recipient=recipients.get(number) if number else None,
            action=ACTIONS[outcome],
            structured=True,
        )
        incident.strong_code = True
        out.append(incident)
    return out
