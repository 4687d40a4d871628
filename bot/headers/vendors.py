"""Spam filters' own headers: what the receiving provider's filter decided, where it says so.

Sources of the field formats:
- Microsoft 365: "Anti-spam message headers in Microsoft 365" (learn.microsoft.com,
  defender-office-365/message-headers-eop-mdo): X-Forefront-Antispam-Report (SCL, SFV, CAT, CIP),
  X-Microsoft-Antispam (BCL); "Bulk complaint level (BCL)" for the BCL scale.
- Gmail: the X-Gmail-Labels field that Google Takeout writes into exported messages.
- Yahoo: X-YahooFilteredBulk, the sending IP, when SpamGuard filed the message as bulk.
- SpamAssassin (often behind Postfix or Exim): X-Spam-Flag and X-Spam-Status ("Yes, score=...").
- Proofpoint (also Apple iCloud's inbound filtering): X-Proofpoint-Spam-Details, `rule=` and `score=`.

Only fields the receiving side wrote count (see trust.py): a sender can add `SCL:-1` too.
"""

from __future__ import annotations

from collections.abc import Callable

from .fields import Field
from .verdict import Verdict

SCL_SPAM = 5  # Microsoft: 5 and 6 are spam, 9 high-confidence spam; -1 skipped filtering
BCL_BULK = 7  # Microsoft's default bulk threshold in the default anti-spam policy
MS_CATEGORIES = {
    "BULK": "bulk mail",
    "DIMP": "domain impersonation",
    "GIMP": "mailbox-intelligence impersonation",
    "HPHSH": "high-confidence phishing",
    "HPHISH": "high-confidence phishing",
    "HSPM": "high-confidence spam",
    "MALW": "malware",
    "PHSH": "phishing",
    "SPM": "spam",
    "SPOOF": "spoofing",
    "UIMP": "user impersonation",
    "AMP": "anti-malware",
    "SAP": "Safe Attachments",
    "INTOS": "intra-organisation phishing",
}
MS_VERDICTS = {
    "SPM": ("fail", "the spam filter marked it as spam"),
    "SKS": ("fail", "a mail flow rule marked it as spam before filtering"),
    "SKB": ("fail", "the sender is on the policy's blocked senders or domains list"),
    "BLK": ("fail", "the sender is on the recipient's Blocked Senders list"),
    "NSPM": ("pass", "the spam filter found it clean"),
    "SFE": ("pass", "the sender is on the recipient's Safe Senders list"),
    "SKA": ("pass", "an allow list in the anti-spam policy let it skip filtering"),
    "SKN": ("pass", "a mail flow rule marked it as not spam"),
    "SKI": ("pass", "it is mail within the organisation"),
    "SKQ": ("pass", "it was released from quarantine"),
}
MICROSOFT_FIX = (
    "check the sending IP and domain in Microsoft's SNDS and the recipient's Defender "
    "quarantine; authenticate with SPF, DKIM and DMARC; an admin can submit it as not junk"
)


def pairs(value: str, separator: str = ";", joiner: str = ":") -> dict[str, str]:
    """`SCL:1;SFV:NSPM;CAT:NONE;` -> {"SCL": "1", ...}, first of each key."""
    out: dict[str, str] = {}
    for part in value.split(separator):
        key, sep, val = part.partition(joiner)
        if sep and key.strip() and key.strip().upper() not in out:
            out[key.strip().upper()] = val.strip()
    return out


def microsoft(value: str) -> list[Verdict]:
    facts = pairs(value)
    scl, sfv, cat = facts.get("SCL", ""), facts.get("SFV", "").upper(), facts.get("CAT", "").upper()
    evidence = tuple(f"{k}:{facts[k]}" for k in ("SCL", "SFV", "CAT", "CIP", "IPV") if facts.get(k))
    category = MS_CATEGORIES.get(cat)
    status, said = MS_VERDICTS.get(sfv, (None, None))
    level = int(scl) if scl.lstrip("-").isdigit() else None
    if status is None and level is not None:
        status = "fail" if level >= SCL_SPAM else "pass"
    if status is None and category is None:
        return []
    if category and cat not in ("NONE",) and status != "pass":
        status = "fail"
    parts = [f"Microsoft scored it SCL {scl}" if scl else "Microsoft's filter"]
    if level is not None:
        parts.append(_scl_words(level))
    summary = " ".join(parts)
    if said:
        summary += f": {said}"
    if category:
        summary += f" (category {cat}: {category})"
    return [
        Verdict(
            "microsoft_scl",
            status or "pass",
            summary + ".",
            evidence,
            MICROSOFT_FIX if status == "fail" else None,
        )
    ]


def _scl_words(level: int) -> str:
    if level < 0:
        return "(skipped spam filtering)"
    if level >= 9:
        return "(high-confidence spam)"
    if level >= SCL_SPAM:
        return "(spam)"
    return "(not spam)"


def microsoft_bulk(value: str) -> list[Verdict]:
    bcl = pairs(value).get("BCL", "")
    if not bcl.isdigit():
        return []
    level = int(bcl)
    if level >= BCL_BULK:
        status, words = "fail", "many complaints: at or above Microsoft's default bulk threshold of 7"
    elif level >= 4:
        status, words = "warn", "mixed complaints: below the default threshold, above stricter policies'"
    else:
        status, words = "pass", "few or no complaints"
    fix = (
        "send only to people who asked for it, honour unsubscribes at once, and remove addresses "
        "that never open"
        if status != "pass"
        else None
    )
    return [
        Verdict(
            "microsoft_bcl",
            status,
            f"Microsoft's bulk complaint level is BCL {level} ({words}).",
            (f"BCL:{level}",),
            fix,
        )
    ]


def gmail_labels(value: str) -> list[Verdict]:
    labels = [label.strip() for label in value.split(",")]
    if "Spam" in labels:
        return [
            Verdict(
                "gmail_label",
                "fail",
                "Gmail filed it in Spam.",
                (f"X-Gmail-Labels: {value}",),
                "check the domain's and IP's reputation in Gmail Postmaster Tools",
            )
        ]
    return []


def yahoo_bulk(value: str) -> list[Verdict]:
    ip = value.split()[0] if value.split() else "it came from"
    return [
        Verdict(
            "yahoo_bulk",
            "fail",
            f"Yahoo filed it in Bulk on the reputation of the sending IP ({ip}).",
            (f"X-YahooFilteredBulk: {value}",),
            "check the IP with Yahoo's Sender Hub and send only wanted mail from it",
        )
    ]


def spamassassin(value: str) -> list[Verdict]:
    flag, _, rest = value.partition(",")
    facts = pairs(rest.replace("\t", " "), " ", "=")
    score, required = facts.get("SCORE"), facts.get("REQUIRED")
    tests = [t.strip() for t in _after(rest, "tests=").split(",") if t.strip()][:8]
    numbers = f" (score {score}, required {required})" if score and required else ""
    evidence = (f"X-Spam-Status: {value[:200]}",)
    if flag.strip().lower() == "yes":
        hits = f"; rules hit: {', '.join(tests)}" if tests else ""
        return [
            Verdict(
                "spamassassin",
                "fail",
                f"SpamAssassin marked it as spam{numbers}{hits}.",
                evidence,
                "look at the rules hit: each names what to change",
            )
        ]
    if flag.strip().lower() == "no":
        return [Verdict("spamassassin", "pass", f"SpamAssassin did not mark it as spam{numbers}.", evidence)]
    return []


def _after(text: str, key: str) -> str:
    """The comma list after `key` up to the next `word=`: `tests=A,B, C autolearn=no` -> `A,B, C`."""
    start = text.lower().find(key)
    if start < 0:
        return ""
    words = []
    for word in text[start + len(key) :].split():
        if "=" in word:
            break
        words.append(word)
    return " ".join(words)


def proofpoint(value: str) -> list[Verdict]:
    facts = pairs(value, " ", "=")
    rule, score = facts.get("RULE", "").lower(), facts.get("SCORE")
    if not rule:
        return []
    numbers = f" (score {score})" if score else ""
    evidence = (f"rule={rule}" + (f" score={score}" if score else ""),)
    if "notspam" in rule or rule in ("safe", "clean"):
        return [Verdict("proofpoint", "pass", f"Proofpoint's filter found it clean{numbers}.", evidence)]
    if "spam" in rule or "bulk" in rule or "phish" in rule:
        return [
            Verdict(
                "proofpoint",
                "fail",
                f"Proofpoint's filter classed it as {rule}{numbers}.",
                evidence,
                "ask the recipient's admin to check the message in Proofpoint's log",
            )
        ]
    return []


READERS: dict[str, Callable[[str], list[Verdict]]] = {
    "x-forefront-antispam-report": microsoft,
    "x-microsoft-antispam": microsoft_bulk,
    "x-gmail-labels": gmail_labels,
    "x-yahoofilteredbulk": yahoo_bulk,
    "x-spam-status": spamassassin,
    "x-proofpoint-spam-details": proofpoint,
}


def spam_verdicts(fields: list[Field]) -> list[Verdict]:
    """One verdict per filter, from the topmost of each field (the one nearest the mailbox)."""
    seen: set[str] = set()
    verdicts: list[Verdict] = []
    for field in fields:
        reader = READERS.get(field.name)
        if reader is None or field.name in seen:
            continue
        seen.add(field.name)
        verdicts.extend(reader(field.value))
    return verdicts
