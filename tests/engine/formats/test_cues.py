"""The cue search that starts near the end of the text finds what a search of all of it finds."""

from __future__ import annotations

import re

import pytest

from bot.engine.formats.cues import (
    CONTACT_CUE_RE,
    LOCALISED_RECIPIENT_CUE,
    LOCALISED_SENDER_CUE,
    RECIPIENT_CUE_RE,
    SENDER_CUE_RE,
    ends_with_cue,
)

BEFORE = [
    "the following message to ",
    "could not be delivered to:   \t <",
    'your message was not delivered to "',
    "                                   undeliverable to: ",
    "unknown userid ---> ",
    "554 5.1.1 <",
    "a message sent by\n",
    "from        :   ",
    "please reply to ",
    "send e-mail to (",
    "mailbox full, see the address below for ",
    "toronto office: ",
    "the smtp server at ",
    "failed to deliver to '<",
    "не удалось доставить письмо по адресу ",
    "  收件人:",
    "[받는 사람] ",
    "보낸 사람 : ",
    "от: ",
    "",
]


@pytest.mark.parametrize("before", BEFORE)
@pytest.mark.parametrize("cue", [RECIPIENT_CUE_RE, SENDER_CUE_RE, CONTACT_CUE_RE])
def test_ends_with_cue_agrees_with_a_search_of_the_whole_text(cue, before: str) -> None:
    assert ends_with_cue(cue, before) is (cue.search(before) is not None)


@pytest.mark.parametrize("before", BEFORE)
@pytest.mark.parametrize(
    ("cue", "localised"), [(RECIPIENT_CUE_RE, LOCALISED_RECIPIENT_CUE), (SENDER_CUE_RE, LOCALISED_SENDER_CUE)]
)
def test_a_localised_cue_agrees_with_a_search_of_the_whole_text(cue, localised: str, before: str) -> None:
    whole = cue.search(before) is not None or re.search(localised, before) is not None
    assert ends_with_cue(cue, before, localised) is whole


def test_localised_cues_name_recipients_and_senders() -> None:
    assert ends_with_cue(RECIPIENT_CUE_RE, "  收件人:", LOCALISED_RECIPIENT_CUE)
    assert ends_with_cue(RECIPIENT_CUE_RE, "не удалось доставить письмо по адресу ", LOCALISED_RECIPIENT_CUE)
    assert not ends_with_cue(RECIPIENT_CUE_RE, "보낸 사람 : ", LOCALISED_RECIPIENT_CUE)
    assert ends_with_cue(SENDER_CUE_RE, "보낸 사람 : ", LOCALISED_SENDER_CUE)


def test_ends_with_cue_reads_a_long_run_of_blanks_before_the_address() -> None:
    assert ends_with_cue(RECIPIENT_CUE_RE, "delivered to" + " " * 40)
    assert not ends_with_cue(RECIPIENT_CUE_RE, "delivered to" + " " * 40 + "x ")
