"""MTA log lines: Postfix and Sendmail `to=<...> ... dsn=... status=/stat=`, Exim `**` and `==`.

Postfix's delivery agents log `to=<rcpt>, relay=host[ip]:port, ..., dsn=5.1.1, status=bounced
(text)` (postfix/src/global/log_adhoc.c); when a message's queue lifetime runs out, the queue
manager logs `from=<sender>, status=expired, returned to sender` instead, one line for the message
(postfix/src/qmgr/qmgr_active.c), which names no recipient; Sendmail logs `to=rcpt, ..., relay=host,
dsn=5.1.1, stat=text`; Exim writes `** rcpt ...: text` for a failure and `== rcpt ...: text` for a
deferral (Exim's spec, chapter "Log files"). A receiving Exim logs the replies it gave as `H=host
[ip] ... rejected RCPT <rcpt>: text` (or `rejected MAIL <sender>`, `rejected after DATA`), with
`temporarily` before `rejected` for a 4xx (Exim's spec, chapter "Log files", "Reasons for message
rejection"), so such a line is a failure, or a deferral with that word. A give-up of a message
(Postfix's expiry line, Sendmail's `QID: NEWQID: DSN: Cannot send message for 5 days`, logged as
it sends the bounce) ends the deferrals logged before it for the same queue ID: each becomes a
failed delivery whose words are its deferral's and then the give-up's; after a failure logged
above it, Sendmail's `DSN:` line is only the bounce it sent and adds no record. (A lone `DSN:`
line is no log hint: free text reads it.) Each line is read by
anchored searches for its fields, in order, so that a line costs one pass whatever it holds: a field
pattern never spans another.
"""

from __future__ import annotations

import re

from ..incident import Incident, incident_from_text
from ..model import ENHANCED_CODE

# Regex sources, compiled on first use by re (which keeps them): bounces and chat messages are
# seldom log lines, and compiling costs more than a process reading emails ever saves.
DSN = rf"\bdsn=({ENHANCED_CODE}),[ \t]*(status|stat)="
POSTFIX_TO = r"\bto=<([^<>\s]{0,254})>"
SENDMAIL_TO = r"\bto=<?([^<>,\s]{1,254})>?,"
RELAY = r"\brelay=([^,\s\[]{1,255})"
EXIM = r"\s(\*\*|==)[ \t]+([^\s@]{1,64}@[^\s:<>]{1,255})(?:[ \t]+<[^<>]{0,254}>)?[:\s]"
EXIM_REJECT = (
    r"\bH=\S.{0,600}?\s(temporarily )?rejected "
    r"(?:RCPT <([^<>\s]{0,254})>|MAIL <[^<>\s]{0,254}>|after DATA)[^:\n]{0,200}:"
)
POSTFIX_EXPIRED = r"\bfrom=<[^<>\s]{0,254}>, (status=expired, returned to sender)"
# the queue ID after the program's name and PID ("postfix/smtp[1201]: 4C5D6E7F8A: ", "sm-mta[5521]:
# 0B7DKVcW005521: "); Sendmail's give-up names the message's queue ID, then its bounce's
QUEUE_ID = r"\]: ([0-9A-Za-z]{5,20}): "
SENDMAIL_DSN = r"\]: ([0-9A-Za-z]{5,20}): [0-9A-Za-z]{5,20}: DSN: (\S[^\n]{0,2000})"
LOG_HINT = (
    r"\b(?:dsn=[245]\.|status=(?:bounced|deferred|expired)|stat=|\s\*\*\s|\s==\s"
    r"|rejected (?:RCPT|MAIL) <|rejected after DATA)"
)
ACTIONS = {"bounced": "failed", "deferred": "delayed", "sent": "delivered", "expired": "failed"}
MAX_RECORDS = 400
KIND = "log"


def detect(text: str) -> bool:
    return bool(re.search(LOG_HINT, text[:20000]))


def parse(text: str, explicit: bool) -> list[Incident]:
    return incidents(text)


def incidents(text: str) -> list[Incident]:
    out: list[Incident] = []
    deferred: dict[str, list[int]] = {}  # queue ID -> where its delayed deliveries are in `out`
    queues: set[str] = set()  # the queue IDs of the records read so far
    for line in text.split("\n"):
        if len(out) >= MAX_RECORDS:
            break
        incident = _postfix_or_sendmail(line) if "dsn=" in line else None
        if incident is None and "status=expired" in line:
            incident = _postfix_expired(line)
        if incident is None and "DSN: " in line:
            incident = _sendmail_give_up(line)
        if incident is None and ("**" in line or "==" in line):
            incident = _exim(line)
        if incident is None and "rejected " in line:
            incident = _exim_reject(line)
        if incident is None or incident.action == "delivered":
            continue
        queue = re.search(QUEUE_ID, line)
        qid = queue.group(1) if queue else None
        if qid and incident.recipient == "" and qid in queues:
            # a give-up of a message logged above: its deferrals failed; after a failure, it is
            # only the bounce Sendmail sent for it ("DSN: User unknown")
            for at in deferred.pop(qid, []):
                out[at] = _given_up(out[at], incident.text)
            continue
        out.append(incident)
        if qid:
            queues.add(qid)
            if incident.action == "delayed":
                deferred.setdefault(qid, []).append(len(out) - 1)
    return out


def _given_up(delayed: Incident, give_up: str) -> Incident:
    """A deferral its message's give-up ended: a failed delivery, in both lines' words."""
    return _incident(
        f"{delayed.text}\n{give_up}", delayed.recipient or "", delayed.remote_mta, None, "failed"
    )


def _sendmail_give_up(line: str) -> Incident | None:
    m = re.search(SENDMAIL_DSN, line)
    if m is None:
        return None
    # the line names the message, not a recipient
    return _incident(m.group(2).strip(), "", None, None, "failed", named=False)


def _postfix_or_sendmail(line: str) -> Incident | None:
    dsn = re.search(DSN, line)
    if dsn is None:
        return None
    status, rest = dsn.group(1), line[dsn.end() :]
    postfix = dsn.group(2) == "status"
    to = re.compile(POSTFIX_TO if postfix else SENDMAIL_TO).search(line, 0, dsn.start())
    if to is None:
        return None
    relay = re.compile(RELAY).search(line, to.end(), dsn.start())
    if postfix:
        word, _, text = rest.partition("(")
        # "status=expired, returned to sender (...)": the status is the first word
        word = word.split(",")[0].strip()
        action = ACTIONS.get(word, word)
        text = text.rstrip()
        text = text[:-1] if text.endswith(")") else text
    else:
        action = {"2": "delivered", "5": "failed"}.get(status[0], "delayed")
        text = rest.strip()
    return _incident(text, to.group(1), relay.group(1) if relay else None, status, action)


def _postfix_expired(line: str) -> Incident | None:
    m = re.search(POSTFIX_EXPIRED, line)
    if m is None:
        return None
    # the line's only address is the sender's, which must not stand in for a recipient
    return _incident(m.group(1), "", None, None, "failed", named=False)


def _exim(line: str) -> Incident | None:
    m = re.search(EXIM, line)
    if m is None:
        return None
    action = "failed" if m.group(1) == "**" else "delayed"
    return _incident(line[m.end() :].strip(), m.group(2), None, None, action)


def _exim_reject(line: str) -> Incident | None:
    m = re.search(EXIM_REJECT, line)
    if m is None:
        return None
    action = "delayed" if m.group(1) else "failed"
    return _incident(line[m.end() :].strip(), m.group(2) or "", None, None, action)


def _incident(
    text: str, rcpt: str, relay: str | None, dsn: str | None, action: str, named: bool = True
) -> Incident:
    recipient = (rcpt or None) if named else ""
    incident = incident_from_text(text, "log", True, recipient=recipient, action=action, structured=True)
    if dsn and (incident.enhanced_code is None or incident.enhanced_code.endswith(".0.0")):
        incident.enhanced_code = dsn
    relay = (relay or "").rstrip(".").lower()  # Sendmail writes the host with its root dot
    if relay and relay != "none" and incident.remote_mta is None:
        incident.remote_mta = relay
    incident.strong_code = True
    return incident
