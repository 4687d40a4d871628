"""A code asked about on its own."""

from __future__ import annotations

import pytest

from bot.engine.formats import barecode

CASES = [
    ("550", True),
    ("  5.7.26  ", True),
    ("550 5.1.1", True),
    ("421?", True),
    ("550 user unknown", False),
    ("5500", False),
    ("550 " * 20, False),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_detect(text: str, expected: bool) -> None:
    assert barecode.detect(text) is expected


def test_a_code_alone_is_answered_even_in_passive_mode() -> None:
    (incident,) = barecode.parse(" 5.2.2 ", False)
    assert (incident.enhanced_code, incident.kind) == ("5.2.2", "code")
