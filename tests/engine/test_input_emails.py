"""Whole bounce emails, as bytes from a file or as pasted text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from explain_checks import best, by_recipient, check, explain
from repo_paths import DATA

from bot.engine import Engine

EMAILS = [
    (
        "postfix_gmail_userunknown.eml",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "provider": "Google",
            "recipient": "jane.doe@gmail.com",
            "remote_mta": "gmail-smtp-in.l.google.com",
        },
    ),
    (
        "exchange_online_recipient_not_found_qp.eml",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.10",
            "reason": "userunknown",
            "bounce": "hard",
            "provider": "Microsoft",
            "recipient": "tom.baker@contoso.com",
        },
    ),
    (
        # the only diagnostic is in a quoted-printable body, with a soft line break inside the code
        "exchange_onprem_qp_only.eml",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.10",
            "reason": "userunknown",
            "bounce": "hard",
            "recipient": "a.weber@partner.example",
        },
    ),
    (
        "base64_body_mailbox_full.eml",
        {
            "reply_code": "552",
            "enhanced_code": "5.2.2",
            "reason": "mailboxfull",
            "bounce": "hard",
            "recipient": "olga.ivanova@yandex.ru",
        },
    ),
    (
        "gmail_dsn_base64_notice_timeout.eml",
        {"enhanced_code": "4.4.1", "bounce": "hard", "recipient": "ravi.k@zoho.example"},
    ),
    (
        "qmail_plain.eml",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "recipient": "lars.nilsson@nordmail.example",
        },
    ),
    (
        "exim_plain_mailbox_full.eml",
        {
            "reply_code": "552",
            "enhanced_code": "5.2.2",
            "reason": "mailboxfull",
            "bounce": "hard",
            "recipient": "kim.park@members.example",
            "remote_mta": "mx1.members.example",
        },
    ),
    (
        "sendmail_multipart.eml",
        {
            "reply_code": "550",
            "enhanced_code": "5.7.1",
            "reason": "norelaying",
            "bounce": "hard",
            "recipient": "d.novak@partner-lab.example",
            "remote_mta": "mx.partner-lab.example",
        },
    ),
    (
        "postfix_delayed_warning.eml",
        {
            "reply_code": "421",
            "enhanced_code": "4.7.0",
            "bounce": "soft",
            "provider": "Yahoo",
            "recipient": "ops@yahoo.com",
            "remote_mta": "mta7.am0.yahoodns.net",
        },
    ),
    (
        # the notification alone, as a forwarder that drops the delivery-status part leaves it
        "postfix_text_only.eml",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "provider": "Google",
            "recipient": "supplier@gmail.com",
        },
    ),
]


@pytest.mark.parametrize(("name", "expected"), EMAILS, ids=[n for n, _ in EMAILS])
def test_bounce_email(engine: Engine, name: str, expected: dict[str, Any]) -> None:
    """One finding for the one recipient: no second one for the same failure (a generic 'delivery
    failed' banner, an empty record), nor for the decoys in the returned original ('mailbox full',
    'Order 552', '5.1.1 o'clock'). The file's bytes and the text pasted read the same."""
    raw = (DATA / "bounces" / name).read_bytes()
    result = explain(engine, raw)
    assert result.input_kind == "email"
    assert len(result.findings) == 1, [(f.entry_id, f.recipient, f.reply_code) for f in result.findings]
    check(result.findings[0], {"reply_code": None, **expected})
    assert explain(engine, raw.decode()).contract() == result.contract()


def test_bounce_email_from_file_matches_text(engine: Engine) -> None:
    path = DATA / "bounces" / "exchange_online_recipient_not_found_qp.eml"
    from_file = engine.explain_file(path)
    from_text = explain(engine, path.read_text())
    assert from_file.contract() == from_text.contract()


def test_large_file_is_read_past_the_first_read(engine: Engine, tmp_path: Path) -> None:
    """A file longer than one read (an attachment before the report) is read whole, up to the cap."""
    from bot.engine.engine import FIRST_READ_BYTES, MAX_FILE_BYTES

    bounce = (DATA / "bounces" / "exchange_online_recipient_not_found_qp.eml").read_bytes()
    padding = b"X-Padding: " + b"y" * 70 + b"\n"
    big = bounce.replace(b"\n", b"\n" + padding * (2 * FIRST_READ_BYTES // len(padding)), 1)
    path = tmp_path / "big.eml"
    path.write_bytes(big)
    assert FIRST_READ_BYTES < len(big) < MAX_FILE_BYTES
    assert engine.explain_file(path).contract() == explain(engine, big).contract()
    assert engine.explain_file(path).findings


def test_bounce_email_with_several_recipients(engine: Engine) -> None:
    result = explain(engine, (DATA / "bounces" / "postfix_multi_recipient.eml").read_text())
    assert result.input_kind == "email"
    found = by_recipient(result)
    assert set(found) == {"a.schmidt@gmx.example", "j.smith@outlook.com", "p.rossi@lavoro.example"}
    assert all(len(v) == 1 for v in found.values())
    check(
        found["a.schmidt@gmx.example"][0],
        {"reply_code": "550", "bounce": "hard", "remote_mta": "mx00.gmx.example"},
    )
    check(
        found["j.smith@outlook.com"][0],
        {
            "reply_code": "550",
            "enhanced_code": "5.5.0",
            "bounce": "hard",
            "provider": "Microsoft",
            "remote_mta": "outlook-com.olc.protection.outlook.com",
        },
    )
    check(
        found["p.rossi@lavoro.example"][0],
        {"reply_code": "552", "enhanced_code": "5.2.2", "reason": "mailboxfull", "bounce": "hard"},
    )


def test_bounce_email_with_crlf_line_ends(engine: Engine) -> None:
    raw = (DATA / "bounces" / "postfix_gmail_userunknown.eml").read_text().replace("\n", "\r\n")
    check(best(engine, raw.encode()), dict(EMAILS)["postfix_gmail_userunknown.eml"])
