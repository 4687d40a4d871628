"""Reports pasted without their header block are known by their own opening words, in the
languages the report words cover: read as a bounce's body, a report that says the delivery
failed for good makes its recipient hard and implies the status its reason has."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.engine.formats import pastedreport

REPORTS = [
    (
        "swedish webmail",
        "Hej!\n\nMeddelandet kunde inte levereras till följande mottagare:\n\n    o.lund@mail.example.se\n\n"
        "Orsak: Okänd mottagare.\n\nDetta är ett permanent fel.\n",
        ("o.lund@mail.example.se", "userunknown", "5.1.1", "hard"),
    ),
    (
        "czech webmail",
        "Dobrý den,\n\nVaši zprávu se nepodařilo doručit následujícímu příjemci:\n\n"
        "    jana.dvorak@mail.example.cz\n\n"
        "Důvod: Schránka příjemce je plná.\n\nToto je trvalá chyba.\n",
        ("jana.dvorak@mail.example.cz", "mailboxfull", "5.2.2", "hard"),
    ),
    (
        "korean webmail",
        "보내신 메일이 아래 받는 사람에게 전달되지 못했습니다.\n\n받는 사람: kim.minji@mail.example.kr\n"
        "실패 사유: 받는 사람의 메일함 용량이 초과되어 메일을 받을 수 없습니다.\n",
        ("kim.minji@mail.example.kr", "mailboxfull", "5.2.2", "hard"),
    ),
    (
        "exim in german, a 4xx given up",
        "Eine von Ihnen gesendete Nachricht konnte nicht an einen oder mehrere\nEmpfänger zugestellt werden. "
        "Dies ist ein dauerhafter Fehler.\nFolgende Adresse(n) schlugen fehl:\n\n  k.vogel@mail.example.de\n"
        "    SMTP-Fehler vom entfernten Server nach RCPT TO:<k.vogel@mail.example.de>:\n"
        "    452 4.2.2 Postfach voll / mailbox full\n",
        ("k.vogel@mail.example.de", "mailboxfull", "4.2.2", "hard"),
    ),
    (
        "postfix in spanish",
        "Lamentamos informarle de que su mensaje no pudo ser entregado a uno o\nmás destinatarios.\n\n"
        "                   El sistema de correo\n\n"
        "<ventas@tienda.example>: Host or domain name not found. Name\n"
        "    service error for name=tienda.example type=A: Host not found\n",
        ("ventas@tienda.example", "hostunknown", "5.4.4", "hard"),
    ),
    (
        "recipients that have not received",
        "The following recipients haven't received this message:\n\n   m.rossi@mail.example.it\n\n"
        "The recipient's mailbox is full.\n",
        ("m.rossi@mail.example.it", "mailboxfull", "5.2.2", "hard"),
    ),
]


@pytest.mark.parametrize(("name", "text", "want"), REPORTS, ids=[r[0] for r in REPORTS])
def test_a_pasted_report_is_read_by_its_opening_words(
    engine: Engine, name: str, text: str, want: tuple[str, str, str, str]
) -> None:
    assert pastedreport.detect(text)
    got = [(f.recipient, f.reason, f.enhanced_code, f.bounce) for f in engine.explain(text).findings]
    assert got == [want]


def test_a_person_asking_about_a_failure_is_no_report() -> None:
    # the words are the report's; a single line that names nobody stays a person's or a server's
    assert not pastedreport.detect("the newsletter has not been delivered to anyone since Monday")
