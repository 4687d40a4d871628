"""The records a diagnosis is made of: one `CheckResult` per check, gathered in a `Diagnosis`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["pass", "warn", "fail", "error", "skipped"]
CHECKS: tuple[str, ...] = ("mx", "spf", "dmarc", "dkim", "ptr", "dnsbl", "mta-sts", "tls-rpt")
STATUSES: tuple[str, ...] = ("pass", "warn", "fail", "error", "skipped")


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one check found about one subject (a domain, an IP or a host).

    `details` holds the records read, so an answer can show what it is based on.
    """

    check: str
    subject: str
    status: Status
    summary: str
    details: dict[str, Any] = field(default_factory=dict)

    def contract(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "subject": self.subject,
            "status": self.status,
            "summary": self.summary,
            "details": self.details,
        }


@dataclass(frozen=True, slots=True)
class Subjects:
    """What a target names: the domains, the IP and the DKIM selector to look at.

    `spf_domain` is the envelope (Return-Path) domain when a header names one apart from the
    From domain: SPF judges the envelope, DMARC the From. Never an address: local parts are
    dropped before anything is looked up or logged.
    """

    sender_domain: str | None = None
    recipient_domain: str | None = None
    ip: str | None = None
    remote_mta: str | None = None
    dkim_selector: str | None = None
    dkim_domain: str | None = None
    spf_domain: str | None = None


@dataclass(frozen=True, slots=True)
class Diagnosis:
    target: str
    subjects: Subjects
    checks: tuple[CheckResult, ...]

    def contract(self) -> dict[str, Any]:
        return {"target": self.target, "checks": [c.contract() for c in self.checks]}
