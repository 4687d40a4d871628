"""The terminal rendering wraps at spaces only: URLs and hyphenated words come out whole, so a link
copied from the terminal works."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from bot.engine.model import Explanation, Finding
from bot.render_text import WIDTH, render
from bot.wording import CODE_RE, IMPLIED_NOTE

ENGINE = Engine.load(extra_dir="")  # the shipped knowledge only
LONG_URL = "https://postmaster.example.com/en-us/troubleshooting/delivery-errors/5-7-26?view=dmarc-alignment"
HYPHENATED = "sender-authentication re-sending anti-spam opt-in non-delivery"


def finding(**text: object) -> Finding:
    fields: dict[str, object] = {
        "entry_id": "test.entry",
        "reason": "authfailure",
        "bounce": "hard",
        "title": "Unauthenticated mail",
        "meaning": "x",
        "retry": "no",
        "who": "sender",
        "causes": (),
        "sender_fix": (),
        "admin_fix": (),
        "references": (),
        "confidence": 0.9,
        "matched_text": "5.7.26",
        "reply_code": "550",
        "enhanced_code": "5.7.26",
    }
    return Finding(**{**fields, **text})  # type: ignore[arg-type]


def words(text: str) -> set[str]:
    return set(text.split())


@pytest.mark.parametrize("pad", range(0, 90, 7))  # the URL and the hyphens land at every point of a line
def test_urls_and_hyphenated_words_are_never_split(pad: int) -> None:
    prose = f"{'a' * pad} {HYPHENATED} see {LONG_URL} for details " * 3
    item = f"{'b ' * (pad // 2)}{LONG_URL} {HYPHENATED}"
    shown = render(
        Explanation(
            mode="explicit",
            input_kind="reply",
            findings=(finding(meaning=prose, retry=prose, sender_fix=(item,), references=(LONG_URL, item)),),
        )
    )
    assert words(prose) | words(item) <= words(shown)
    # a line overruns only to hold one word longer than the room left (after a label or a bullet)
    for line in shown.splitlines():
        assert len(line) <= WIDTH or len(line.split()) <= 2 or line.startswith("confidence"), line


def test_every_reference_of_a_real_answer_comes_out_whole() -> None:
    explanation = ENGINE.explain(
        "550-5.7.26 Unauthenticated email from example.org is not accepted due to domain's DMARC "
        "policy. To learn about the DMARC initiative, go to "
        "https://support.google.com/mail/?p=DmarcRejection - gsmtp"
    )
    assert explanation.findings
    shown = words(render(explanation))
    for found in explanation.findings:
        for reference in found.references:
            assert words(reference) <= shown, reference
        for fix in found.sender_fix:
            assert words(fix) <= shown, fix


def test_a_header_paste_with_a_finding_renders_both() -> None:
    text = (Path(__file__).parent / "data" / "headers" / "outlookcom-phish-no-msgid.eml").read_text()
    result = ENGINE.explain(text)
    assert result.headers is not None and result.findings
    out = render(result)
    assert out.startswith("Message header") and result.findings[0].title in out


def test_a_pasted_header_with_a_code_shows_its_analysis_then_the_finding() -> None:
    text = (
        "Received: from mx.example.net (mx.example.net [192.0.2.7]) by mail.example.org with ESMTPS;"
        " Mon, 7 Dec 2026 09:00:00 +0000\n"
        "From: a@example.net\nTo: b@example.org\nSubject: hi\nX-Note: 550 5.1.1 user unknown\n\n"
    )
    explanation = ENGINE.explain(text)
    assert explanation.headers is not None and explanation.findings
    rendered = render(explanation)
    assert rendered.startswith("Message header") and "550 5.1.1" in rendered


# replies whose entry has an enhanced status of its own that the text did not carry
NO_STATUS_REPLIES = ["550 sending quota exceeded", "452 too many recipients", "550 user unknown"]


@pytest.mark.parametrize("text", NO_STATUS_REPLIES)
def test_the_title_shows_only_codes_the_text_carried(text: str) -> None:
    found = ENGINE.explain(text).best
    assert found is not None and found.implied_code, "the entry implies a status for this reply"
    title = render(ENGINE.explain(text)).splitlines()[0]
    assert CODE_RE.findall(title) == [text.split()[0]], title
    # the implied status is shown once, marked as such; the JSON keeps it (README: the JSON contract)
    assert f"Implied code:  {found.implied_code} ({IMPLIED_NOTE})" in render(ENGINE.explain(text))
    assert found.contract()["enhanced_code"] == found.implied_code


def test_a_status_the_text_carried_is_in_the_title_and_not_called_implied() -> None:
    shown = render(ENGINE.explain("550 5.4.5 sending quota exceeded"))
    assert shown.splitlines()[0].startswith("550 5.4.5 ")
    assert "Implied code" not in shown
