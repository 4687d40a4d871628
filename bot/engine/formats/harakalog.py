"""Haraka's log: a plugin's refusal (`hook=rcpt ... retval=DENY msg="..."`) and the session's
last rejection (`disconnect ... lr="550 ..."`).

Haraka logs every hook result other than CONT as `hook=<hook> plugin=<name> function=<fn>
params=<first parameter> retval=<result> msg="<text>"` (plugins.js, log_run_item); a DENY or
DENYDISCONNECT refuses for good, a DENYSOFT or DENYSOFTDISCONNECT for now. At the rcpt hook the
parameter is the recipient, in angle brackets (quoted in older releases). When the client goes,
the `disconnect` line sums the session up and `lr` holds the last rejection Haraka gave
(connection.js). Each line is read by one anchored search.
"""

from __future__ import annotations

import re

from ..address import mailbox
from ..incident import Incident, incident_from_text

# Regex sources, compiled on first use by re (which keeps them): Haraka logs are seldom pasted.
HOOK_RESULT = (
    r'\bhook=(\w{1,40}) plugin=\S{1,200} function=\S{1,200} params="?([^"\s]{0,300})"?'
    r' retval=(DENY|DENYSOFT|DENYDISCONNECT|DENYSOFTDISCONNECT) msg="([^"\n]{0,2000})"'
)
LAST_REJECTION = r'\bdisconnect ip=\S{1,100} .{0,600}?\blr="([245]\d\d[^"\n]{0,2000})"'
HINT = r'\bretval=DENY|\blr="[45]\d\d '
MAX_RECORDS = 400
KIND = "log"


def detect(text: str) -> bool:
    return bool(re.search(HINT, text[:20000]))


def parse(text: str, explicit: bool) -> list[Incident]:
    out: list[Incident] = []
    for line in text.split("\n"):
        if len(out) >= MAX_RECORDS:
            break
        incident = _hook_result(line) if "retval=DENY" in line else None
        if incident is None and 'lr="' in line:
            incident = _last_rejection(line)
        if incident is not None:
            out.append(incident)
    return out


def _hook_result(line: str) -> Incident | None:
    m = re.search(HOOK_RESULT, line)
    if m is None or not m.group(4).strip():
        return None
    hook, param, result, words = m.groups()
    recipient = mailbox(param.strip("<>")) if hook == "rcpt" else None
    action = "delayed" if result.startswith("DENYSOFT") else "failed"
    return _incident(words, recipient, action)


def _last_rejection(line: str) -> Incident | None:
    m = re.search(LAST_REJECTION, line)
    if m is None:
        return None
    reply = m.group(1)
    return _incident(reply, None, "delayed" if reply[0] == "4" else "failed")


def _incident(words: str, recipient: str | None, action: str) -> Incident:
    incident = incident_from_text(words, "log", True, recipient=recipient, action=action, structured=True)
    incident.strong_code = True
    return incident
