"""Recipients named the way Chinese, Japanese, Korean and Russian reports name them, and the
way CommuniGate Pro quotes them: after a label with a full-width colon ("收件人："), in
full-width or CJK brackets ("宛先＜a@b＞", "【받는 사람】"), inside a sentence ("по адресу a@b:")
or in quotes around an angle address ("'<a@b>'"). The sender's labels ("보낸 사람", "发件人")
never name a failed recipient, and a returned message's summary under the report ("发件人：" /
"收件人：" with every addressee of the original) names one only when nothing else does.

The texts are written for these tests, with example domains only."""

from __future__ import annotations

import pytest
from sample_mail import message

from bot.engine import Engine
from bot.engine.formats import pastedreport, plainbounce
from bot.engine.formats.cues import summary_lines
from bot.engine.incident import find_recipient

REPORTS = [
    (
        "chinese webmail, full-width colon",
        "您好，您发送的邮件无法送达。\n\n收件人：li.ming@mail.example.cn\n失败原因：收件人邮箱空间已满。\n",
        "li.ming@mail.example.cn",
    ),
    (
        "chinese webmail, label in lenticular brackets",
        "很抱歉，您的邮件未能投递。\n\n【收件人】wu.fang@mail.example.cn\n【原因】收件人地址不存在。\n",
        "wu.fang@mail.example.cn",
    ),
    (
        "japanese notice, full-width angle brackets",
        "以下の宛先へのメールは配信できませんでした。\n\n"
        "宛先＜yamada.ken@mail.example.jp＞ 宛先のアドレスが存在しません。\n",
        "yamada.ken@mail.example.jp",
    ),
    (
        "japanese notice, corner brackets",
        "送信したメールは配信できませんでした。\n\n宛先「sato.mio@mail.example.jp」は存在しません。\n",
        "sato.mio@mail.example.jp",
    ),
    (
        "korean webmail, label and a spaced colon",
        "보내신 메일이 전달되지 못했습니다.\n\n"
        "받는 사람 : choi.yuna@mail.example.kr 메일함 용량이 초과되었습니다.\n",
        "choi.yuna@mail.example.kr",
    ),
    (
        "russian webmail, an address inside the sentence",
        "Сообщение не было доставлено.\n\n"
        "Не удалось доставить письмо по адресу oleg.petrov@mail.example.ru:\n"
        "почтовый ящик получателя переполнен.\n",
        "oleg.petrov@mail.example.ru",
    ),
    (
        "communigate, quotes around the angle address",
        "Failed to deliver to '<hans.berg@mail.example.at>'\nLOCAL module(account hans.berg) reports:\n"
        " account storage quota exceeded (mailbox is full)\n",
        "hans.berg@mail.example.at",
    ),
]


@pytest.mark.parametrize(("name", "body", "recipient"), REPORTS, ids=[r[0] for r in REPORTS])
def test_the_cue_lists_the_recipient_in_a_whole_bounce(name: str, body: str, recipient: str) -> None:
    email = message(body, subject="Undeliverable mail")
    assert [i.recipient for i in plainbounce.parse(email, True)] == [recipient]


@pytest.mark.parametrize(("name", "body", "recipient"), REPORTS, ids=[r[0] for r in REPORTS])
def test_the_cue_makes_a_pasted_body_a_report_of_one_recipient(
    engine: Engine, name: str, body: str, recipient: str
) -> None:
    assert pastedreport.detect(body)
    found = engine.explain(body).findings
    assert [(f.recipient, f.bounce) for f in found] == [(recipient, "hard")]


def test_a_full_width_colon_gives_the_same_answer_as_an_ascii_one(engine: Engine) -> None:
    body = "您的邮件无法送达。\n\n收件人{colon}zhou.lin@mail.example.cn\n原因：收件人邮箱空间已满。\n"
    ascii_colon = engine.explain(message(body.format(colon=":"))).findings
    full_width = engine.explain(message(body.format(colon="："))).findings
    assert [(f.recipient, f.reason, f.enhanced_code, f.bounce) for f in full_width] == [
        (f.recipient, f.reason, f.enhanced_code, f.bounce) for f in ascii_colon
    ]
    assert [f.recipient for f in full_width] == ["zhou.lin@mail.example.cn"]


SUMMARISED = """很抱歉，您发送的邮件未能投递到以下收件人：

gao.yan@mail.example.cn

退信原因：收件人地址不存在。

----- 原邮件信息 -----

发件人：sender@example.org

收件人：gao.yan@mail.example.cn; xu.bo@mail.example.cn

主　题：季度报告
"""


@pytest.mark.parametrize("text", [SUMMARISED, message(SUMMARISED)], ids=["pasted", "email"])
def test_the_returned_messages_summary_names_no_other_recipient(engine: Engine, text: str) -> None:
    # the summary's 收件人 lists every addressee of the original, xu.bo@ among them, whose
    # delivery nothing says failed; an HTML table laid out puts blank lines between its rows
    assert [f.recipient for f in engine.explain(text).findings] == ["gao.yan@mail.example.cn"]


KOREAN_SUMMARY = """보내신 메일이 다음 수신자에게 전달되지 못했습니다.

 수신자 : han.jisoo@mail.example.kr
 실패 사유 : 받는 사람의 메일함 용량이 초과되었습니다.

----- 원본 메일 정보 -----
보낸 사람 : sender@example.org
제목 : 회의 안내
"""


def test_the_senders_label_never_names_a_failed_recipient(engine: Engine) -> None:
    # pasted without the header block, the sender's address is known only by its label
    assert [f.recipient for f in engine.explain(KOREAN_SUMMARY).findings] == ["han.jisoo@mail.example.kr"]


def test_a_recipient_named_only_in_a_summary_is_still_named(engine: Engine) -> None:
    body = "您的邮件无法送达。\n\n发件人：sender@example.org\n收件人：ma.li@mail.example.cn\n"
    body += "原因：收件人邮箱已满。\n"
    assert [f.recipient for f in engine.explain(message(body)).findings] == ["ma.li@mail.example.cn"]


def test_summary_lines_marks_a_run_of_labels_with_the_senders_label() -> None:
    lines = [
        "收件人：a@example.cn",  # the report's own record: no sender's label in its run
        "原因：用户不存在",
        "",
        "----- 原邮件信息 -----",
        "发件人：b@example.org",
        "",
        "收件人：a@example.cn; c@example.cn",
        "主题：报告",
        "Thank you.",
    ]
    assert summary_lines(lines) == [False, False, False, False, True, True, True, True, False]


FLATTENED = [
    # a paste whose line breaks were lost: the sender's label names a header field's value
    ("发件人：sender@example.org 收件人：ma.li@mail.example.cn 原因：邮箱已满", "ma.li@mail.example.cn"),
    ("差出人：sender@example.org 宛先：ito.rin@mail.example.jp 容量超過", "ito.rin@mail.example.jp"),
    ("Отправитель: sender@example.org, получатель: ivan@mail.example.ru", "ivan@mail.example.ru"),
]


@pytest.mark.parametrize(("text", "recipient"), FLATTENED, ids=["chinese", "japanese", "russian"])
def test_a_flattened_paste_names_the_recipient_not_the_sender(text: str, recipient: str) -> None:
    assert find_recipient(text) == recipient
