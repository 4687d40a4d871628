"""Plain-English reason labels and titles that do not repeat the code, in the terminal and in Slack."""

from __future__ import annotations

import json
import re

import pytest

from bot.engine import Engine
from bot.engine.model import REASONS
from bot.render_text import LABEL_WIDTH, render
from bot.slack.answer_blocks import render_explanation
from bot.wording import (
    MEANING,
    REASON_LABELS,
    SENDER_FIX,
    bounce_label,
    display_title,
    facts,
    finding_title,
    reason_label,
)

ENGINE = Engine.load(extra_dir="")  # the shipped knowledge only


def test_every_reason_has_a_label_and_labels_are_words_not_names() -> None:
    assert set(REASON_LABELS) == set(REASONS)
    for name, label in REASON_LABELS.items():
        assert label[0].isupper() and label.lower() != name
    assert len(set(REASON_LABELS.values())) == len(REASON_LABELS)  # no two reasons read the same


def test_the_terminal_shows_the_label_and_the_json_keeps_the_name() -> None:
    explanation = ENGINE.explain("550 5.1.1 <ana@example.net>: Recipient address rejected: User unknown")
    text = render(explanation)
    assert f"{'Reason:':<{LABEL_WIDTH}}Recipient address does not exist" in text
    assert "reason userunknown" in text  # the Sisimai name, in the small print
    assert explanation.contract()["findings"][0]["reason"] == "userunknown"


def test_slack_shows_the_label_in_the_reason_field() -> None:
    explanation = ENGINE.explain(
        "550-5.7.26 This mail has been blocked because the sender is unauthenticated. gsmtp"
    )
    blocks = render_explanation(explanation, audience="private").blocks
    fields = " ".join(f["text"] for f in blocks[1]["fields"])
    assert f"*Reason*\n{reason_label('authfailure')}" in fields
    assert "`authfailure`" not in fields


@pytest.mark.parametrize(
    "text",
    [
        "451 4.7.1 Greylisted, see http://postgrey.schweikert.ch/help/example.com.html",
        "Warning: message still undelivered after 4 hours. Will keep trying until message is 5 days old",
        "status=expired, returned to sender",
    ],
)
def test_the_expired_label_holds_for_a_delay_and_for_a_give_up(text: str) -> None:
    # Sisimai's `expired` covers delay notices and greylisting as well as a queue that ran out:
    # the label must not say "gave up" above an answer that says the server keeps retrying
    finding = ENGINE.explain(text).best
    assert finding is not None and finding.reason == "expired"
    assert "gave up" not in reason_label("expired") and "delayed" in reason_label("expired")


def test_who_must_act_keeps_the_case_of_acronyms() -> None:
    text = render(ENGINE.explain("connect to mx.example.net[192.0.2.1]:25: Connection timed out"))
    assert "network or DNS in between" in text and " dns " not in text


def test_a_4_4_2_timeout_is_not_read_as_a_server_never_reached() -> None:
    # RFC 3463 X.4.2: the connection was established but the transaction could not complete
    finding = ENGINE.explain("421 4.4.2 Connection timed out").best
    assert finding is not None
    assert "could not be reached" not in finding.title
    assert "was made but then timed out or dropped" in " ".join(finding.meaning.split())


def test_a_552_mailbox_full_asks_the_sender_to_resend_not_to_wait_for_a_retry() -> None:
    # a 5xx is final for the sending server: nothing retries it by itself (RFC 5321 §4.2.1)
    finding = ENGINE.explain("552 5.2.2 <ana@example.net>: Mailbox full").best
    assert finding is not None
    assert any(
        "after a 5xx reply" in fix.lower() and "send again yourself" in fix for fix in finding.sender_fix
    )
    # and the 4xx half of the same fix is left out: nothing retries a 552
    assert not any("retry by itself" in fix for fix in finding.sender_fix)


def test_gmail_dmarc_rejection_is_not_blamed_on_a_quarantine_policy() -> None:
    # RFC 7489 §6.3: p=quarantine asks for the spam folder, p=reject for a refusal
    finding = ENGINE.explain(
        "550 5.7.26 Unauthenticated email from example.org is not accepted due to domain's DMARC policy"
    ).best
    assert finding is not None and finding.provider == "Google"
    assert "(or quarantine)" not in finding.meaning


def test_an_arf_report_does_not_claim_a_feedback_loop_sign_up_as_certain() -> None:
    # RFC 6650 §3: ARF reports also go unsolicited to abuse addresses
    finding = ENGINE.explain(
        "Feedback-Type: abuse\nUser-Agent: X/1.0\nVersion: 1\n\nThis is an email abuse report"
    ).best
    assert finding is not None and finding.reason == "feedback"
    assert "It arrives through a feedback loop" not in " ".join(finding.meaning.split())


def test_a_code_alone_reads_undetermined_not_onhold() -> None:
    text = render(ENGINE.explain("550"))
    assert "Undetermined" in text and f"{'Reason:':<{LABEL_WIDTH}}onhold" not in text


@pytest.mark.parametrize(
    ("title", "codes", "shown"),
    [
        ("421: the server is not available", "421", "The server is not available"),
        ("X.1.1: the mailbox does not exist", "550 5.1.1", "The mailbox does not exist"),
        (
            "Microsoft 365: the address is not valid (5.7.504)",
            "550 5.7.504",
            "Microsoft 365: the address is not valid",
        ),
        (
            "Exchange: a rule fired (5.7.900 - 5.7.999)",
            "550 5.7.912",
            "Exchange: a rule fired (5.7.900 - 5.7.999)",
        ),
        ("421: closed", "450", "421: closed"),  # a code the answer does not show stays
        ("Mailbox full", "", "Mailbox full"),
    ],
)
def test_display_title_drops_only_codes_shown_beside_it(title: str, codes: str, shown: str) -> None:
    assert display_title(title, codes) == shown


def _examples() -> list[str]:
    return [example for entry in ENGINE.entries for example in entry.examples]


def test_no_rendered_title_repeats_its_code() -> None:
    """Every example in the knowledge base, rendered for the terminal and for Slack: a code in the
    header appears there once."""
    repeats = []
    for example in _examples():
        explanation = ENGINE.explain(example)
        if explanation.best is None:
            continue
        terminal_head = render(explanation).splitlines()[0]
        slack_head = render_explanation(explanation, audience="private").blocks[0]["text"]["text"]
        for head in (terminal_head, slack_head, finding_title(explanation.best)):
            for code in explanation.best.codes_label.split():
                if len(re.findall(rf"(?<![\w.]){re.escape(code)}(?![\w.])", head)) > 1:
                    repeats.append(head)
    assert repeats == []


def test_slack_summary_lines_use_the_clean_title() -> None:
    text = "421 4.7.0 Try again later, closing connection.\n550 5.1.1 <ana@example.net>: User unknown"
    explanation = ENGINE.explain(text)
    dumped = json.dumps(render_explanation(explanation, audience="private").blocks)
    assert not re.search(r"421\S* 421", dumped)


def test_the_terminal_and_slack_show_the_same_facts_and_parts_under_the_same_words() -> None:
    explanation = ENGINE.explain("550 5.1.1 <ana@example.net>: Recipient address rejected: User unknown")
    assert explanation.best is not None
    terminal = render(explanation)
    slack = json.dumps(render_explanation(explanation, audience="private").blocks, ensure_ascii=False)
    shown = facts(explanation.best, show_recipient=True)
    assert {fact.label for fact in shown} >= {"Reason", "Bounce", "Retry?", "Who must act", "Recipient"}
    for fact in shown:
        assert re.search(rf"^{re.escape(fact.label)}:? ", terminal, re.MULTILINE), fact.label
        assert f"*{fact.label}*" in slack
    assert (
        bounce_label(explanation.best.bounce) in terminal and bounce_label(explanation.best.bounce) in slack
    )
    for heading in (MEANING, SENDER_FIX):
        assert heading in terminal and f"*{heading}*" in slack


@pytest.mark.parametrize(
    ("text", "bounce", "final_words"),
    [
        ("421 4.3.2 mx.example.net Service not available, closing transmission channel", "soft", False),
        ("421 4.3.2 System not accepting network messages", "soft", False),
        ("554 5.3.2 System not accepting network messages", "hard", True),
    ],
)
def test_a_server_that_pauses_is_not_labelled_as_one_that_takes_no_mail(
    text: str, bounce: str, final_words: bool
) -> None:
    # RFC 3463 X.3.2: shutdown, load or maintenance with a 4xx; a host that takes no mail with a 5xx
    finding = ENGINE.explain(text).best
    assert finding is not None and (finding.reason, finding.bounce) == ("notaccept", bounce)
    assert finding.provider is None  # RFC 5321's own 421 text names no product
    label = reason_label(finding.reason, finding.bounce)
    assert ("accepts no mail" in label) is final_words
    assert f"Reason:        {label}" in render(ENGINE.explain(text))
