"""A sending service's own event decides where the receiving server's reply names no cause:
Brevo's soft_bounce with a bare "452 Requested action not taken" is the service's delay, not a
full disk read from the code's RFC 5321 default; Mailjet's "duplicate in campaign" (filed as a
blocked event) is no failure at all. Layouts from bench/corpus-pastes-heldout-esp/README.md."""

from __future__ import annotations

import json

import pytest
from sample_mail import findings

from bot.engine import Engine


def brevo(event: str, reason: str) -> str:
    return json.dumps(
        {"event": event, "email": "ana@example.com", "id": 1, "message-id": "<m1@example.com>", "ts_event": 1}
        | ({"reason": reason} if reason else {})
    )


def mailjet(event: str, related: str, error: str) -> str:
    fields = {"event": event, "email": "ana@example.com", "MessageID": 1, "mj_campaign_id": 7}
    return json.dumps(fields | {"error_related_to": related, "error": error})


@pytest.mark.parametrize(
    ("event", "reason", "bounce"),
    [
        ("soft_bounce", "452 Requested action not taken", "soft"),
        ("soft_bounce", "", "soft"),
        ("hard_bounce", "552 Requested action not taken", "hard"),
    ],
)
def test_a_bare_reply_code_leaves_the_event_to_decide(
    engine: Engine, event: str, reason: str, bounce: str
) -> None:
    (finding,) = findings(engine, brevo(event, reason))
    assert finding.entry_id.startswith("fallback.")
    assert (finding.bounce, finding.recipient) == (bounce, "ana@example.com")


def test_a_reply_that_names_a_cause_or_a_status_still_answers(engine: Engine) -> None:
    (worded,) = findings(engine, brevo("soft_bounce", "452 4.2.2 Mailbox full"))
    assert (worded.reason, worded.bounce) == ("mailboxfull", "soft")
    (coded,) = findings(engine, brevo("hard_bounce", "550 5.1.1"))
    assert (coded.reason, coded.bounce) == ("userunknown", "hard")


def test_a_pasted_reply_code_keeps_its_default_meaning(engine: Engine) -> None:
    (finding,) = findings(engine, "452 Requested action not taken")
    assert finding.reason == "systemfull"


def test_a_duplicate_mailjet_skipped_is_no_failure(engine: Engine) -> None:
    (duplicate,) = findings(engine, mailjet("blocked", "mailjet", "duplicate in campaign"))
    assert (duplicate.entry_id, duplicate.bounce) == ("mailjet.duplicate-in-campaign", "none")
    (preblocked,) = findings(engine, mailjet("blocked", "mailjet", "preblocked"))
    assert (preblocked.reason, preblocked.bounce) == ("suppressed", "hard")
