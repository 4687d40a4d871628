"""The held-out pastes (bench/corpus-pastes-heldout: MTA log lines, message traces, sending
services' console rows and payload fragments, mail clients' non-delivery text) keep their figures,
and bench/provider_replies.py scores a paste that reports no failure and a paste's recipient."""

from __future__ import annotations

import json
from pathlib import Path

from repo_paths import REPO, alert_channel_answers, run_provider_replies

CORPUS = REPO / "bench" / "corpus-pastes-heldout"


def _row(text: str, reason: str, bounce: str, **more: str) -> str:
    return json.dumps(
        {"provider": "Postfix", "text": text, "reason": reason, "bounce": bounce, "source": "x", **more}
    )


def test_no_failure_and_the_recipient_are_scored(tmp_path: Path) -> None:
    sent = (
        "postfix/smtp[1]: 1A: to=<a@example.com>, relay=mx.example.com[192.0.2.1]:25, "
        "dsn=2.0.0, status=sent (250 ok)"
    )
    bounced = sent.replace(
        "dsn=2.0.0, status=sent (250 ok)", "dsn=5.1.1, status=bounced (550 5.1.1 User unknown)"
    )
    corpus = tmp_path / "pastes.jsonl"
    rows = [
        _row(sent, "none", "none"),
        _row(bounced, "none", "none"),  # deliberately wrong: a failure labelled as none
        _row(bounced, "userunknown", "hard", recipient="a@example.com"),
        _row(bounced, "userunknown", "hard", recipient="someone.else@example.com"),  # wrong recipient
    ]
    corpus.write_text("\n".join(rows) + "\n", encoding="utf-8")
    proc = run_provider_replies(str(corpus), "--json", "--misses")
    assert proc.returncode == 0, proc.stderr
    total = json.loads(proc.stdout.strip().splitlines()[-1])["total"]
    assert (total["replies"], total["meaning"], total["recipients"], total["recipient"]) == (4, 75.0, 2, 50.0)
    assert "recipient named: 50.0% of the 2 lines that name one" in proc.stdout
    assert "pastes:4 want userunknown/hard Postfix" in proc.stdout
    assert "recipient a@example.com, want someone.else@example.com" in proc.stdout


def test_a_none_label_must_be_whole(tmp_path: Path) -> None:
    corpus = tmp_path / "bad.jsonl"
    rows = [
        _row("status=sent", "none", "hard"),
        _row("status=sent", "none", "none", recipient="a@example.com"),
    ]
    corpus.write_text("\n".join(rows) + "\n", encoding="utf-8")
    proc = run_provider_replies(str(corpus))
    assert proc.returncode == 2
    assert "bad.jsonl:1: reason none goes with bounce none" in proc.stderr
    assert "bad.jsonl:2: recipient must be an address of a failure" in proc.stderr


def test_the_held_out_pastes_keep_their_figures() -> None:
    # Written from each tool's documented layout and labelled before smtpbot read them; the misses
    # were then fixed with formats (qmail-send, PowerMTA accounting, Exchange message trace, Haraka,
    # payload fragments) and ranking rules. December 2026: meaning 88.1% and recipient 85.1%
    # before, 95.8% and 98.9% after (118 pastes, 87 naming a recipient).
    proc = run_provider_replies("--corpus", str(CORPUS), "--json")
    assert proc.returncode == 0, proc.stderr
    total = json.loads(proc.stdout.strip().splitlines()[-1])["total"]
    assert total["replies"] >= 110 and total["recipients"] >= 80
    assert total["meaning"] >= 94.0, proc.stdout
    assert total["recipient"] >= 97.0, proc.stdout


def test_an_alert_channel_stays_silent_on_the_negatives_and_answers_the_failures() -> None:
    silent, answered, failures = 0, 0, 0
    for row, says, answers in alert_channel_answers(CORPUS):
        if row["reason"] == "none":
            assert not says, row["text"]
            silent += 1
        else:
            failures += 1
            answered += answers
    assert silent >= 15
    assert answered >= 0.97 * failures, (answered, failures)


def test_the_sending_services_audit_keeps_its_figures() -> None:
    # bench/corpus-pastes-audit-esp: one payload per type, subtype or class that SES, Postmark,
    # SparkPost, SendGrid and Mailgun document, with no or a generic diagnostic, labelled from the
    # documentation before smtpbot read it. December 2026: meaning 47.4% before, 65.4% after (78
    # lines), 66.7% with SendGrid's Mailbox Unavailable; most misses left are `undefined` labels
    # where the knowledge says `onhold`/`expired`.
    proc = run_provider_replies("--corpus", str(REPO / "bench" / "corpus-pastes-audit-esp"), "--json")
    assert proc.returncode == 0, proc.stderr
    total = json.loads(proc.stdout.strip().splitlines()[-1])["total"]
    assert total["replies"] >= 75 and total["recipients"] >= 70
    assert total["meaning"] >= 64.0, proc.stdout
    assert total["recipient"] >= 99.0, proc.stdout
