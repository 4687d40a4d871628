"""`dmarc`: the DMARC record that applies to a domain, its policies and where reports go.

The record is looked for at `_dmarc.<domain>` and then up the tree, one label at a time, as
DMARCbis's tree walk does (it replaces RFC 7489's public suffix list with DNS itself); the first
record found is the organisational domain's. Gmail and Yahoo require a record of bulk senders.
"""

from __future__ import annotations

import re

from .lookup import Ask
from .model import CheckResult

MAX_LABELS = 7  # DMARCbis: a longer name is shortened to its last seven labels first
POLICIES = ("none", "quarantine", "reject")
_TAG = re.compile(r"^\s*([a-z]+)\s*=\s*(.*?)\s*$", re.IGNORECASE)


def check_dmarc(ask: Ask, domain: str) -> CheckResult:
    for name in _tree_walk(domain):
        answer = ask(f"_dmarc.{name}", "TXT")
        if answer.outcome == "error":
            return CheckResult(
                "dmarc", domain, "error", f"DMARC lookup at _dmarc.{name} failed: {answer.error}"
            )
        records = [r for r in answer.records if r.lower().replace(" ", "").startswith("v=dmarc1")]
        if not records:
            continue
        if len(records) > 1:
            return CheckResult(
                "dmarc",
                domain,
                "fail",
                f"_dmarc.{name} has {len(records)} DMARC records; receivers then apply none",
                {"records": records, "found_at": name},
            )
        return _judge(domain, name, records[0])
    return CheckResult(
        "dmarc",
        domain,
        "fail",
        f"no DMARC record for {domain} (Gmail and Yahoo require one of bulk senders)",
        {"record": None},
    )


def _tree_walk(domain: str) -> list[str]:
    labels = domain.lower().rstrip(".").split(".")
    names = [".".join(labels)]
    labels = labels[-MAX_LABELS:]
    while len(labels) > 1:
        name = ".".join(labels)
        if name not in names:
            names.append(name)
        labels = labels[1:]
    return names


def parse_tags(record: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for part in record.split(";"):
        match = _TAG.match(part)
        if match:
            tags.setdefault(match[1].lower(), match[2])
    return tags


def _judge(domain: str, found_at: str, record: str) -> CheckResult:
    tags = parse_tags(record)
    policy = tags.get("p", "").lower()
    inherited = found_at != domain.lower().rstrip(".")
    applied = policy
    if inherited:
        applied = tags.get("sp", policy).lower()
    details = {
        "record": record,
        "found_at": found_at,
        "p": policy or None,
        "sp": tags.get("sp"),
        "np": tags.get("np"),
        "pct": tags.get("pct"),
        "rua": _uris(tags.get("rua")),
        "ruf": _uris(tags.get("ruf")),
        "policy_applied": applied or None,
    }
    where = f" (from {found_at})" if inherited else ""
    if policy not in POLICIES:
        summary = f"`{record}`{where}: p={policy or '(missing)'} is not a valid policy"
        return CheckResult("dmarc", domain, "fail", summary, details)
    reports = "reports to " + ", ".join(details["rua"]) if details["rua"] else "no aggregate reports (rua)"
    summary = f"`{record}`{where}: policy {applied}; {reports}"
    status = "warn" if applied == "none" or not details["rua"] else "pass"
    return CheckResult("dmarc", domain, status, summary, details)


def _uris(value: str | None) -> list[str]:
    return [uri.strip() for uri in value.split(",") if uri.strip()] if value else []
