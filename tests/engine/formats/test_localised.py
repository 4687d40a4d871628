"""Bounces in other languages and charsets: RFC 2047 headers, 8bit parts in legacy charsets,
localised report and delay wording, and the SMTP phase stated in another language."""

from __future__ import annotations

import base64

import pytest
from sample_mail import findings, message

from bot.engine import Engine
from bot.engine.formats import bounce_email, mime_reader, reportwords
from bot.engine.normalize import decode_bytes
from bot.engine.phase import smtp_phase


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=?utf-8?Q?Unzustellbar:_Angebot_f=C3=BCr_Dezember?=", "Unzustellbar: Angebot für Dezember"),
        (
            "=?koi8-r?B?" + base64.b64encode("Сообщение не доставлено".encode("koi8-r")).decode() + "?=",
            "Сообщение не доставлено",
        ),
        # the white space between two encoded words goes (RFC 2047 section 6.2), the rest stays
        ("Re: =?utf-8?Q?Non_remis?= =?utf-8?Q?_:_R=C3=A9union?= (2)", "Re: Non remis : Réunion (2)"),
        ("=?x-unknown-charset?Q?plain?=", "plain"),  # an unknown charset is read as UTF-8
        ("=?utf-8?B?not*base64?=", "=?utf-8?B?not*base64?="),  # no encoded word: left as it is
        ("Undelivered Mail Returned to Sender", "Undelivered Mail Returned to Sender"),
    ],
)
def test_encoded_words_in_header_values_are_decoded(value: str, expected: str) -> None:
    assert mime_reader.decode_words(value) == expected


def _eight_bit_email(text: str, charset: str) -> str:
    """An email with an 8bit part in `charset`, read from bytes the way a file or upload is."""
    head = (
        "From: MAILER-DAEMON@mx.example.net\nTo: sender@example.org\n"
        "Subject: =?gb2312?B?" + base64.b64encode("退信通知".encode("gb2312")).decode() + "?=\n"
        "Date: Tue, 10 Dec 2024 10:00:00 +0800\nMIME-Version: 1.0\n"
        f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: 8bit\n\n"
    )
    return decode_bytes(head.encode("ascii") + text.encode(charset))


@pytest.mark.parametrize(
    ("text", "charset"),
    [
        ("收件人：zhao.lei@example.cn\n失败原因：收件人邮箱空间已满。\n", "gb2312"),
        ("Адресат: ivan@example.ru\nПричина: почтовый ящик переполнен.\n", "koi8-r"),
        ("宛先: yuki@example.jp\nメールボックスの容量がいっぱいです。\n", "shift_jis"),
    ],
)
def test_an_8bit_part_in_a_legacy_charset_is_decoded_with_it(text: str, charset: str) -> None:
    message_read = bounce_email.read(_eight_bit_email(text, charset))
    assert message_read.body.strip() == text.strip()
    assert message_read.header("subject") == "退信通知"


def test_an_8bit_latin1_part_in_a_utf8_email_stays_as_read() -> None:
    # the email as a whole was UTF-8, so its characters are right already; re-reading them as
    # bytes of the part's declared charset would garble them
    email = message(
        "Votre message n'a pas pu être remis.\n<julien@example.fr> : adresse inconnue.",
        Content_Type="text/plain; charset=iso-8859-15",
    )
    assert "être remis" in bounce_email.read(email).body


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            '"lena@example.de":\nSMTP-Fehler vom entfernten Server nach RCPT-Befehl:\n550 Benutzer unbekannt',
            "userunknown",
        ),
        (
            "<k.wolf@example.de>: host mx.example.de[192.0.2.44] sagte: 552 5.2.2\n"
            "    Postfach voll (als Antwort auf den RCPT TO-Befehl)",
            "mailboxfull",
        ),
        (
            "Ваше сообщение не доставлено следующим получателям:\n\nivan@example.ru\n"
            "Причина: Пользователь не найден.",
            "userunknown",
        ),
        (
            "您的邮件无法投递到下列地址：\n\n<sun@no-such-domain.example.cn>\n原因：收件人域名不存在。",
            "hostunknown",
        ),
        (
            "以下の宛先へのメールは配信できませんでした。\n\n宛先: haruka@docomo.example\n"
            "理由: 宛先のメールアドレスが存在しません。",
            "userunknown",
        ),
    ],
)
def test_localised_reports_are_read_for_their_reason(engine: Engine, body: str, reason: str) -> None:
    found = findings(engine, message(body, subject="Nachricht konnte nicht zugestellt werden"))
    assert found[0].reason == reason


@pytest.mark.parametrize(
    ("subject", "body", "delay"),
    [
        (
            "Zustellung verzögert: Protokoll",
            "Die Zustellung an diese Empfänger oder Gruppen verzögert sich:",
            True,
        ),
        ("Courrier retardé", "Une nouvelle tentative sera faite jusqu'à 5 jour(s).", True),
        (
            "Warnung",
            "Ihre Nachricht konnte bisher nicht zugestellt werden. Weitere Zustellversuche folgen.",
            True,
        ),
        ("Задержка", "Ваше сообщение пока не доставлено. Попытки доставки будут продолжены.", True),
        (
            "配送遅延のお知らせ",
            "以下の宛先へのメールは、まだ配送されていません。配送は引き続き試行されますので、再送信の必要はありません。",
            True,
        ),
        ("邮件延迟投递通知", "您发送的邮件暂时未能投递，系统将继续尝试投递。", True),
        ("配送できませんでした", "お送りいただいたメールは、以下の宛先に配送できませんでした。", False),
        ("Non remis : Réunion", "Remise impossible pour ces destinataires ou groupes :", False),
        # a final report that mentions retries is no warning
        (
            "Message non remis",
            "Ceci est une erreur permanente ; aucune nouvelle tentative ne sera effectuée.",
            False,
        ),
    ],
)
def test_localised_delay_warnings_are_told_from_final_reports(subject: str, body: str, delay: bool) -> None:
    assert reportwords.is_delay_warning(subject, body) is delay


@pytest.mark.parametrize(
    "subject",
    [
        "Unzustellbar: Angebot",
        "Non remis : Réunion",
        "No se puede entregar: Presupuesto",
        "Onbestelbaar: Planning",
        "Não é possível entregar: Contrato",
        "Non recapitabile: Ordine",
        "系统退信",
        "Сообщение не доставлено",
    ],
)
def test_localised_subjects_make_a_delivery_report(subject: str) -> None:
    email = message("anna@example.de", subject=subject, From="Kim <kim@example.org>")
    assert reportwords.is_delivery_report(bounce_email.read(email))


@pytest.mark.parametrize(
    ("text", "phase"),
    [
        ("SMTP-Fehler vom entfernten Server nach RCPT-Befehl:", "RCPT"),
        ("552 Postfach voll (als Antwort auf den RCPT TO-Befehl)", "RCPT"),
        ("550 refusé en réponse à la commande RCPT TO", "RCPT"),
        ("554 rechazado en respuesta al comando DATA", "DATA"),
        ("550 rifiutato in risposta al comando MAIL FROM", "MAIL"),
        ("host nach mail.example.de umgeleitet", None),  # a host name, no command
        ("entrega prevista na data de hoje", None),  # "data" is a date in Portuguese
    ],
)
def test_the_phase_is_read_in_other_languages(text: str, phase: str | None) -> None:
    assert smtp_phase(text) == phase


@pytest.mark.parametrize(
    ("text", "label", "written_as"),
    [
        ("收件人：陈喆 <zhe@example.cn>\n", "gb2312", "gbk"),  # 喆 is GBK's, not GB2312's
        ("宛先: ① yuki@example.jp\n", "shift_jis", "cp932"),  # ① is Microsoft's CP932
    ],
)
def test_a_narrow_charset_label_is_read_as_the_wider_charset_mail_uses(
    text: str, label: str, written_as: str
) -> None:
    head = f"From: MAILER-DAEMON@mx.example.net\nSubject: x\nContent-Type: text/plain; charset={label}\n\n"
    email = decode_bytes(head.encode("ascii") + text.encode(written_as))
    assert bounce_email.read(email).body == text


def _mislabelled_email(text: str, written_as: str, content_type: str, encoding: str = "8bit") -> str:
    """An email whose text part is written in one charset and labelled with another (or none);
    its Subject names the charset the writer used, as mail from such writers usually does."""
    data = text.encode(written_as)
    body = base64.encodebytes(data) if encoding == "base64" else data
    head = (
        "From: MAILER-DAEMON@mx.example.net\nTo: sender@example.org\n"
        f"Subject: =?{written_as}?B?" + base64.b64encode("退信".encode(written_as)).decode() + "?=\n"
        "Date: Tue, 10 Dec 2024 10:00:00 +0800\nMIME-Version: 1.0\n"
        f"Content-Type: {content_type}\nContent-Transfer-Encoding: {encoding}\n\n"
    )
    return decode_bytes(head.encode("ascii") + body)


@pytest.mark.parametrize(
    ("text", "written_as", "content_type", "encoding"),
    [
        # no charset at all: the bytes are the charset the Subject's encoded word names
        (
            "收件人：13912345678@example.cn\n服务器返回信息：552 5.2.2 Mailbox is full\n",
            "gb2312",
            "text/plain",
            "8bit",
        ),
        ("받는 사람: jiwoo@example.kr\n메일함 용량이 초과되었습니다.\n", "euc-kr", "text/plain", "base64"),
        # labelled UTF-8, written in GBK
        ("收件人邮箱空间已满。\n", "gbk", "text/plain; charset=utf-8", "base64"),
    ],
)
def test_a_part_that_names_no_charset_or_the_wrong_one_reads_as_the_message_names(
    text: str, written_as: str, content_type: str, encoding: str
) -> None:
    assert bounce_email.read(_mislabelled_email(text, written_as, content_type, encoding)).body == text


def test_shift_jis_bytes_labelled_iso_2022_jp_are_read_as_shift_jis() -> None:
    # ISO-2022-JP is a 7-bit charset: 8-bit bytes under its label are Shift_JIS (or EUC-JP) text
    text = "宛先のメールアドレスが存在しません。\n"
    head = "From: MAILER-DAEMON@mx.example.jp\nSubject: x\nContent-Type: text/plain; charset=ISO-2022-JP\n\n"
    assert bounce_email.read(decode_bytes(head.encode("ascii") + text.encode("shift_jis"))).body == text


def test_a_part_whose_bytes_fit_its_label_is_read_with_it_whatever_the_message_names() -> None:
    # the Subject names GB2312, the part is honest Big5: its own label wins
    text = "收件者帳號不存在。\n"
    subject = "=?gb2312?B?" + base64.b64encode("退信".encode("gb2312")).decode() + "?="
    head = (
        f"From: MAILER-DAEMON@mx.example.tw\nSubject: {subject}\n"
        "Content-Type: text/plain; charset=big5\nContent-Transfer-Encoding: base64\n\n"
    )
    email = head + base64.encodebytes(text.encode("big5")).decode()
    assert bounce_email.read(email).body == text
