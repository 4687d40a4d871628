"""qmail-send's log: `delivery N: failure: report` and `delivery N: deferral: report`.

qmail-send logs each attempt as `starting delivery N: msg M to remote bob@example.org` (or `to
local ...`) and its end as `delivery N: success|failure|deferral: report`, where the report of
qmail-remote or qmail-local has its spaces written as `_` and its line breaks as `/`
(qmail-log(5), https://cr.yp.to/qmail/man/qmail-log.html). A failure is a failed delivery, a
deferral a delayed one; the recipient is the one the same delivery number started with, when the
paste holds that line and it is a remote one (a local delivery names its recipient with the
virtual domain's prefix, `example.com-bob@example.com`, no address the sender wrote). Each line is
read by one anchored search.
"""

from __future__ import annotations

import re

from ..incident import Incident, incident_from_text

# Regex sources, compiled on first use by re (which keeps them): qmail logs are seldom pasted.
DELIVERY = r"\bdelivery (\d{1,12}): (success|failure|deferral): (\S{0,4000})"
STARTING = r"\bstarting delivery (\d{1,12}): msg \d{1,20} to remote ([^\s@]{1,254}@[^\s@]{1,255})"
HINT = r"\bdelivery \d{1,12}: (?:failure|deferral): "
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
        if ended is None or ended.group(2) == "success":
            continue
        report = ended.group(3).replace("_", " ").replace("/", "\n").strip()
        incident = incident_from_text(
            report,
            "log",
            True,
            recipient=recipients.get(ended.group(1)),
            action=ACTIONS[ended.group(2)],
            structured=True,
        )
        incident.strong_code = True
        out.append(incident)
    return out
