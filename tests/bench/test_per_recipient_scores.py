"""bench/labelled_corpus.py's per-recipient scores: every expected row against the tool's finding for
the same recipient, beside the first-row scores that stay as they were."""

from __future__ import annotations

import json
from pathlib import Path

from repo_paths import bench_module

labelled_corpus = bench_module("labelled_corpus")
tool_answers = bench_module("tool_answers")  # imports labelled_corpus by name, registered above
Row = labelled_corpus.Row


def _corpus(tmp_path: Path, expected: list[dict]) -> list:
    (tmp_path / "labels.jsonl").write_text(
        json.dumps({"id": "x-01", "file": "x-01.eml", "engine": "X", "expected": expected}) + "\n"
    )
    return labelled_corpus.load_labels(tmp_path, None)


def _row(recipient: str | None, reason: str, status: str, replycode: str, hard: bool) -> dict:
    return {
        "recipient": recipient,
        "reason": reason,
        "status": status,
        "replycode": replycode,
        "hardbounce": hard,
    }


def _smtpbot(path: Path, findings: list[dict]):
    return tool_answers.parse_smtpbot({"source": str(path), "findings": findings})[1]


def _finding(recipient: str, reason: str, code: str, reply: str | None, bounce: str) -> dict:
    """One finding as `smtpbot explain --json` prints it (only the fields the scores read)."""
    return {
        "recipient": recipient,
        "reason": reason,
        "enhanced_code": code,
        "reply_code": reply,
        "bounce": bounce,
    }


THREE = [
    _row("Ana@Example.com", "mailboxfull", "5.2.2", "552", True),
    _row("bo@example.org", "userunknown", "5.1.1", "550", True),
    _row("cy@example.net", "rejected", "5.7.1", "554", True),
]


def test_each_row_is_judged_against_its_own_recipients_finding(tmp_path: Path) -> None:
    labels = _corpus(tmp_path, THREE)
    # the tool lists the recipients in another order, and copies the first cause to the third
    answer = _smtpbot(
        labels[0].path,
        [
            _finding("cy@example.net", "mailboxfull", "5.2.2", None, "hard"),
            _finding("ANA@example.com", "mailboxfull", "5.2.2", "552", "hard"),
            _finding("bo@example.org", "userunknown", "5.1.1", "550", "soft"),
        ],
    )
    overall, by_engine = labelled_corpus.score(labels, {str(labels[0].path): answer})
    rows = overall.per_recipient
    assert (rows.rows, rows.unmatched) == (3, 0)
    assert (rows.reason.hits, rows.reason.total) == (2, 3)  # cy's cause is not mailboxfull
    assert (rows.status.hits, rows.status.total) == (2, 3)
    assert (rows.reply.hits, rows.reply.total) == (2, 3)  # cy's finding has no reply code
    assert (rows.hardsoft.hits, rows.hardsoft.total) == (2, 3)  # bo answered soft
    # the first-row scores compare the first row with the FIRST finding (cy's, no reply code), as before
    assert (overall.reason.hits, overall.reason.total) == (1, 1)
    assert (overall.reply.hits, overall.reply.total) == (0, 1)
    assert (overall.recipient.hits, overall.recipient.total) == (3, 3)
    assert by_engine["X"].per_recipient.reason.hits == 2


def test_a_recipient_the_tool_did_not_report_is_a_miss_in_every_field(tmp_path: Path) -> None:
    labels = _corpus(tmp_path, THREE)
    answer = _smtpbot(
        labels[0].path,
        [_finding("ana@example.com", "mailboxfull", "5.2.2", "552", "hard")],
    )
    rows = labelled_corpus.score(labels, {str(labels[0].path): answer})[0].per_recipient
    assert rows.unmatched == 2
    assert (rows.reason.hits, rows.status.hits, rows.reply.hits, rows.hardsoft.hits) == (1, 1, 1, 1)
    assert rows.reason.total == rows.hardsoft.total == 3


def test_rows_without_an_address_take_the_finding_in_their_position(tmp_path: Path) -> None:
    # corpus-own's labels name no recipient; they list rows in the bounce's order, as tools do
    labels = _corpus(
        tmp_path,
        [_row(None, "userunknown", "5.1.1", "550", True), _row(None, "mailboxfull", "5.2.2", "552", False)],
    )
    answer = _smtpbot(
        labels[0].path,
        [
            _finding("a@example.com", "userunknown", "5.1.1", None, "hard"),
            _finding("b@example.com", "userunknown", "5.1.1", None, "hard"),
        ],
    )
    rows = labelled_corpus.score(labels, {str(labels[0].path): answer})[0].per_recipient
    assert (rows.reason.hits, rows.reason.total) == (1, 2)
    assert (rows.hardsoft.hits, rows.hardsoft.total) == (1, 2)
    assert rows.unmatched == 0


def test_an_address_labelled_twice_takes_its_findings_in_order_then_the_last() -> None:
    twice = (Row("a@example.com", "blocked"), Row("a@example.com", "expired"))
    two = (Row("a@example.com", "blocked"), Row("a@example.com", "expired"))
    assert labelled_corpus.match_findings(twice, two) == [two[0], two[1]]
    one = (Row("a@example.com", "blocked"),)
    assert labelled_corpus.match_findings(twice, one) == [one[0], one[0]]
    assert labelled_corpus.match_findings(twice, (Row("b@example.com", "blocked"),)) == [None, None]


def test_rows_left_out_of_a_field_are_left_out_per_recipient_too(tmp_path: Path) -> None:
    labels = _corpus(
        tmp_path,
        [
            _row("a@example.com", "feedback", "5.0.910", "", True),
            _row("b@example.com", "blocked", "", "", False),
        ],
    )
    answer = _smtpbot(labels[0].path, [])
    rows = labelled_corpus.score(labels, {str(labels[0].path): answer})[0].per_recipient
    assert (rows.reason.total, rows.status.total, rows.reply.total, rows.hardsoft.total) == (1, 0, 0, 2)
    assert rows.unmatched == 2 and rows.hardsoft.hits == 0


def test_the_json_figures_keep_every_first_row_key_and_add_the_per_recipient_ones(tmp_path: Path) -> None:
    labels = _corpus(tmp_path, THREE)
    figures = labelled_corpus.scores_json(labelled_corpus.score(labels, {})[0])
    for key in ("reason", "status", "replycode", "recipient", "extra_recipients", "hardsoft", "no_finding"):
        assert key in figures
    assert figures["reason"] == [0, 1]
    assert figures["per_recipient"] == {
        "rows": 3,
        "unmatched": 3,
        "reason": [0, 3],
        "status": [0, 3],
        "replycode": [0, 3],
        "hardsoft": [0, 3],
    }
