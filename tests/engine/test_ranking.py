"""The evidence ranking (bot/engine/matcher.py, knowledge/README.md): wording > a specific
enhanced code > an enhanced code's subject > a specific reply code > a code's class > X.0.0."""

from __future__ import annotations

import pytest

from bot.engine.matcher import (
    RANK_CLASS,
    RANK_ENHANCED,
    RANK_NO_DETAIL,
    RANK_PHRASE,
    RANK_REPLY,
    RANK_SUBJECT,
    Matcher,
    code_rank,
)
from bot.engine.model import Entry, Provider
from bot.engine.providers import ProviderIndex

CODE_RANKS = [
    ("5.1.1", RANK_ENHANCED),
    ("4.7.26", RANK_ENHANCED),
    ("5.6.0", RANK_SUBJECT),
    ("552", RANK_REPLY),
    ("535", RANK_REPLY),
    ("5.7.1", RANK_CLASS),
    ("4.3.2", RANK_CLASS),
    ("550", RANK_CLASS),
    ("554", RANK_CLASS),
    ("5.0.0", RANK_NO_DETAIL),
    ("4.0.0", RANK_NO_DETAIL),
]


@pytest.mark.parametrize(("code", "rank"), CODE_RANKS)
def test_code_rank(code: str, rank: float) -> None:
    assert code_rank(code) == rank


def test_the_table_is_ordered() -> None:
    assert RANK_PHRASE > RANK_ENHANCED > RANK_SUBJECT > RANK_REPLY > RANK_CLASS > RANK_NO_DETAIL


CODES_ONLY = [
    # a specific reply code says more than a broad enhanced one, and a broad reply code more
    # than a status with no detail
    ("552 5.7.1", "552"),
    ("550 5.0.0", "550"),
    ("552 5.6.0", "5.6.0"),
    ("550 5.1.1", "5.1.1"),
]


@pytest.mark.parametrize(("text", "deciding"), CODES_ONLY)
def test_the_more_telling_code_decides(engine, text: str, deciding: str) -> None:
    finding = engine.explain(text).findings[0]
    assert finding.matched_text == deciding


def test_words_outrank_every_code(engine) -> None:
    finding = engine.explain("550 5.0.0 <a@example.com>: Recipient address rejected: Mailbox full").findings[
        0
    ]
    assert finding.reason == "mailboxfull"


def test_the_reports_words_do_not_overrule_a_records_own_specific_status(engine) -> None:
    text = (
        "From: postmaster@mx.example.net\nTo: s@example.org\nSubject: Delivery failure\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nDelivery to ana@example.com failed: DNS lookup failed.\n\n"
        "--b\nContent-Type: message/delivery-status\n\n"
        "Final-Recipient: rfc822; ana@example.com\nAction: failed\nStatus: 5.1.2\n--b--\n"
    )
    assert engine.explain(text).findings[0].reason == "hostunknown"


def _entry(entry_id: str, provider: str | None) -> Entry:
    return Entry(
        id=entry_id, title="t", reason="userunknown", permanence="permanent", retry="no", who="sender",
        meaning="m", sender_fix=("f",), references=("r",), examples=("mailbox unavailable",),
        phrases=("mailbox unavailable",), provider=provider,
    )  # fmt: skip


def test_an_entry_of_the_named_providers_family_counts_as_its_own() -> None:
    matcher = Matcher(
        [
            _entry("gmx.unavailable", "GMX"),
            _entry("yahoo.unavailable", "Yahoo"),
            _entry("any.unavailable", None),
        ],
        families={"GMX": "United Internet", "Web.de": "United Internet"},
    )
    hits = matcher.phrase_hits("550 mailbox unavailable")
    ranks = {m.entry.id: m.rank for m in matcher.phrase_matches({"550"}, "Web.de", hits)}
    assert ranks["gmx.unavailable"] > ranks["any.unavailable"] > ranks["yahoo.unavailable"]
    assert matcher.kin("GMX", "Web.de") and not matcher.kin("GMX", "Yahoo") and not matcher.kin("GMX", None)


def test_a_family_members_entry_answers_its_reply(engine) -> None:
    finding = engine.explain(
        "550-Requested action not taken: mailbox unavailable 550 For explanation visit "
        "https://postmaster.web.de/en/case?c=r1601"
    ).findings[0]
    assert finding.provider == "Web.de"
    assert engine.by_id[finding.entry_id].provider in ("GMX", "Web.de")


def test_a_failure_reports_closing_words_of_success_give_way_to_its_cause(engine) -> None:
    # Lotus Notes ends every failure report with a sentence about the other recipients
    text = (
        "Router: No route found to domain example.net from server HUB01/EXAMPLE. Unless you "
        "receive other Delivery Failure Reports, the document was successfully delivered to all "
        "other recipients."
    )
    assert engine.explain(text).findings[0].reason == "hostunknown"
    assert engine.explain("Your message was successfully delivered.").findings[0].reason == "delivered"


GATEWAY_REPORT = """From: MAILER-DAEMON@messagelabs.com
To: hr@example.org
Subject: Mail Delivery Failure
Date: Tue, 5 Mar 2024 10:15:00 +0000

This is an automatically generated message from MessageLabs. Your message could not be
delivered to one or more recipients.

<ann@example.com>: 550 No such user (ann@example.com)
"""


def test_a_gateway_named_only_in_the_report_speaks_for_its_words(engine) -> None:
    """Email Security.cloud writes the report itself and names itself only in its opening words:
    its "No such user" keeps userunknown where a reply in no stated phase reads as a filter's."""
    finding = engine.explain(GATEWAY_REPORT).findings[0]
    assert (finding.reason, finding.entry_id) == ("userunknown", "messagelabs.invalid-recipient")


def test_mail_server_software_named_in_a_report_is_no_provider() -> None:
    index = ProviderIndex(
        [
            Provider("qmail", tags=("qmail-send",)),
            Provider("MessageLabs", hosts=("messagelabs.com",), tags=("MessageLabs",)),
        ]
    )
    assert index.operator_in("Hi. This is the qmail-send program at mx.example.jp.") is None
    assert index.operator_in("an automatically generated message from MessageLabs") == "MessageLabs"


def _carrier_notice(statement: str, reply: str) -> str:
    return (
        "From: Postmaster@mail.example.jp\nTo: shop@example.org\nSubject: Mail System Error - Returned Mail\n"
        f"Date: Mon, 9 Nov 2026 12:01:43 +0900\n\n{statement}\n\n<ana@mail.example.jp>: {reply}\n"
    )


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        # the notice's own statement of the account's state names the cause under a generic reply
        ("The user(s) account is temporarily limited.", "suspend"),
        ("Your message could not be delivered: the account is disabled.", "suspend"),
        # with no statement above it, the reply says what it says
        ("Your message could not be delivered.", "userunknown"),
    ],
)
def test_a_reports_statement_of_the_accounts_state_outranks_a_generic_user_unknown(
    engine, statement: str, reason: str
) -> None:
    text = _carrier_notice(statement, "550 user unknown (in reply to RCPT TO command)")
    assert engine.explain(text).findings[0].reason == reason


def test_a_providers_own_reading_of_its_reply_is_kept_beside_a_statement(engine) -> None:
    # Mail.ru's "Local mailbox ... is unavailable: account is disabled" means no such user; the
    # account words around it do not change the provider entry's reading
    reply = (
        "550 Message was not accepted -- invalid mailbox. "
        "Local mailbox ana@mail.ru is unavailable: account is disabled"
    )
    finding = engine.explain(_carrier_notice("Your account is disabled.", reply)).findings[0]
    assert finding.reason == "userunknown"
