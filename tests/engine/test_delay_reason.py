"""A delay warning whose last attempt failed at the network level is filed as expired (the
message waits in the queue), while the entry still explains what the attempt ran into."""

from __future__ import annotations

import pytest


def _record(action: str, status: str, diagnostic: str) -> str:
    return (
        f"Final-Recipient: rfc822; ana@example.com\nAction: {action}\nStatus: {status}\n"
        f"Diagnostic-Code: smtp; {diagnostic}\n"
    )


DROPPED = "421 4.4.2 Connection dropped due to SocketError"


def test_a_delayed_record_with_a_network_status_is_expired(engine) -> None:
    finding = engine.explain(_record("delayed", "4.4.2", DROPPED)).findings[0]
    assert finding.reason == "expired"
    assert finding.entry_id == "generic.blocked.connection-dropped"
    assert finding.bounce == "soft"


@pytest.mark.parametrize(
    ("action", "status", "diagnostic", "reason"),
    [
        # the report gave up: what the last attempt met is the answer
        ("failed", "4.4.2", DROPPED, "blocked"),
        # a delay caused by a refusal of the sender, not by the network
        ("delayed", "4.7.1", "421 4.7.1 Client host rejected: blocked using zen.spamhaus.org", "blocked"),
    ],
)
def test_other_records_keep_their_reason(
    engine, action: str, status: str, diagnostic: str, reason: str
) -> None:
    assert engine.explain(_record(action, status, diagnostic)).findings[0].reason == reason


@pytest.mark.parametrize(("action", "bounce"), [("delayed", "soft"), ("failed", "hard")])
def test_a_reply_that_only_asks_to_try_later_is_a_wait_in_the_queue(engine, action: str, bounce: str) -> None:
    record = _record(action, "4.7.0", "421 4.7.0 Try again later, closing connection.")
    finding = engine.explain(record).findings[0]
    assert (finding.reason, finding.bounce) == ("expired", bounce)
    assert finding.entry_id == "generic.expired.try-again-later-only"


DNS_TRY_AGAIN = (
    "Host or domain name not found. Name service error for name=example.net type=MX: "
    "Host not found, try again"
)


def test_a_delayed_record_whose_dns_lookup_failed_is_expired(engine) -> None:
    record = _record("delayed", "4.4.3", DNS_TRY_AGAIN).replace("smtp; ", "X-Postfix; ")
    finding = engine.explain(record).findings[0]
    assert (finding.reason, finding.bounce) == ("expired", "soft")
    assert finding.entry_id == "postfix.host-or-domain-not-found"


def test_a_failed_record_whose_dns_lookup_failed_keeps_hostunknown(engine) -> None:
    not_found = DNS_TRY_AGAIN.replace(", try again", "")
    record = _record("failed", "5.4.4", not_found).replace("smtp; ", "X-Postfix; ")
    assert engine.explain(record).findings[0].reason == "hostunknown"


SENDMAIL_PERMANENT_AND_TRANSIENT = """From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>
To: ana@example.org
Subject: Returned mail: User unknown

   ----- The following addresses had permanent fatal errors -----
<bo@example.net>

   ----- Transcript of session follows -----
... while talking to mx.example.net.:
>>> RCPT To:<bo@example.net>
<<< 550 5.1.1 <bo@example.net>... User unknown
550 <bo@example.net>... User unknown

   ----- The following addresses had transient non-fatal errors -----
<cy@example.com>

   ----- Transcript of session follows -----
<cy@example.com>... Deferred: Connection refused by mx.example.com.

   ----- Original message follows -----
"""


def test_a_recipient_still_queued_after_a_refused_connection_is_expired(engine) -> None:
    # the report's second list holds recipients still being tried, with no code at all: the news
    # for them is the wait; the first list's recipient failed for its own reason
    got = [
        (f.recipient, f.reason, f.bounce) for f in engine.explain(SENDMAIL_PERMANENT_AND_TRANSIENT).findings
    ]
    assert got == [("bo@example.net", "userunknown", "hard"), ("cy@example.com", "expired", "soft")]


def test_a_delayed_record_with_only_a_class_status_keeps_its_reason(engine) -> None:
    # only a record with no code at all is read by its words alone; 4.0.0 is the report's choice
    record = _record("delayed", "4.0.0", "Connection refused by mx.example.net")
    assert engine.explain(record).findings[0].reason == "blocked"


@pytest.mark.parametrize(
    ("status", "diagnostic"),
    [
        # Postfix with soft_bounce=yes: a 4.x.x status over the 550 the last attempt met
        ("4.1.1", "550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown"),
        # a reporting MTA that keeps the permanent status but still says it will retry
        ("5.1.1", "550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown"),
    ],
)
def test_a_delay_warning_is_soft_whatever_codes_it_quotes(engine, status: str, diagnostic: str) -> None:
    delayed = engine.explain(_record("delayed", status, diagnostic)).findings[0]
    failed = engine.explain(_record("failed", status, diagnostic)).findings[0]
    assert (delayed.reason, delayed.bounce) == ("userunknown", "soft")
    assert (failed.reason, failed.bounce) == ("userunknown", "hard")


def test_a_sending_services_transient_class_keeps_the_codes_verdict(engine) -> None:
    """SES's Transient bounce type is its classification of a bounce, not a message in a queue."""
    event = (
        '{"notificationType": "Bounce", "bounce": {"bounceType": "Transient", "bounceSubType": '
        '"MessageTooLarge", "bouncedRecipients": [{"emailAddress": "ana@example.com", "status": '
        '"5.3.4", "diagnosticCode": "smtp; 552 5.3.4 Message size exceeds fixed limit"}]}, '
        '"mail": {"source": "me@example.org", "destination": ["ana@example.com"]}}'
    )
    finding = engine.explain(event).findings[0]
    assert (finding.recipient, finding.bounce) == ("ana@example.com", "hard")


def test_a_delay_warnings_advice_speaks_of_the_retries_its_mta_makes(engine) -> None:
    """The advice follows the queue, not the quoted reply's class: a delay warning quoting a 554
    says the sending server retries; the same record once it failed says nothing does."""
    diagnostic = "554 5.4.0 No route to host"
    delayed = engine.explain(_record("delayed", "5.4.0", diagnostic)).findings[0]
    failed = engine.explain(_record("failed", "5.4.0", diagnostic)).findings[0]
    assert delayed.entry_id == failed.entry_id
    assert "retries" in delayed.retry and "nothing retries" not in delayed.retry
    assert "nothing retries" in failed.retry
    assert any("queue retry" in fix for fix in delayed.sender_fix)
    assert not any("queue retry" in fix for fix in failed.sender_fix)
