"""The second held-out pastes (bench/corpus-pastes-heldout2) hold the text as Slack delivers it:
bench/provider_replies.py reads each such line through the bot's own reading of a Slack message
(bot.slack.mrkdwn.plain_text), the figures keep their floor, and an alert channel answers the
failures and stays silent on the negatives and on the questions people ask each other."""

from __future__ import annotations

import json
from pathlib import Path

from repo_paths import REPO, alert_channel_answers, run_provider_replies

from bot.slack.mrkdwn import plain_text

CORPUS = REPO / "bench" / "corpus-pastes-heldout2"
SLACK_LINE = (
    "Dec  7 11:02:44 mx2 postfix/smtp[1]: 7C: to=&lt;<mailto:ana@example.org|ana@example.org>&gt;, "
    "relay=<http://mx.example.org|mx.example.org>[192.0.2.40]:25, dsn=5.1.1, status=bounced "
    "(host <http://mx.example.org|mx.example.org>[192.0.2.40] said: 550 5.1.1 "
    "&lt;<mailto:ana@example.org|ana@example.org>&gt;: User unknown (in reply to RCPT TO command))"
)


def test_a_slack_line_is_read_as_the_bot_reads_a_message(tmp_path: Path) -> None:
    row = {"provider": "Postfix", "text": SLACK_LINE, "reason": "userunknown", "bounce": "hard"}
    row |= {"source": "x", "recipient": "ana@example.org", "slack": True}
    corpus = tmp_path / "slack.jsonl"
    corpus.write_text(json.dumps(row) + "\n" + json.dumps(row | {"slack": "yes"}) + "\n", encoding="utf-8")
    proc = run_provider_replies(str(corpus), "--json")
    assert "slack.jsonl:2: slack must be true or false" in proc.stderr
    total = json.loads(proc.stdout.strip().splitlines()[-1])["total"]
    assert (total["replies"], total["meaning"], total["recipient"]) == (1, 100.0, 100.0)


def test_the_held_out_slack_pastes_keep_their_figures() -> None:
    # Written as Slack delivers a message and labelled before smtpbot read them. December 2026:
    # meaning 72.2% and recipient 98.0% before the fixes (counts, phone numbers and versions read
    # as no code; Postfix's and Sendmail's queue listings) and 78.4% and 98.0% after.
    proc = run_provider_replies("--corpus", str(CORPUS), "--json")
    assert proc.returncode == 0, proc.stderr
    total = json.loads(proc.stdout.strip().splitlines()[-1])["total"]
    assert total["replies"] >= 90 and total["recipients"] >= 45
    assert total["meaning"] >= 78.0, proc.stdout
    assert total["recipient"] >= 98.0, proc.stdout


def test_an_alert_channel_answers_the_failures_and_not_the_chat() -> None:
    silent, quiet, answered, failures = 0, 0, 0, 0
    for row, says, answers in alert_channel_answers(CORPUS, plain_text):
        if row["reason"] == "none" or row.get("alert") == "silent":
            silent += 1
            quiet += not says
        else:
            failures += 1
            answered += answers
    assert silent >= 20 and quiet >= silent - 1, (quiet, silent)
    assert answered >= 0.97 * failures, (answered, failures)
