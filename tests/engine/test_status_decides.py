"""Where the same words mean two things, the status the text carries decides between them."""

from __future__ import annotations

from bot.engine import Engine, Finding

DOCOMO_DSN = """\
From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.jp>
To: <ana@example.jp>
Subject: Returned mail: see transcript for details
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

   ----- Transcript of session follows -----
... while talking to mfsmax.docomo.ne.jp.:
>>> DATA
<<< 550 Unknown user bob@docomo.ne.jp
554 5.0.0 Service unavailable

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.jp

Final-Recipient: RFC822; bob@docomo.ne.jp
Action: failed
Status: {status}
Remote-MTA: DNS; mfsmax.docomo.ne.jp
Diagnostic-Code: SMTP; 550 Unknown user bob@docomo.ne.jp

--B1--
"""


def best(engine: Engine, text: str) -> Finding:
    found = engine.explain(text).best
    assert found is not None
    return found


def test_a_refusal_after_data_with_a_mailbox_status_is_the_recipients_filter(engine: Engine) -> None:
    # Docomo: the recipient's reception settings refused the message after DATA; the reporting
    # MTA's X.2.0 says the refusal concerned the recipient's mailbox, not the sender's address
    finding = best(engine, DOCOMO_DSN.format(status="5.2.0"))
    assert (finding.entry_id, finding.smtp_phase) == ("docomo.refused-after-data", "DATA")
    assert finding.reason == "filtered"


def test_the_same_refusal_with_a_status_without_detail_keeps_the_entrys_reason(engine: Engine) -> None:
    finding = best(engine, DOCOMO_DSN.format(status="5.0.0"))
    assert (finding.entry_id, finding.reason) == ("docomo.refused-after-data", "rejected")


def test_unrouteable_with_a_mailbox_status_is_the_address_and_with_a_domain_status_the_domain(
    engine: Engine,
) -> None:
    mailbox = "550 5.1.1 <ana@example.org>: Recipient address rejected: unrouteable address"
    domain = mailbox.replace("5.1.1", "5.1.2")
    assert best(engine, mailbox).reason == "userunknown"
    assert best(engine, domain).reason == "hostunknown"
    assert best(engine, "550 Unrouteable address").reason == "hostunknown"
    assert best(engine, "ana@example.invalid R=dnslookup: Unrouteable address").reason == "hostunknown"
