"""A notice whose sentence names the recipient and whose cause is elsewhere: when the framing
sentence is dropped for the finding that names the cause, the one address it named stays."""

from __future__ import annotations

from bot.engine import Engine

# Gmail's notice in Polish, forwarded by its user: the sentence names the address and says only
# "not found"; the help link (p=NoSuchUser) is what says the account does not exist.
POLISH_NOTICE = (
    "From: Ewa <ewa@example.com>\nTo: it@example.net\nSubject: Fwd: Delivery Status Notification (Failure)\n"
    "Content-Type: text/plain; charset=utf-8\n\n"
    "---------- Forwarded message ---------\n"
    "Od: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
    "Subject: Delivery Status Notification (Failure)\nTo: <ewa@example.com>\n\n\n"
    "** Nie znaleziono adresu **\n\n"
    "Twoja wiadomość nie została dostarczona do adam@example.pl, ponieważ nie znaleziono adresu "
    "lub nie może on odbierać poczty.\n\n"
    "Więcej informacji znajdziesz na https://support.google.com/mail/?p=NoSuchUser\n"
)


def test_the_sentence_s_recipient_stays_with_the_cause(engine: Engine) -> None:
    findings = engine.explain(POLISH_NOTICE).findings
    assert [(f.reason, f.recipient) for f in findings] == [("userunknown", "adam@example.pl")]


def test_two_named_recipients_are_not_guessed_between(engine: Engine) -> None:
    second = (
        "\n\nTwoja wiadomość nie została dostarczona do ola@example.pl, ponieważ nie znaleziono "
        "adresu lub nie może on odbierać poczty.\n\nWięcej"
    )
    two = POLISH_NOTICE.replace("\n\nWięcej", second)
    findings = engine.explain(two).findings
    assert [(f.reason, f.recipient) for f in findings] == [("userunknown", None)]
