"""A multi-line reply written on one line (Postfix's bounce and log lines) loses its repeated prefixes."""

from __future__ import annotations

from bot.engine.normalize import fold, without_inline_continuations


def test_repeated_code_and_status_go() -> None:
    text = "host mx[192.0.2.1] said: 550-5.7.26 This mail 550-5.7.26 is unauthenticated 550 5.7.26 by DMARC"
    assert without_inline_continuations(text) == (
        "host mx[192.0.2.1] said: 550 5.7.26 This mail is unauthenticated by DMARC"
    )


def test_repeated_code_without_status_goes() -> None:
    assert without_inline_continuations("421-Sender address 421-blocked - 421 see the page") == (
        "421 Sender address blocked - see the page"
    )


def test_prefixes_in_lines_folded_under_the_reply_go() -> None:
    text = (
        "<a@example.org>: host mx said: 450-4.1.8\n"
        "    <a@example.org>: Sender 450-4.1.8 rejected: not 450\n"
        "    4.1.8 found"
    )
    assert without_inline_continuations(text) == (
        "<a@example.org>: host mx said: 450 4.1.8\n    <a@example.org>: Sender rejected: not found"
    )


def test_a_code_only_prefix_after_a_fold_goes() -> None:
    # phrases match white space folded (normalize.fold), so only the words count here
    text = "said: 550-Mailbox not\n    550 found. https://help.example"
    assert fold(without_inline_continuations(text)) == "said: 550 mailbox not found. https://help.example"


def test_only_the_opening_replys_line_changes() -> None:
    text = "550-5.1.1 no such 550 5.1.1 user\n550 5.1.1 second line stays"
    assert without_inline_continuations(text) == "550 5.1.1 no such user\n550 5.1.1 second line stays"


def test_a_reply_without_repeats_is_left_as_it_is() -> None:
    for text in ("550-5.7.1 one line only", "550 5.7.1 spam 550-ish words", "ticket 2024-550 closed", ""):
        assert without_inline_continuations(text) == text


def test_another_code_is_not_a_prefix() -> None:
    text = "450-4.2.1 slow down 421 4.7.0 other"
    assert without_inline_continuations(text) == text


def test_repeats_go_around_another_code_and_status() -> None:
    text = "said: 550-5.7.1 Mail rejected 451 4.7.1 try later 550-5.7.1 see policy 550 5.7.1 at example.org"
    assert without_inline_continuations(text) == (
        "said: 550 5.7.1 Mail rejected 451 4.7.1 try later see policy at example.org"
    )


def test_a_longer_status_is_not_the_prefix() -> None:
    text = "550-5.7.1 first 550-5.7.12 second 550 5.7.1 third"
    assert without_inline_continuations(text) == "550 5.7.1 first 550-5.7.12 second third"


def test_a_status_only_a_later_line_carries_is_the_whole_replys() -> None:
    # RFC 5321 §4.2.1: the lines are one reply, so the status moves to the opening
    text = "said: 550-Unrouteable address 550 5.1.1 <a@example.org> (in reply to RCPT TO command)"
    assert without_inline_continuations(text) == (
        "said: 550 5.1.1 Unrouteable address <a@example.org> (in reply to RCPT TO command)"
    )
    folded = "host mx [192.0.2.1]: 452-Mailbox busy\n    452-4.2.2 over quota\n    452 4.2.2 try later"
    assert (
        fold(without_inline_continuations(folded))
        == "host mx [192.0.2.1]: 452 4.2.2 mailbox busy over quota try later"
    )


def test_a_later_line_with_another_status_keeps_it() -> None:
    text = "550-Policy refusal 550-5.7.1 first reason 550 5.1.1 second"
    assert without_inline_continuations(text) == "550 5.7.1 Policy refusal first reason 5.1.1 second"
