"""bounce_email: a text is an email when its first lines are a header block; a bounce body is cut
where it starts quoting the returned message."""

from __future__ import annotations

import pytest

from bot.engine.formats.bounce_email import body_before_original, looks_like_email


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("From: a@example.com\nTo: b@example.com\nSubject: hi\nDate: today\n\nbody", True),
        ("\n\n  FROM: a@example.com\nto: b@example.com\n\nbody", True),  # any case, after blank lines
        ("Received: from x\nX-Mailer: y\n\nbody", True),  # two, the first line one of them
        ("hello there\nFrom: a@example.com\nTo: b@example.com\n\nbody", False),  # two, not first
        ("Hello: x\nFrom: a\nTo: b\nSubject: c\nDate: d\n", True),  # four anywhere in the block
        ("From: a@example.com\n\nTo: b\nSubject: c\nDate: d\n", False),  # the rest is body
        ("Hello: x\n" + "Y: z\n" * 60 + "From: a\nTo: b\nSubject: c\nDate: d\n", False),  # past 60 lines
        ("Hello: x\n" + "Y" * 6000 + "\nFrom: a\nTo: b\nSubject: c\nDate: d\n", False),  # past 6,000
        ("X-: not a field\nX-Spam: yes\n\n", False),  # "X-" alone is no field name
    ],
)
def test_looks_like_email_reads_only_the_header_block(text: str, expected: bool) -> None:
    assert looks_like_email(text) is expected


@pytest.mark.parametrize("name", ["Ayse", "\u0130smail \u0130nce"])
def test_the_body_is_cut_at_the_separator_line_whatever_letters_come_before(name: str) -> None:
    # "\u0130".lower() is two characters long: the cut must still fall at the separator's line
    report = f"Delivery to {name} <u@example.org> failed permanently: 550 5.1.1 user unknown\n"
    body = f"{report}\n----- Original message -----\nFrom: {name}\nSubject: hello\n"
    assert body_before_original(body) == f"{report}\n"
