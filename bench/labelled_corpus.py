"""A labelled bounce corpus and a tool's answers scored against it (used by compare_sisimai.py).

Two layouts are read: one `labels.jsonl` at the corpus root (../shared/corpus/sisimai-dev,
bench/corpus-own), or one `labels.jsonl` per family folder (bench/corpus-mta/<family>/labels.jsonl).
Either way each line's `file` is relative to the corpus root.

The labels' `hardbounce` means different things in the two layouts: sisimai-dev follows Sisimai's
reason-based rule (only some reasons, such as userunknown and hostunknown, are hard), bench/corpus-mta
says whether the failure is permanent (5xx, Action: failed) or temporary. The layout picks the default
reading; `hard_soft_semantics` names it so that every table can say which one it scores.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Not SMTP errors: a complaint report, a success DSN, an auto-reply. Left out of the reason score.
NOT_ERRORS = frozenset({"feedback", "delivered", "vacation"})
# class.subject.detail as in RFC 3463 section 2 (detail 1-3 digits)
STATUS_RE = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})$")
# Sisimai writes pseudo-codes such as 5.0.947 when a bounce carries no enhanced code; every one of them
# has a detail of 900 or more, which no registered code has.
PSEUDO_DETAIL_MIN = 900
REPLY_RE = re.compile(r"^[2-5]\d\d$")
NO_ANSWER = "(none)"

HARD_SOFT_BY_REASON = "Sisimai's reason-based rule"
HARD_SOFT_BY_CLASS = "permanent (hard) vs temporary or no failure (soft)"


def is_rfc3463_status(code: str) -> bool:
    """A real RFC 3463 enhanced status code, i.e. not empty and not one of Sisimai's x.y.9NN pseudo-codes."""
    m = STATUS_RE.match(code)
    return bool(m) and int(m.group(3)) < PSEUDO_DETAIL_MIN


@dataclass(frozen=True, slots=True)
class Row:
    """The fields scored per recipient: one expected row of a label, or one finding of a tool."""

    recipient: str = ""  # lower-cased; "" when the row or finding names none
    reason: str = ""
    status: str = ""
    replycode: str = ""
    hard: bool | None = None  # expected: None when not labelled; a finding: None when it says neither


@dataclass(frozen=True, slots=True)
class Label:
    id: str
    path: Path
    engine: str
    reason: str
    status: str
    replycode: str
    hardbounce: bool | None  # first expected row's; None when the label has none
    recipients: frozenset[str] | None  # every expected row's, lower-cased; None when a row lacks one
    rows: tuple[Row, ...] = ()  # every expected row, in the labels' order


@dataclass(frozen=True, slots=True)
class Answer:
    """A tool's answer for one email: its first finding's fields, every finding's recipient.
    All empty (and `error` maybe set) when it had no finding."""

    reason: str = ""
    status: str = ""
    replycode: str = ""
    hard: bool | None = None  # the first finding says hard (True) or soft/none (False)
    recipients: frozenset[str] = frozenset()  # lower-cased, empty ones left out
    detail: str = ""  # smtpbot: entry id; for --misses
    error: str = ""
    findings: tuple[Row, ...] = ()  # every finding, in the tool's order

    @property
    def found(self) -> bool:
        return bool(self.reason)


@dataclass(slots=True)
class Score:
    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.total += 1
        self.hits += int(hit)

    def pct(self) -> float:
        return 100.0 * self.hits / self.total if self.total else 0.0

    def cell(self) -> str:
        return f"{self.hits}/{self.total} {self.pct():5.1f}%" if self.total else "n/a"


@dataclass(slots=True)
class FieldScores:
    """Reason, status, reply code and hard/soft, each over the rows that label it."""

    reason: Score = field(default_factory=Score)
    status: Score = field(default_factory=Score)
    reply: Score = field(default_factory=Score)
    hardsoft: Score = field(default_factory=Score)


@dataclass(slots=True)
class RowScores(FieldScores):
    """The same four, one judgement per expected row against the finding for its recipient."""

    rows: int = 0
    unmatched: int = 0  # expected rows for which the tool reported no finding


@dataclass(slots=True)
class Scores(FieldScores):
    """First expected row against first finding (the fields of FieldScores), recipients over all rows,
    and per_recipient: every row against its recipient's finding."""

    recipient: Score = field(default_factory=Score)  # one per expected row with a recipient
    extra_recipients: int = 0  # recipients a tool reported that no expected row has
    emails: int = 0
    no_finding: int = 0
    per_recipient: RowScores = field(default_factory=RowScores)


# --- labels ------------------------------------------------------------------------------------


def label_files(corpus: Path) -> list[Path]:
    """The root labels.jsonl if there is one, else every <family>/labels.jsonl in name order."""
    root = corpus / "labels.jsonl"
    return [root] if root.is_file() else sorted(corpus.glob("*/labels.jsonl"))


def is_family_folder(corpus: Path) -> bool:
    """Whether `corpus` is one family folder of a per-family corpus (bench/corpus-mta/postfix),
    whose labels name their files from the corpus above it ("postfix/01-....eml")."""
    root = corpus / "labels.jsonl"
    if not root.is_file():
        return False
    with open(root, encoding="utf-8") as fh:
        first = next((line for line in fh if line.strip()), "")
    try:
        return str(json.loads(first).get("file", "")).startswith(f"{corpus.name}/")
    except (ValueError, AttributeError):
        return False


def hard_soft_semantics(corpus: Path) -> str:
    """What `hardbounce` means in this corpus's labels, by its layout (see the module docstring)."""
    root_labels = (corpus / "labels.jsonl").is_file() and not is_family_folder(corpus)
    return HARD_SOFT_BY_REASON if root_labels else HARD_SOFT_BY_CLASS


def _recipients(rows: list[dict]) -> frozenset[str] | None:
    found = [row.get("recipient") for row in rows]
    if not found or not all(isinstance(r, str) and r for r in found):
        return None
    return frozenset(r.strip().lower() for r in found)


def _expected_row(row: dict) -> Row:
    recipient, hard = row.get("recipient"), row.get("hardbounce")
    return Row(
        recipient=recipient.strip().lower() if isinstance(recipient, str) else "",
        reason=str(row.get("reason") or ""),
        status=str(row.get("status") or ""),
        replycode=str(row.get("replycode") or ""),
        hard=hard if isinstance(hard, bool) else None,
    )


def _label(corpus: Path, row: dict) -> Label:
    first = row["expected"][0]
    hard = first.get("hardbounce")
    return Label(
        id=str(row["id"]),
        path=(corpus / row["file"]).resolve(),
        engine=str(row.get("engine") or "?"),
        reason=str(first.get("reason") or ""),
        status=str(first.get("status") or ""),
        replycode=str(first.get("replycode") or ""),
        hardbounce=hard if isinstance(hard, bool) else None,
        recipients=_recipients(row["expected"]),
        rows=tuple(_expected_row(expected) for expected in row["expected"]),
    )


def load_labels(corpus: Path, limit: int | None) -> list[Label]:
    labels: list[Label] = []
    files_root = corpus.parent if is_family_folder(corpus) else corpus
    for labels_path in label_files(corpus):
        with open(labels_path, encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    labels.append(_label(files_root, json.loads(line)))
                except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
                    where = labels_path.relative_to(corpus)
                    print(f"{where}:{line_no}: skipped, {exc!r}", file=sys.stderr)
                if limit is not None and len(labels) >= limit:
                    return labels
    return labels


# --- scoring -----------------------------------------------------------------------------------


def _add_fields(s: FieldScores, expected: Row, got: Row | None) -> None:
    """One expected row against one finding (None: no finding), each field where the row labels it."""
    got = got or Row()
    if expected.reason and expected.reason not in NOT_ERRORS:
        s.reason.add(got.reason == expected.reason)
    if is_rfc3463_status(expected.status):
        s.status.add(got.status == expected.status)
    if REPLY_RE.match(expected.replycode):
        s.reply.add(got.replycode == expected.replycode)
    if expected.hard is not None:
        s.hardsoft.add(bool(got.reason) and got.hard is expected.hard)


def match_findings(rows: tuple[Row, ...], findings: tuple[Row, ...]) -> list[Row | None]:
    """The finding for each expected row. A row with a recipient takes the tool's finding for the
    same address (the second row of an address the second such finding, or the last there is: a
    label may list one recipient twice where the tool reports it once); a row without one, as the
    labels of corpus-own are, the finding in its own position, since labels and tools both list
    recipients in the bounce's order. None: the tool reported nothing for that row."""
    by_address: dict[str, list[Row]] = defaultdict(list)
    for finding in findings:
        by_address[finding.recipient].append(finding)
    taken: Counter[str] = Counter()
    matched: list[Row | None] = []
    for position, row in enumerate(rows):
        if not row.recipient:
            matched.append(findings[position] if position < len(findings) else None)
            continue
        candidates = by_address.get(row.recipient, [])
        n = taken[row.recipient]
        taken[row.recipient] += 1
        matched.append(candidates[min(n, len(candidates) - 1)] if candidates else None)
    return matched


def _add(s: Scores, label: Label, got: Answer) -> None:
    s.emails += 1
    s.no_finding += int(not got.found)
    first = Row(reason=label.reason, status=label.status, replycode=label.replycode, hard=label.hardbounce)
    _add_fields(s, first, Row(reason=got.reason, status=got.status, replycode=got.replycode, hard=got.hard))
    for row, finding in zip(label.rows, match_findings(label.rows, got.findings), strict=True):
        s.per_recipient.rows += 1
        s.per_recipient.unmatched += int(finding is None)
        _add_fields(s.per_recipient, row, finding)
    if label.recipients is not None:
        for recipient in label.recipients:
            s.recipient.add(recipient in got.recipients)
        s.extra_recipients += len(got.recipients - label.recipients)


def score(labels: list[Label], answers: dict[str, Answer]) -> tuple[Scores, dict[str, Scores]]:
    """Over all emails and per `engine` label. Reason, status, reply code and hard/soft: the first
    expected row against the first finding, and per recipient every expected row against the finding
    `match_findings` gives it. Recipients: each expected row's address against every finding's
    (exact, lower-cased)."""
    overall = Scores()
    by_engine: dict[str, Scores] = defaultdict(Scores)
    for label in labels:
        got = answers.get(str(label.path), Answer(error="no answer"))
        _add(overall, label, got)
        _add(by_engine[label.engine], label, got)
    return overall, by_engine


def reason_errors(labels: list[Label], answers: dict[str, Answer]) -> Counter[tuple[str, str]]:
    errors: Counter[tuple[str, str]] = Counter()
    for label in labels:
        if not label.reason or label.reason in NOT_ERRORS:
            continue
        got = answers.get(str(label.path), Answer())
        if got.reason != label.reason:
            errors[(label.reason, got.reason or NO_ANSWER)] += 1
    return errors


def _pair(s: Score) -> list[int]:
    return [s.hits, s.total]


def scores_json(s: Scores) -> dict[str, Any]:
    """A tool's scores as compare_sisimai.py --json prints them: [hits, scored] pairs."""
    rows = s.per_recipient
    return {
        "reason": _pair(s.reason),
        "status": _pair(s.status),
        "replycode": _pair(s.reply),
        "recipient": _pair(s.recipient),
        "extra_recipients": s.extra_recipients,
        "hardsoft": _pair(s.hardsoft),
        "no_finding": s.no_finding,
        "per_recipient": {
            "rows": rows.rows,
            "unmatched": rows.unmatched,
            "reason": _pair(rows.reason),
            "status": _pair(rows.status),
            "replycode": _pair(rows.reply),
            "hardsoft": _pair(rows.hardsoft),
        },
    }
