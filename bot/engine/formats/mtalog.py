"""MTA log lines: Postfix and Sendmail `to=<...> ... dsn=... status=/stat=`, Exim `**` and `==`."""

from __future__ import annotations

import re

from ..incident import Incident, incident_from_text

# The optional relay group carries its own `.*?`: put after a lazy `.*?` it would match empty
# and never capture.
POSTFIX_RE = re.compile(
    r"\bto=<(?P<rcpt>[^>]*)>(?:.*?\brelay=(?P<relay>[^,\s\[]+)[^,]*,)?.*?\bdsn=(?P<dsn>[245]\.\d{1,3}\.\d{1,3}),"
    r"\s*status=(?P<status>\w+)\s*\((?P<text>.*)\)\s*$"
)
SENDMAIL_RE = re.compile(
    r"\bto=<?(?P<rcpt>[^>,\s]*)>?,(?:.*?\brelay=(?P<relay>[^,\s\[]+)[^,]*,)?.*?\bdsn=(?P<dsn>[245]\.\d{1,3}\.\d{1,3}),"
    r"\s*stat=(?P<text>.*)$"
)
EXIM_RE = re.compile(r"\s(?P<flag>\*\*|==)\s+(?P<rcpt>[^\s@]+@[^\s:]+?)(?:\s+<[^>]*>)?(?::|\s)(?P<text>.*)$")
LOG_HINT_RE = re.compile(r"\b(?:dsn=[245]\.|status=(?:bounced|deferred)|stat=|\s\*\*\s|\s==\s)")
ACTIONS = {"bounced": "failed", "deferred": "delayed", "sent": "delivered", "expired": "failed"}


def looks_like_log(text: str) -> bool:
    return bool(LOG_HINT_RE.search(text[:20000]))


def incidents(text: str) -> list[Incident]:
    out: list[Incident] = []
    for line in text.split("\n"):
        if len(out) >= 400:
            break
        m = POSTFIX_RE.search(line)
        if m:
            action = ACTIONS.get(m.group("status"), m.group("status"))
            if action == "delivered":
                continue
            out.append(_incident(m.group("text"), m.group("rcpt"), m.group("relay"), m.group("dsn"), action))
            continue
        m = SENDMAIL_RE.search(line)
        if m:
            if m.group("dsn").startswith("2"):
                continue
            action = "failed" if m.group("dsn").startswith("5") else "delayed"
            out.append(_incident(m.group("text"), m.group("rcpt"), m.group("relay"), m.group("dsn"), action))
            continue
        m = EXIM_RE.search(line)
        if m:
            action = "failed" if m.group("flag") == "**" else "delayed"
            out.append(_incident(m.group("text"), m.group("rcpt"), None, None, action))
    return out


def _incident(text: str, rcpt: str, relay: str | None, dsn: str | None, action: str) -> Incident:
    incident = incident_from_text(text, "log", True, recipient=rcpt or None, action=action, structured=True)
    if dsn and (incident.enhanced_code is None or incident.enhanced_code.endswith(".0.0")):
        incident.enhanced_code = dsn
    relay = (relay or "").rstrip(".").lower()  # Sendmail writes the host with its root dot
    if relay and relay != "none" and incident.remote_mta is None:
        incident.remote_mta = relay
    incident.strong_code = True
    return incident
