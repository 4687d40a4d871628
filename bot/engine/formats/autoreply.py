"""RFC 3834 automatic responses: out-of-office, vacation and challenge-response replies, not failures.

Read by structure: the Auto-Submitted: auto-replied field (RFC 3834 section 5), the X-Autoreply,
X-Autorespond and X-Autoresponse fields older responders write, (X-)Precedence: auto_reply, Exchange's
X-MS-Exchange-Inbox-Rules-Loop beside Auto-Submitted: auto-generated (an Inbox rule, the
out-of-office assistant among them, wrote the reply), or a subject that
responders put in front ("Auto:", "Automatic reply:", "Out of Office", "Autoreply", "Vacation")
or, as Lotus Notes does, after the person's name ("Maria Santos is out of the office."), in the
languages Outlook and webmail translate "Automatic reply" into. A challenge-response system's
request to confirm a held message is an automatic response too (RFC 3834 section 1): a subject
asking to confirm or verify above text saying the message waits for it.
A bounce carries Auto-Submitted too (Postfix and Exim set it on their reports), so a message from
a mailer daemon or postmaster, one with a bounce's subject, one naming failed recipients
(X-Failed-Recipients) or one whose text reads as a delivery report is not an auto-reply. The
recipient is the one who is away: the reply's From.
"""

from __future__ import annotations

from ..address import find_mailboxes
from ..incident import Incident
from . import bounce_email
from .reportwords import speaks_of_report

KIND = "email"
SUBJECT_PREFIXES = (
    "auto:",
    "auto reply",
    "auto-reply",
    "autoreply",
    "automatic reply",
    "auto response",
    "autoresponse",
    "out of office",
    "out of the office",
    "vacation",
    "away from",
    "abwesenheitsnotiz",
    "réponse automatique",
    "risposta automatica",
    "respuesta automática",
    "automatisch antwoord",
    "autosvar",
    # Outlook's "Automatic reply:" as its translations print it, and common out-of-office subjects
    "automatische antwort",
    "resposta automática",
    "automatisk svar",
    "automaattinen vastaus",
    "odpowiedź automatyczna",
    "automatická odpověď",
    "automatikus válasz",
    "otomatik yanıt",
    "автоматический ответ",
    "自動応答",
    "自動返信",
    "不在通知",
    "不在のお知らせ",
    "自动回复",
    "自動回覆",
    "자동 회신",
    "자동 응답",
    "fuori ufficio",
    "absence du bureau",
    # more of Outlook's translations of "Automatic reply:"
    "automatski odgovor",
    "samodejni odgovor",
    "răspuns automat",
    "automatická odpoveď",
    "automātiskā atbilde",
    "automatinis atsakymas",
    "automaatvastus",
    "resposta automàtica",
    "balasan otomatis",
    "trả lời tự động",
    "αυτόματη απάντηση",
    "автоматичен отговор",
    "автоматична відповідь",
)
# What a reply puts before the subject it answers, in the languages mail programs write it.
REPLY_PREFIXES = (
    "re:",
    "re :",
    "aw:",
    "sv:",
    "vs:",
    "antw:",
    "odp:",
    "rif:",
    "res:",
    "ynt:",
    "回复:",
    "答复:",
    "返信:",
)
# A challenge-response request: its subject asks to confirm or verify, its text says the message
# is held until the sender does (TMDA's "Please confirm your message", "Verification required").
CHALLENGE_SUBJECT_WORDS = ("confirm", "verif")
CHALLENGE_TEXT_WORDS = (
    "challenge-response",
    "challenge/response",
    "approved senders",
    "has been held",
    "is being held",
    "is pending",
    "held for",
    "held until",
    "will be delivered once you",
    "will be delivered after you",
)
# Lotus Notes names the person first: "Maria Santos is out of the office." ("... ist außer Haus.",
# "... est absent(e).")
SUBJECT_SUFFIXES = ("is out of the office", "is out of office", "ist außer haus", "est absent", "est absente")
# Words of a bounce's subject: a delivery report, however it is marked.
BOUNCE_SUBJECT_WORDS = ("undeliver", "delivery", "failure", "returned", "failed", "not delivered", "error")
# Names a reporting system signs with, with or without an address: "MAILER-DAEMON", "Postmaster".
SYSTEM_SENDERS = ("mailer-daemon", "postmaster", "mail delivery")
# Words only a delivery report's text uses, whatever its From and Subject say (lower case): an
# Exim report with a site's own sender and subject still carries Auto-Submitted: auto-replied.
REPORT_TEXT_WORDS = (
    "could not be delivered",
    "couldn't be delivered",
    "undeliverable",
    "permanent error",
    "fatal error",
    "delivery failed",
    "delivery has failed",
    "mail delivery software",
    "not yet been delivered",
    "delivery status notification",
    "attempting to deliver",
    "trouble delivering",
    "error delivering",
)
REPORT_TEXT_CHARS = 2000


def detect(text: str) -> bool:
    message = bounce_email.read_email(text)
    if message is None or message.status_texts or message.feedback_texts:
        return False
    subject = message.header("subject").lower()
    sender = message.header("from").lower()
    own = _own_subject(subject)
    if any(w in sender for w in SYSTEM_SENDERS) or any(w in own for w in BOUNCE_SUBJECT_WORDS):
        return False
    if message.header("x-failed-recipients"):
        return False  # Exim names the recipients it failed to deliver to
    if speaks_of_report(own):
        # a report's subject in the sender's language ("Non remis :", "Unzustellbar:", "Non
        # recapitabile:", as Exchange writes them), which the English words above do not know
        return False
    opening = " ".join(message.body[:REPORT_TEXT_CHARS].lower().split())  # "could not\nbe delivered"
    if any(w in opening for w in REPORT_TEXT_WORDS):
        return False
    marked = (
        message.header("auto-submitted").lower().startswith("auto-replied")
        or bool(
            message.header("x-autoreply")
            or message.header("x-autorespond")
            or message.header("x-autoresponse")
        )
        or "auto_reply" in (message.header("precedence").lower(), message.header("x-precedence").lower())
        or message.header("x-apple-action").lower() == "vacation"
        # Exchange's out-of-office and rule replies: generated by an Inbox rule, whatever the
        # language of their subject
        or (
            message.header("auto-submitted").lower().startswith("auto-generated")
            and bool(message.header("x-ms-exchange-inbox-rules-loop"))
        )
    )
    return (
        marked
        or subject.lstrip(" [").startswith(SUBJECT_PREFIXES)
        or subject.rstrip(" .!").endswith(SUBJECT_SUFFIXES)
        or _challenge(subject, opening)
    )


def _own_subject(subject: str) -> str:
    """The part of a subject its writer wrote: none when it only puts a reply's or an
    auto-reply's prefix ("Re:", "Automatic reply:") before the subject of the message it answers,
    whose words ("Delivery schedule", "Failed payment") are not a report's."""
    stripped = subject.lstrip(" [")
    return "" if stripped.startswith((*REPLY_PREFIXES, *SUBJECT_PREFIXES)) else subject


def _challenge(subject: str, opening: str) -> bool:
    """A challenge-response system's request to confirm a message it holds."""
    return any(w in subject for w in CHALLENGE_SUBJECT_WORDS) and any(
        w in opening for w in CHALLENGE_TEXT_WORDS
    )


def parse(text: str, explicit: bool) -> list[Incident]:
    message = bounce_email.read(text)
    senders = [a for _, a in find_mailboxes(message.header("from"), 2)]
    words = f"Auto-Submitted: auto-replied\n{message.header('subject')}\n{message.body[:1000]}"
    return [
        Incident(
            text=words,
            kind="email",
            recipient=senders[0] if senders else None,
            structured=True,
            report="autoreply",
        )
    ]
