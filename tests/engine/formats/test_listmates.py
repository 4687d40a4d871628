"""A recipient of a plain report that lists several takes the Subject's cause, the reply after a
list, and the report's words other than another recipient's own."""

from __future__ import annotations

from sample_mail import findings, message

from bot.engine.formats import listmates, plainbounce


def test_recipients_listed_together_share_the_reply_after_the_list(engine) -> None:
    body = (
        "Delivery to the following recipients was aborted after 2 second(s):\n\n"
        "  * books@supplier.example\n  * stock@supplier.example\n\n"
        "The remote server said:\n\n  554 5.7.1 Sender address rejected: Access denied\n"
    )
    got = [(f.recipient, f.reply_code, f.enhanced_code) for f in findings(engine, message(body))]
    assert got == [
        ("books@supplier.example", "554", "5.7.1"),
        ("stock@supplier.example", "554", "5.7.1"),
    ]


def test_a_recipient_with_text_between_it_and_the_next_keeps_no_code_of_that_one() -> None:
    body = "a@supplier.example\nNo such user.\nb@supplier.example\n550 5.2.2 Mailbox full\n"
    first, _ = plainbounce.parse(message(body), True)
    assert (first.recipient, first.enhanced_code) == ("a@supplier.example", None)


def test_a_subject_that_states_the_cause_explains_a_recipient_without_words(engine) -> None:
    body = "The following recipients did not receive this message:\n\n     <5551234@pager.example>\n"
    text = message(body, subject="Returned Mail: User unknown")
    assert [(f.recipient, f.reason) for f in findings(engine, text)] == [
        ("5551234@pager.example", "userunknown")
    ]


def test_only_a_subject_with_a_cause_prefix_is_context() -> None:
    assert listmates.cause_in_subject("Returned mail: Host unknown") == "Returned mail: Host unknown\n"
    assert listmates.cause_in_subject("Undeliverable: Mailbox full of photos") == ""
    assert listmates.cause_in_subject("Re: loop alert: pager rota") == ""


def test_a_list_managers_loop_alert_in_the_subject_is_the_cause(engine) -> None:
    # fml names the refusal only in its Subject; the body names the list it refused to post to
    body = (
        "fml did not pass the article below to <choir@ml.example.jp>: it already carries\n"
        "this list's own header.\n\nOriginal mail as follows:\n\nFrom: a@example.com\n"
    )
    text = message(body, subject="Loop Alert: article came back (choir ML)", From="choir-admin@ml.example.jp")
    (found,) = findings(engine, text)
    assert (found.recipient, found.reason) == ("choir@ml.example.jp", "systemerror")


def test_a_recipient_line_with_its_own_words_takes_no_code_from_the_next() -> None:
    body = '<dana@example.com>: unknown user: "dana"\n<kofi@example.net>: said: 552 5.2.2 Mailbox full\n'
    first, _ = plainbounce.parse(message(body), True)
    assert (first.recipient, first.enhanced_code) == ("dana@example.com", None)


def test_a_formula_the_report_repeats_for_each_recipient_stays_in_context() -> None:
    body = "Not listed here\nk.wong@example.com\nNot listed here\nm.patel@example.com\n"
    texts = [
        ("k.wong@example.com", "k.wong@example.com\nNot listed here"),
        ("m.patel@example.com", ""),
    ]
    assert "Not listed here" in listmates.context_without_others(body, texts, "m.patel@example.com")


def test_a_recipient_whose_later_lines_speak_keeps_no_code_of_the_next() -> None:
    # Sendmail lists both, then gives each its own transcript line
    body = (
        "   ----- The following addresses had transient non-fatal errors -----\n"
        "<depot@freight.example>\n<claims@insurer.example>\n\n"
        "   ----- Transcript of session follows -----\n"
        "<depot@freight.example>... Deferred: Connection refused by mail.freight.example.\n"
        "<claims@insurer.example>... Deferred: 452 4.2.2 <claims@insurer.example>... Mailbox full\n"
    )
    first, _ = plainbounce.parse(
        message(body, subject="Warning: could not send message for past 4 hours"), True
    )
    assert (first.recipient, first.reply_code, first.enhanced_code) == ("depot@freight.example", None, None)


def test_a_list_managers_refusal_names_the_list_not_its_command_address(engine) -> None:
    """The notice tells the sender where to write for help (LIST-ctl, LIST-request, owner-LIST);
    that address is no failed recipient, and the paragraphs around the refusal that name nobody
    repeat it rather than report another failure."""
    body = (
        "You are not a member of this mailing list <garden-club@lists.example.org>.\n\n"
        "To subscribe, or for help, write to\n\n\tgarden-club-request@lists.example.org\n\n"
        "or to the list's owner\n\n\towner-garden-club@lists.example.org\n\n"
        "or send the word help to\n\n\tgarden-club-ctl@lists.example.org\n"
    )
    got = [(f.recipient, f.reason) for f in findings(engine, message(body, subject="Not a member"))]
    assert got == [("garden-club@lists.example.org", "rejected")]


def test_a_command_mail_refused_by_the_list_names_the_command_address_it_went_to(engine) -> None:
    """When the returned message itself was sent to LIST-ctl, that address is the recipient."""
    body = (
        "The command mail you sent to <garden-club-ctl@lists.example.org> was refused.\n\n"
        "Original mail as follows:\n\n"
        "From: sender@example.org\nTo: garden-club-ctl@lists.example.org\nSubject: commands\n\n"
        "# members\n"
    )
    text = message(body, subject="Not a member")
    assert {f.recipient for f in findings(engine, text)} == {"garden-club-ctl@lists.example.org"}
