"""A reply to the sender's own login (SMTP AUTH) is about the sender's account, never the
recipient's mailbox (bot/engine/login.py): the same account-state words at RCPT TO still are."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.engine.login import answers_login

LOGIN_ACCOUNT = "generic.securityerror.login-account-locked"


@pytest.mark.parametrize(
    ("text", "entry_id", "reason", "who"),
    [
        # account-state words in a reply to AUTH: the sender's account, locked at its provider
        ("535 5.7.8 Account is locked", LOGIN_ACCOUNT, "securityerror", "sender"),
        ("535 Account disabled", LOGIN_ACCOUNT, "securityerror", "sender"),
        ("530 5.7.0 account suspended", LOGIN_ACCOUNT, "securityerror", "sender"),
        ("535 5.7.8 Konto gesperrt", LOGIN_ACCOUNT, "securityerror", "sender"),
        ("535 Error: authentication failed: account disabled", LOGIN_ACCOUNT, "securityerror", "sender"),
        ("535 5.7.8 user is locked out", LOGIN_ACCOUNT, "securityerror", "sender"),
        # a provider's own login wording says more than the account-state words beside it
        (
            "535 5.7.139 Authentication unsuccessful, the user credentials were incorrect"
            " or the account is disabled",
            "microsoft.smtp-auth-unsuccessful",
            "securityerror",
            "sender_admin",
        ),
        (
            "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
            "microsoft.smtp-auth-unsuccessful",
            "securityerror",
            "sender_admin",
        ),
        (
            "534-5.7.14 Please log in via your web browser and then try again. - gsmtp",
            "google.smtp-auth-failed",
            "securityerror",
            "sender",
        ),
        # the same words at RCPT TO, or with a recipient's status, are the recipient's account
        ("550 5.2.1 account disabled", "generic.suspend.account-disabled", "suspend", "recipient"),
        ("550 5.7.13 User account disabled", "generic.suspend.account-disabled", "suspend", "recipient"),
        (
            "host mx.example.net[192.0.2.5] said: 550 5.2.1 <ana@example.net>: Account is locked"
            " (in reply to RCPT TO command)",
            "generic.suspend.account-disabled",
            "suspend",
            "recipient",
        ),
    ],
)
def test_login_replies_name_the_senders_account(
    engine: Engine, text: str, entry_id: str, reason: str, who: str
) -> None:
    finding = engine.explain(text).findings[0]
    assert (finding.entry_id, finding.reason, finding.who) == (entry_id, reason, who)


def test_a_relay_login_in_a_queue_log_is_the_senders_too(engine: Engine) -> None:
    line = (
        "Dec  7 10:14:02 mx postfix/smtp[123]: 4F9AD: to=<bob@example.org>,"
        " relay=smtp.example.net[192.0.2.5]:587, delay=1, dsn=4.7.8, status=deferred"
        " (SASL authentication failed; server smtp.example.net[192.0.2.5] said: 535 5.7.8 Account is locked)"
    )
    finding = engine.explain(line).findings[0]
    assert (finding.entry_id, finding.who) == (LOGIN_ACCOUNT, "sender")


@pytest.mark.parametrize(
    ("reply", "status", "login"),
    [
        ("535", None, True),
        ("530", "5.7.0", True),
        ("534", "5.7.14", True),
        ("538", None, True),
        (None, "5.7.8", True),
        ("550", "5.7.139", True),
        ("550", "5.2.1", False),
        ("554", "5.7.13", False),
        ("454", "4.7.0", False),  # also a greylist or a DNS failure's code: the words decide
        (None, None, False),
    ],
)
def test_which_codes_answer_a_login(reply: str | None, status: str | None, login: bool) -> None:
    assert answers_login(reply, status) is login
