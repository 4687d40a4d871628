"""A delivery command's exit status (Postfix pipe(8)/local(8): "Command died with status N") says
whether the delivery bounced or was deferred when the text carries no reply or enhanced code."""

from __future__ import annotations

import pytest

from bot.engine import Engine, Finding

ENGINE = Engine.load(extra_dir="")  # the shipped knowledge only
LDA = '"/usr/lib/dovecot/dovecot-lda"'


def best(text: str) -> Finding:
    found = ENGINE.explain(text).best
    assert found is not None, text
    return found


@pytest.mark.parametrize(
    ("status", "bounce"),
    [
        (77, "hard"),  # EX_NOPERM: Dovecot's LDA with quota_full_tempfail = no
        (67, "hard"),  # EX_NOUSER
        (75, "soft"),  # EX_TEMPFAIL
        (71, "soft"),  # EX_OSERR: Postfix defers it (4.3.0)
    ],
)
def test_a_sysexits_status_decides_hard_or_soft(status: int, bounce: str) -> None:
    output = "Command output: Quota exceeded (mailbox for user is full)"
    finding = best(f"Command died with status {status}: {LDA}. {output}")
    assert finding.reason == "mailboxfull"
    assert finding.bounce == bounce


def test_a_program_s_own_exit_status_says_nothing_about_the_class() -> None:
    # 1 is procmail's own code, not a sysexits one: the entry's default stays
    assert best('Command died with status 1: "/usr/bin/procmail"').bounce == "soft"


def test_a_reply_code_in_the_text_still_decides() -> None:
    text = f"Command died with status 77: {LDA}. Command output: 452 4.2.2 Quota exceeded"
    assert best(text).bounce == "soft"


def test_a_chinese_notice_that_calls_itself_a_returned_letter_failed() -> None:
    # "退信" (a returned letter) is written only on a message that came back: with no code, the
    # mailbox-full words (either class) say a failed delivery, not a deferral
    assert best("退信原因：收件人空间不足").bounce == "hard"
    assert best("收件人空间不足").bounce == "soft"  # the same words alone say nothing of the end
    # a code in the text still decides
    assert best("[退信] 452 4.2.2 Quota exceeded").bounce == "soft"


def test_a_vietnamese_notice_that_calls_itself_returned_mail_failed() -> None:
    # "thư (bị) trả về" (returned mail) and "lỗi trả lại" (bounce error) name a message that came
    # back, as "退信" does
    assert best("Thông tin thư trả về: Giới hạn dung lượng tài khoản").bounce == "hard"
    assert best("Lỗi trả lại: Tài khoản bị vô hiệu hóa").bounce == "hard"
    assert best("Giới hạn dung lượng tài khoản").bounce == "soft"  # the words alone
