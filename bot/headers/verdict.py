"""The one record every check returns: a check's name, pass/warn/fail, and the words for it."""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("fail", "warn", "pass")


@dataclass(frozen=True, slots=True)
class Verdict:
    check: str  # stable name: dmarc, spf, dkim, alignment, microsoft_scl, unsubscribe, delay ...
    status: str  # "pass", "warn" or "fail"
    summary: str  # one sentence
    evidence: tuple[str, ...] = ()  # header values that show it, as found
    fix: str | None = None

    def contract(self) -> dict[str, str]:
        return {"check": self.check, "status": self.status, "summary": self.summary}
