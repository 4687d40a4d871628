"""Reports that mix outcomes and bounces in languages the corpora had little of (bench/corpus-heldout's
ninth set): a DSN whose records say failed, delayed, delivered, relayed and expanded (RFC 3464
section 2.3.3) answers for the recipients it failed or delayed only; a report in Czech, Polish,
Swedish or Korean with no code is read by its words; Gmail's headline in the user's language."""

from __future__ import annotations

import pytest
from sample_mail import findings, message, multipart_report

from bot.engine import Engine

MIXED_TEXT = "This is the mail system at host relay.example.net.\n\nEnclosed is the mail delivery report."
MIXED_RECORDS = """\
Reporting-MTA: dns; relay.example.net

Final-Recipient: rfc822; team@example.net
Action: expanded
Status: 2.0.0

Final-Recipient: rfc822; old@example.net
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <old@example.net>: Recipient address rejected: User unknown

Final-Recipient: rfc822; jo@example.net
Action: delivered
Status: 2.0.0

Final-Recipient: rfc822; full@example.net
Action: delayed
Status: 4.2.2
Diagnostic-Code: smtp; 452 4.2.2 Mailbox full, try again later

Final-Recipient: rfc822; boss@example.net
Action: relayed
Status: 2.0.0
"""


def test_a_mixed_report_answers_for_the_failed_and_delayed_recipients_only(engine: Engine) -> None:
    body, ctype = multipart_report(MIXED_TEXT, MIXED_RECORDS)
    found = findings(engine, message(body, Content_Type=ctype))
    got = [(f.recipient, f.reason, f.bounce) for f in found]
    assert got == [("old@example.net", "userunknown", "hard"), ("full@example.net", "mailboxfull", "soft")]


def test_a_report_of_deliveries_only_still_says_so(engine: Engine) -> None:
    records = MIXED_RECORDS.split("\n\nFinal-Recipient: rfc822; old@")[0]
    body, ctype = multipart_report(MIXED_TEXT, records)
    (finding,) = findings(engine, message(body, Content_Type=ctype))
    assert (finding.recipient, finding.reason, finding.bounce) == ("team@example.net", "delivered", "none")


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("mailboxfull", "Důvod: Schránka příjemce je plná a nemůže přijímat další zprávy."),
        ("mailboxfull", "Powód: skrzynka pocztowa odbiorcy jest pełna."),
        ("mailboxfull", "Orsak: mottagarens postlåda är full."),
        ("mailboxfull", "사유: 받는 사람의 사서함이 가득 찼습니다."),
        ("userunknown", "Powód: nieznany użytkownik."),
        ("userunknown", "Důvod: uživatel neexistuje."),
        ("userunknown", "Orsak: okänd mottagare."),
        ("hostunknown", "Důvod: doména neexistuje."),
    ],
)
def test_a_plain_bounce_in_another_language_names_its_cause(engine: Engine, reason: str, words: str) -> None:
    body = f"Zpráva / Wiadomość / Meddelande:\n\n    anna@example.net\n\n{words}\n"
    (finding, *_) = findings(engine, message(body, subject="Undeliverable"))
    assert finding.reason == reason
    assert finding.recipient == "anna@example.net"


@pytest.mark.parametrize(
    "headline", ["** Adresse nicht gefunden **", "** Nie znaleziono adresu **", "** 주소를 찾을 수 없음 **"]
)
def test_gmails_headline_in_the_users_language(engine: Engine, headline: str) -> None:
    (finding,) = engine.explain(f"{headline}\n\nlena@example.de\n").findings
    assert (finding.entry_id, finding.reason) == ("google.address-not-found", "userunknown")


def test_a_long_provider_wording_wins_a_tie_with_a_short_generic_one(engine: Engine) -> None:
    """Both patterns match at the capped length; the one covering more of the reply answers, so
    Mail.ru's own wording explains the reply even where the text names no Mail.ru host."""
    reply = (
        "550 Message was not accepted -- invalid mailbox.  Local mailbox olga.kuznetsova@example.ru is "
        "unavailable: account is disabled"
    )
    (finding,) = engine.explain(reply).findings
    assert (finding.entry_id, finding.reason) == ("mailru.user-not-found", "userunknown")


SENDMAIL_TWO_SECTIONS = """\
The original message was received at Fri, 29 Dec 2000 15:09:12 -0600
from client.example.org [192.0.2.44]

   ----- The following addresses had permanent fatal errors -----
Ann Lee <ann@example.com>

   ----- Transcript of session follows -----
... while talking to mail.example.com.:
>>> RCPT To:<ann@example.com>
<<< 550 5.1.1 <ann@example.com>... User unknown

   ----- The following addresses had transient non-fatal errors -----
<bob@example.net>

   ----- Transcript of session follows -----
<bob@example.net>... Deferred: 452 4.2.2 Mailbox full

   ----- Original message follows -----
"""


def test_a_plain_sendmail_report_delays_the_recipients_of_its_transient_section(engine: Engine) -> None:
    # no DSN part: the headings alone say which recipient failed and which is still queued
    mail = message(SENDMAIL_TWO_SECTIONS, subject="Returned mail: User unknown")
    got = [(f.recipient, f.reason, f.bounce) for f in findings(engine, mail)]
    assert got == [("ann@example.com", "userunknown", "hard"), ("bob@example.net", "mailboxfull", "soft")]


def test_a_report_with_only_a_permanent_section_keeps_every_recipient_failed(engine: Engine) -> None:
    body = SENDMAIL_TWO_SECTIONS.split("   ----- The following addresses had transient")[0]
    body = body.replace("Ann Lee <ann@example.com>", "Ann Lee <ann@example.com>\n<bob@example.net>")
    body += "<bob@example.net>... 452 4.2.2 Mailbox full\n"
    mail = message(body, subject="Returned mail: see transcript for details")
    got = [(f.recipient, f.bounce) for f in findings(engine, mail)]
    assert got == [("ann@example.com", "hard"), ("bob@example.net", "hard")]
