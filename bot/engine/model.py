"""Data types shared by the engine and everything that calls it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Literal

    from ..headers.report import HeaderReport

    Bounce = Literal["hard", "soft", "none"]
    Mode = Literal["explicit", "passive"]

REASONS: frozenset[str] = frozenset(
    {
        "authfailure",
        "badreputation",
        "blocked",
        "contenterror",
        "delivered",
        "exceedlimit",
        "expired",
        "failedstarttls",
        "feedback",
        "filtered",
        "hasmoved",
        "hostunknown",
        "mailboxfull",
        "mailererror",
        "mesgtoobig",
        "networkerror",
        "norelaying",
        "notaccept",
        "notcompliantrfc",
        "onhold",
        "policyviolation",
        "rejected",
        "requireptr",
        "securityerror",
        "spamdetected",
        "speeding",
        "suppressed",
        "suspend",
        "syntaxerror",
        "systemerror",
        "systemfull",
        "toomanyconn",
        "undefined",
        "userunknown",
        "vacation",
        "virusdetected",
    }
)
PERMANENCES: frozenset[str] = frozenset({"permanent", "temporary", "either", "none"})
WHO: frozenset[str] = frozenset({"sender", "sender_admin", "recipient", "recipient_admin", "network", "none"})
WHO_LABELS: dict[str, str] = {
    "sender": "the sender",
    "sender_admin": "the sending side's mail admin",
    "recipient": "the recipient",
    "recipient_admin": "the receiving side's mail admin",
    "network": "whoever runs the network or DNS in between",
    "none": "nobody",
}

# A source, not a compiled pattern: codes asked about and knowledge files are checked this way,
# bounces never, so re compiles it (and keeps it in its cache) on first use, not at import.
REPLY_CODE = r"^[2-5][0-5]\d$"
# RFC 3463: class.subject.detail; the registered subjects are 0 to 7, one digit, while details
# run to three (5.7.509). "4.16.55" is a provider's own tag (Yahoo's), not a status code.
ENHANCED_CODE = r"[245]\.\d\.\d{1,3}"
ENHANCED_CODE_RE = re.compile(rf"^{ENHANCED_CODE}$")


def is_reply_code(code: str) -> bool:
    return bool(re.match(REPLY_CODE, code))


def is_enhanced_code(code: str) -> bool:
    return bool(ENHANCED_CODE_RE.match(code))


@dataclass(frozen=True, slots=True)
class Entry:
    """One knowledge base entry, validated and ready for matching."""

    id: str
    title: str
    reason: str
    permanence: str
    retry: str
    who: str
    meaning: str
    sender_fix: tuple[str, ...]
    references: tuple[str, ...]
    examples: tuple[str, ...]
    codes: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()  # regular expressions, searched with re.IGNORECASE
    provider: str | None = None
    causes: tuple[str, ...] = ()
    admin_fix: tuple[str, ...] = ()
    file: str = ""
    line: int = 0
    local: bool = False  # loaded from SMTPBOT_KNOWLEDGE_DIR
    fallback_for: str | None = None  # "failed"/"delayed": explains bounce records nothing else matched
    when_no_code: bool = False  # a notice's wording: explains a text only when it carries no code
    requires_provider: bool = False  # common words that mean this only from this provider's servers
    names_no_cause: bool = False  # a default reply text ("Transaction failed"): a provider entry says more
    frames_reply: bool = False  # an MTA's words around the reply it quotes: the quoted cause answers
    counterexamples: tuple[str, ...] = ()  # texts that must not resolve to this entry
    checked: str | None = None  # "YYYY-MM": when the entry was last compared with its references
    explicit_only: bool = False  # answers a question asked of the bot, never a bounce or an alert
    reason_at_rcpt: str | None = None  # what the same words mean when refused at RCPT TO, if not `reason`
    # where wording in the entry's phrases or examples was found (facts, cited); never shown: an
    # answer's `references` are the pages that document the entry's meaning
    sources: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        """The knowledge folder the entry lives in: rfc, mta, providers, gateways ..."""
        return self.file.replace("\\", "/").rsplit("/", 2)[-2] if "/" in self.file else ""

    @property
    def is_code_entry(self) -> bool:
        return bool(self.codes) and not self.phrases and not self.patterns

    @property
    def reply_codes(self) -> tuple[str, ...]:
        return tuple(c for c in self.codes if is_reply_code(c))

    @property
    def enhanced_codes(self) -> tuple[str, ...]:
        return tuple(c for c in self.codes if is_enhanced_code(c))


@dataclass(frozen=True, slots=True)
class Provider:
    """A mail provider or product, and the names that give it away in a text."""

    name: str
    hosts: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()  # regexes of its own reply codes (`AUP#[A-Z]{2,6}`), literal-led
    family: str = ""  # a name the providers that run one mail system share (GMX and Web.de)
    blocklist: bool = False  # a DNS blocklist: named in replies as what a server consulted


@dataclass(frozen=True, slots=True)
class Finding:
    """One explained failure: what the text said, which entry explains it, and what to do."""

    entry_id: str
    reason: str
    bounce: Bounce
    title: str
    meaning: str
    retry: str
    who: str
    causes: tuple[str, ...]
    sender_fix: tuple[str, ...]
    admin_fix: tuple[str, ...]
    references: tuple[str, ...]
    confidence: float
    matched_text: str
    reply_code: str | None = None
    enhanced_code: str | None = None
    provider: str | None = None
    recipient: str | None = None
    remote_mta: str | None = None
    diagnostic: str = ""  # the server's own words, as found
    smtp_phase: str | None = None  # NET, CONN, HELO, MAIL, RCPT or DATA when the text says
    # `enhanced_code` is the entry's own status, implied because the text carried none: JSON keeps
    # it (documented), but no answer shows it as a code the server sent
    enhanced_implied: bool = False

    @property
    def codes_label(self) -> str:
        """The codes the text carried, as an answer shows them beside its title."""
        enhanced = None if self.enhanced_implied else self.enhanced_code
        return " ".join(c for c in (self.reply_code, enhanced) if c)

    @property
    def implied_code(self) -> str | None:
        """The enhanced status the engine implied from the entry, or None when the text gave one."""
        return self.enhanced_code if self.enhanced_implied else None

    @property
    def who_label(self) -> str:
        return WHO_LABELS.get(self.who, self.who)

    def contract(self) -> dict[str, Any]:
        """The stable JSON shape other tools rely on (see `smtpbot explain --json`)."""
        return {
            "reply_code": self.reply_code,
            "enhanced_code": self.enhanced_code,
            "reason": self.reason,
            "bounce": self.bounce,
            "title": self.title,
            "provider": self.provider,
            "recipient": self.recipient,
            "confidence": round(self.confidence, 2),
            "entry_id": self.entry_id,
        }

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["confidence"] = round(self.confidence, 2)
        return data


@dataclass(frozen=True, slots=True)
class Explanation:
    """What the engine says about one text: findings, best first, or a notice why there are none."""

    mode: Mode
    input_kind: str  # empty, code, text, smtp, log, dsn, email, json
    findings: tuple[Finding, ...] = ()
    notice: str | None = None
    truncated: bool = False
    headers: HeaderReport | None = None  # a pasted message header's analysis (bot.headers)
    more_findings: int = 0  # findings (mostly failed recipients) beyond the MAX_FINDINGS kept

    @property
    def best(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    def contract(self) -> dict[str, Any]:
        return {"findings": [f.contract() for f in self.findings]}

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "input_kind": self.input_kind,
            "notice": self.notice,
            "truncated": self.truncated,
            "findings": [f.to_dict() for f in self.findings],
        }
