"""An out-of-office notice pasted without its email: the body of an auto-reply copied into Slack.

The header block that autoreply.py reads (Auto-Submitted, an "Automatic reply:" subject) is gone,
so the notice is read by its own layout: a sentence in the first person that says its writer is
away ("I am on leave", "Ich bin ... nicht im Büro", "Je suis en congé", "estoy de vacaciones",
"olen lomalla", "jsem na dovolené";
Japanese and Chinese notices name the absence without a pronoun: 不在, 休業, 休假), and words of
coming back ("until", "when I return", "bis", "jusqu'au", "hasta", "まで").

A question about auto-replies ("why do I get automatic replies?", "how do I stop 'I am out of
the office until Monday' replies?") asks, and a notice never does: a line with a question mark
is a person's, not the notice's, and is not read (a person's "got this back, any idea?" above a
pasted notice leaves the notice to read). Nor is a text that quotes a server's failure code (a
bounce), or one longer than a notice is. The person who is away is named only in the header
block that is gone; an address in the notice is the colleague to write to instead, so the
record names no recipient.
"""

from __future__ import annotations

from ..codes import enhanced_codes, reply_codes
from ..incident import Incident
from ..literal_index import LiteralIndex
from . import bounce_email

KIND = "email"
MAX_NOTICE_CHARS = 3000  # a notice is a few sentences and a signature
# How far the absence may follow its first-person opening: German puts the dates between them
# ("Ich bin bis einschließlich 30. Dezember nicht im Büro").
OPENING_REACH = 60
# The first-person openings of an absence sentence (lower case, apostrophes straightened).
FIRST_PERSON = (
    "i am ",
    "i'm ",
    "i will be ",
    "i'll be ",
    "i shall be ",
    "ich bin ",
    "ich werde ",
    "je suis ",
    "je serai ",
    "estoy ",
    "estaré ",
    "sono ",
    "sarò ",
    "ik ben ",
    "estou ",
    "estarei ",
    # Finnish and Czech say "I am" in the verb alone: "olen lomalla", "jsem na dovolené"
    " olen ",  # not the end of "stolen"
    "jsem ",
)
# What the writer says they are: away from work, in the same languages.
ABSENCE = (
    "on leave",
    "on annual leave",
    "on parental leave",
    "on holiday",
    "on vacation",
    "away",
    "out of the office",
    "out of office",
    "nicht im büro",
    "abwesend",
    "im urlaub",
    "außer haus",
    "en congé",
    "en vacances",
    "absent",
    "de vacaciones",
    "fuera de la oficina",
    "ausente",
    "in ferie",
    "fuori ufficio",
    "assente",
    "afwezig",
    "met vakantie",
    "op vakantie",
    "de férias",
    "fora do escritório",
    "lomalla",
    "poissa toimistolta",
    "na dovolené",
    "mimo kancelář",
)
# Absence words that need no pronoun: Japanese and Chinese notices speak of the office or the
# writer without one ("夏季休業とさせていただきます", "不在にしております", "我正在休假").
ABSENCE_ALONE = ("不在", "休業", "休暇", "休假", "不在办公室")
# Words of coming back: the date the writer is away until, or "when I return".
RETURN_WORDS = (
    "until",
    "till ",
    "be back",
    "i return",
    "my return",
    "will return",
    "not return",
    "returning",
    "bis ",
    "zurück",
    "jusqu",
    "retour",
    "hasta",
    "regreso",
    "fino a",
    "rientro",
    "ritorno",
    "tot en met",
    "terug",
    "até ",
    " asti",  # not "elastic"
    "palaan",
    "vrátím",
    "budu zpět",
    "まで",
    "以降",
    "回来",
)
OPENING_INDEX = LiteralIndex(list(FIRST_PERSON))
ABSENCE_INDEX = LiteralIndex(list(ABSENCE))
ALONE_INDEX = LiteralIndex(list(ABSENCE_ALONE))
RETURN_INDEX = LiteralIndex(list(RETURN_WORDS))


def detect(text: str) -> bool:
    if len(text) > MAX_NOTICE_CHARS or bounce_email.looks_like_email(text):
        return False
    statements = "\n".join(line for line in text.split("\n") if "?" not in line)
    words = " ".join(statements.lower().replace("\u2019", "'").split())  # a sentence wraps over lines
    if not says_away(words) or not RETURN_INDEX.occurrences(words):
        return False
    # a bounce quotes the server's failure; a notice has no reply code
    failure_codes = [*reply_codes(text), *enhanced_codes(text)]
    return not any(hit.code[0] in "45" and hit.strong for hit in failure_codes)


def says_away(words: str) -> bool:
    """A first-person sentence of absence: its opening, then within OPENING_REACH characters
    what the writer is; or an absence word that needs no pronoun."""
    if ALONE_INDEX.occurrences(words):
        return True
    openings = [end for _, _, end in OPENING_INDEX.occurrences(words)]
    return any(
        any(0 <= start - end <= OPENING_REACH for end in openings)
        for _, start, _ in ABSENCE_INDEX.occurrences(words)
    )


def parse(text: str, explicit: bool) -> list[Incident]:
    return [Incident(text=text[:1000], kind="email", recipient="", structured=True, report="autoreply")]
