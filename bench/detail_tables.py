"""The detail tables of compare_sisimai.py: reason confusion, per expected reason, per bounce engine,
and the list of emails smtpbot gets wrong (--misses)."""

from __future__ import annotations

from collections import Counter, defaultdict

from labelled_corpus import (
    NO_ANSWER,
    NOT_ERRORS,
    REPLY_RE,
    Answer,
    Label,
    Row,
    Score,
    Scores,
    is_rfc3463_status,
    match_findings,
)


def print_confusion(title: str, errors: Counter[tuple[str, str]], limit: int) -> None:
    print(f"\n{title} ({sum(errors.values())} emails; expected -> answered)")
    if not errors:
        print("  none")
        return
    for (expected, answered), n in errors.most_common(limit):
        print(f"  {expected:<16} -> {answered:<16} {n:>4}")
    if len(errors) > limit:
        rest = sum(n for _, n in errors.most_common()[limit:])
        print(f"  ... {len(errors) - limit} more pairs, {rest} emails (--confusion-limit)")


def print_per_reason(labels: list[Label], tools: list[tuple[str, dict[str, Answer]]]) -> None:
    """tools: (name, answers by source path) for each tool, smtpbot first."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * (1 + len(tools)))
    for label in labels:
        if not label.reason or label.reason in NOT_ERRORS:
            continue
        row = counts[label.reason]
        row[0] += 1
        for i, (_, answers) in enumerate(tools, 1):
            row[i] += int(answers.get(str(label.path), Answer()).reason == label.reason)
    print("\nPer expected reason (hits/emails), weakest for smtpbot first")
    print(f"  {'reason':<16} {'emails':>6}  " + "  ".join(f"{name:>16}" for name, _ in tools))
    for reason, row in sorted(counts.items(), key=lambda kv: (kv[1][1] / kv[1][0], -kv[1][0])):
        cells = "  ".join(f"{f'{h}/{row[0]} {100 * h / row[0]:3.0f}%':>16}" for h in row[1:])
        print(f"  {reason:<16} {row[0]:>6}  {cells}")


def _ratio(score: Score) -> str:
    return f"{score.hits}/{score.total}" if score.total else "-"


def print_per_engine(smtpbot: dict[str, Scores], sisimai: dict[str, Scores] | None, semantics: str) -> None:
    print("\nPer bounce engine (label `engine`), hits/scored, most smtpbot reason misses first")
    print(f"  (hard/soft labels follow {semantics})")
    names = ("reason", "status", "reply", "recipient", "hard/soft")
    head = f"  {'engine':<16} {'emails':>6}  " + " ".join(f"{n:>9}" for n in names)
    if sisimai:
        head += "  | Sisimai " + " ".join(f"{n:>9}" for n in ("reason", "recipient", "hard/soft"))
    print(head)

    def misses(s: Scores) -> int:
        return s.reason.total - s.reason.hits

    for engine, s in sorted(smtpbot.items(), key=lambda kv: (-misses(kv[1]), kv[0])):
        cells = (s.reason, s.status, s.reply, s.recipient, s.hardsoft)
        line = f"  {engine:<16} {s.emails:>6}  " + " ".join(f"{_ratio(c):>9}" for c in cells)
        if sisimai:
            theirs = sisimai[engine]
            cells = (theirs.reason, theirs.recipient, theirs.hardsoft)
            line += "  |         " + " ".join(f"{_ratio(c):>9}" for c in cells)
        print(line)


def _marks(label: Label, got: Answer) -> str:
    """One mark per field: x disagrees, . agrees, - not scored."""
    marks = []
    for scored, ok in (
        (bool(label.reason) and label.reason not in NOT_ERRORS, got.reason == label.reason),
        (is_rfc3463_status(label.status), got.status == label.status),
        (bool(REPLY_RE.match(label.replycode)), got.replycode == label.replycode),
        (label.recipients is not None, got.recipients == label.recipients),
        (label.hardbounce is not None, got.found and got.hard is label.hardbounce),
    ):
        marks.append("-" if not scored else ("." if ok else "x"))
    return "".join(marks)


def _hard_soft(hard: bool | None) -> str:
    return "-" if hard is None else ("hard" if hard else "soft")


def print_misses(labels: list[Label], answers: dict[str, Answer], hard_soft_decides: bool = True) -> None:
    """hard_soft_decides: a hard/soft disagreement alone lists an email. Not so where the labels follow
    Sisimai's reason-based rule, which smtpbot's `bounce` field does not claim to follow."""
    print(
        "\nsmtpbot misses (marks for reason, status, reply code, recipients, hard/soft:"
        " x disagrees, . agrees, - not scored)"
    )
    for label in labels:
        got = answers.get(str(label.path), Answer(error="no answer"))
        marks = _marks(label, got)
        if "x" not in (marks if hard_soft_decides else marks[:4]):
            continue
        expected = (
            f"{label.reason} {label.status or '-'} {label.replycode or '-'} {_hard_soft(label.hardbounce)}"
        )
        answered = (
            f"{got.reason} {got.status or '-'} {got.replycode or '-'} {_hard_soft(got.hard)} [{got.detail}]"
            if got.found
            else f"{NO_ANSWER}{' ' + got.error if got.error else ''}"
        )
        print(f"  {marks} {label.path.name:<36} {label.engine:<14} {expected:<35} -> {answered}")
        if marks[3] == "x":
            want = ", ".join(sorted(label.recipients or ()))
            print(
                f"  {'':5} recipients: expected {want or '-'}; got {', '.join(sorted(got.recipients)) or '-'}"
            )


def _row_marks(expected: Row, got: Row | None) -> str:
    """One mark per field of a per-recipient judgement: reason, status, reply code, hard/soft."""
    got = got or Row()
    return "".join(
        "-" if not scored else ("." if ok else "x")
        for scored, ok in (
            (bool(expected.reason) and expected.reason not in NOT_ERRORS, got.reason == expected.reason),
            (is_rfc3463_status(expected.status), got.status == expected.status),
            (bool(REPLY_RE.match(expected.replycode)), got.replycode == expected.replycode),
            (expected.hard is not None, bool(got.reason) and got.hard is expected.hard),
        )
    )


def _row_text(row: Row) -> str:
    return f"{row.reason} {row.status or '-'} {row.replycode or '-'} {_hard_soft(row.hard)}"


def print_recipient_misses(
    labels: list[Label], answers: dict[str, Answer], hard_soft_decides: bool = True
) -> None:
    """The per-recipient judgements smtpbot gets wrong that the first-row score does not make: every
    row but an email's first, and the first too when the finding for its recipient is not the first."""
    print("\nsmtpbot per-recipient misses beyond the first row (marks for reason, status, reply, hard/soft)")
    for label in labels:
        got = answers.get(str(label.path), Answer())
        for position, (row, finding) in enumerate(
            zip(label.rows, match_findings(label.rows, got.findings), strict=True)
        ):
            if position == 0 and got.findings and finding is got.findings[0]:
                continue  # the first-row score judged this pair already
            marks = _row_marks(row, finding)
            if "x" not in (marks if hard_soft_decides else marks[:3]):
                continue
            answered = _row_text(finding) if finding else NO_ANSWER
            print(
                f"  {marks} {label.id:<28} #{position + 1} {row.recipient or '-':<32} "
                f"{_row_text(row):<32} -> {answered}"
            )
