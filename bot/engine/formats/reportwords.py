"""Whether an email reports on a delivery, and whether it is a warning or the final word.

The plain-text report reader asks these before it lists recipients: a forwarded thread that names
addresses is no report, and a delay warning ("still being retried", "will keep trying") makes
every listed recipient soft, unless the text also says the mail system gave up.
"""

from __future__ import annotations

import re

from ..codes import enhanced_codes, reply_codes
from ..literal_index import LiteralIndex
from . import bounce_email

CONTEXT_CHARS = 4000
# "notified if ..." up to the end of its sentence: what a warning promises should the delivery
# fail later (a source compiled on first use by re, which keeps it)
NOTIFIED_IF = r"\bnotified if [^.\n]{0,160}"
# Words of a delay warning: the MTA still holds the message and will try again (Postfix's
# "Delayed Mail (still being retried)", Sendmail's "Warning: could not send message for past 4
# hours", Exim's "has not yet been delivered ... delivery attempts will continue", Exchange's and
# Gmail's "Delivery Status Notification (Delay)").
DELAY_WORDS = (
    "(delay)",
    "delayed mail",
    "delivery delayed",
    "delivery has been delayed",
    "has been delayed",
    "is delayed",
    "warning message only",
    "this is a warning",
    "will retry",
    "will be retried",
    "will continue to try",
    "will keep trying",
    "will try again",
    "will continue trying",
    "attempts will continue",
    "still trying",
    "still being retried",
    "has not yet been delivered",
    "not yet been delivered",
    "still undelivered",
    "could not send message for past",
    "you do not need to resend",
    "no action is required on your part",
    "transient non-fatal",
    "delivery delay",
    "delayed delivery",
    "message delayed",
    "status - delayed",
    "awaiting delivery",
    "status: deferred",  # a console's status field: Google's Email Log Search "Delivery status"
    # the same in the languages of localised reports: German and Dutch Exchange ("Zustellung
    # verzögert", "Bezorging vertraagd"), French Postfix and Exchange ("Courrier retardé", "une
    # nouvelle tentative sera faite"), Spanish, Italian, Portuguese, Japanese, Chinese, Russian
    "verzögert",
    "wird weiterhin versucht",
    "versucht weiterhin",
    "weitere zustellversuche",
    "bisher nicht zugestellt",
    "noch nicht zugestellt",
    "pas encore été remis",
    "courrier retardé",
    "remise différée",
    "nouvelle tentative sera",
    "avertissement seulement",
    "entrega retrasada",
    "se seguirá intentando",
    "recapito ritardato",
    "entrega atrasada",
    "bezorging vertraagd",
    "nog niet bezorgd",
    "ainda não foi entregue",
    "aún no se ha entregado",
    "non è ancora stato recapitato",
    "配信が遅延",
    # Japanese notices: "delivery delay", "not yet delivered", "delivery will keep being tried",
    # "no need to send again"; Chinese "temporarily could not be delivered"
    "配送遅延",
    "配信遅延",
    "まだ配送されていません",
    "まだ配信されていません",
    "引き続き試行されます",
    "再送信の必要はありません",
    "延迟投递",
    "暂时未能投递",
    "доставка задерживается",
    "задержка доставки",
    "пока не доставлено",
    "попытки доставки будут продолжены",
)
# Report words that a server's reply uses as well ("550 5.1.1 user unknown", "452 4.2.2 mailbox
# full", "554 rejected"): where a report's own framing is looked for, they are what it quotes,
# and a service's fields pasted as text ("diagnosticCode: smtp; 452 4.2.2 Mailbox full") hold
# them too.
SERVER_REPLY_WORDS = (
    "rejected",
    "user unknown",
    "unknown user",
    "no such ",
    "recipient unknown",
    "unknown recipient",
    "not listed in",
    "mailbox full",
    "mailbox is full",
    "over quota",
    "quota exceeded",
)
# Senders and words of a delivery report (lower case).
REPORTING_SENDERS = ("mailer-daemon", "postmaster", "mail delivery", "mail-daemon", "mail system")
REPORT_WORDS = (
    "undeliver",
    "not delivered",
    "could not be delivered",
    "couldn't be delivered",
    "delivery failed",
    "delivery has failed",
    "delivery failure",
    "failed to deliver",
    "unable to deliver",
    "returned mail",
    "failure notice",
    "permanent error",
    "fatal error",
    "mail delivery",
    "delivery status",
    "could not be reached",
    "not be reached",
    "attempting to deliver",
    "trouble delivering",
    "error delivering",
    "delivery error",
    "this is the mailer-daemon",
    "permanent failure",
    "failed permanently",
    "temporary failure",
    "cannot be delivered",
    "can't be delivered",
    "did not reach",
    "did not receive this message",
    "haven't received this message",
    "have not received this message",
    "delivery problem",
    "failure reason",
    "returned to you",
    # what the server said, when the report's own framing says nothing of failure ("------- Failure
    # Reasons --------" alone, "Unknown user: a@b" alone)
    *SERVER_REPLY_WORDS,
    # the framing of localised reports (Exchange's "Unzustellbar", "Non remis", "No se puede
    # entregar", "Non recapitabile", "Não é possível entregar", "Onbestelbaar"; Postfix's and the
    # providers' own templates in German, French, Japanese, Chinese and Russian)
    "unzustellbar",
    "nicht zugestellt",
    "non remis",
    "remise impossible",
    "pas pu être remis",
    "pas pu être délivré",
    "no se puede entregar",
    "no se pudo entregar",
    "non recapitabile",
    "recapito non riuscito",
    "não é possível entregar",
    "falha na entrega",
    "onbestelbaar",
    "bezorging is mislukt",
    "配信できませんでした",
    "退信",
    "无法投递",
    "无法送达",
    "не доставлено",
    "не удалось доставить",
    "не может быть доставлено",
    # report openings that none of the above covers: SmarterMail's "Could not deliver message to
    # the following recipient(s)", SurfControl's "Your message could not be sent", Sendmail's and
    # Postfix's "Transcript of session follows"
    "could not deliver",
    "could not be sent",
    "transcript of session",
    # Barracuda's "has NOT BEEN DELIVERED", and openings of localised reports that the words
    # above miss: Exim's German template ("Dies ist ein dauerhafter Fehler"), Postfix's Spanish
    # one ("no pudo ser entregado"), Swedish, Czech and Korean webmail ("kunde inte levereras",
    # "se nepodařilo doručit", "전달되지 못했습니다")
    "not been delivered",
    "dauerhafter fehler",
    "no pudo ser entregado",
    "kunde inte levereras",
    "nepodařilo doručit",
    "전달되지 못했",
    # openings that pasted reports showed the words above miss: Hotmail's and Gmail's "Delivery
    # to the following recipient(s) failed / was aborted", Exchange's Swedish and Dutch templates
    # ("Det gick inte att leverera", "kan niet worden bezorgd"), Chinese webmail's "未能送达",
    # "未能投递", "未能成功投递" (could not be delivered), Korean "반송되었" (was returned) and
    # Japanese "送信できませんでした" (could not be sent)
    "delivery to the following recipient",
    "gick inte att leverera",
    "kan niet worden bezorgd",
    "未能送达",
    "未能投递",
    "未能成功投递",
    "반송되었",
    "送信できませんでした",
    # a mailing list manager's refusal named in the notice's subject: fml's "Loop Alert:", "Loop
    # Back Warning:" and "WARNING: UNIX FROM Loop" (go-sisimai lhost/via-fml.go)
    "loop alert:",
    "loop back warning:",
    "unix from loop",
)
# Words that say the report is final, whatever else it says about earlier retries. Not "could
# not be delivered": Postfix's warning says its message "could not be delivered for more than 4
# hour(s)" and that "it will be retried".
FINAL_WORDS = (
    "permanent error",
    "permanently",
    "fatal error",
    "gave up",
    "giving up",
    "will not retry",
    "will not be retried",
    "no further attempts",
    "deleted from queue",
    "delivery has failed",
    "failure notice",
    "permanent fatal",
    "removed from the mail queue",
    "permanenter fehler",
    "erreur permanente",
    "aucune nouvelle tentative",
    "постоянная ошибка",
    "повторных попыток не будет",
)


# Each list found in one pass over a report's text: scanning the text once per word (some 140
# words) cost more than the rest of reading the report.
REPORT_INDEX = LiteralIndex(list(REPORT_WORDS))
DELAY_INDEX = LiteralIndex(list(DELAY_WORDS))
FINAL_INDEX = LiteralIndex(list(FINAL_WORDS))
FRAMING_INDEX = LiteralIndex([word for word in REPORT_WORDS if word not in SERVER_REPLY_WORDS])


def is_delivery_report(message: bounce_email.Message) -> bool:
    """Whether the email reports on a delivery at all: a mail system sent it, or its subject or
    text speaks of failure or delay, or it quotes a server's failure code. A forwarded thread
    that lists addresses is no report of failed recipients."""
    if message.header("x-failed-recipients"):
        return True
    sender = message.header("from").lower()
    if any(name in sender for name in REPORTING_SENDERS):
        return True
    text = f"{message.header('subject')}\n{message.body[:CONTEXT_CHARS]}"
    if speaks_of_report(text):
        return True
    return any(hit.code[0] in "45" and hit.strong for hit in reply_codes(text)) or any(
        hit.code[0] in "45" and hit.strong for hit in enhanced_codes(text)
    )


def speaks_of_report(text: str) -> bool:
    """Words of a failed or delayed delivery, read as one line: a report wraps them over two
    ("could not\nbe delivered")."""
    words = " ".join(text.lower().split())
    return bool(REPORT_INDEX.occurrences(words) or DELAY_INDEX.occurrences(words))


def frames_report(text: str) -> bool:
    """Words of a failed or delayed delivery that a report writes in its own framing, not those
    a server's reply uses as well."""
    words = " ".join(text.lower().split())
    return bool(FRAMING_INDEX.occurrences(words) or DELAY_INDEX.occurrences(words))


def is_delay_warning(subject: str, body: str) -> bool:
    """Whether the report says the message is still queued and will be tried again."""
    text = " ".join(f"{subject}\n{body[:CONTEXT_CHARS]}".lower().split())
    if not DELAY_INDEX.occurrences(text):
        return False  # most reports: the words of finality are not looked for
    # Sendmail heads a warning's list "The following addresses had transient non-fatal errors";
    # Gmail's warning ends "You'll be notified if the delivery fails permanently": a condition
    # that has not come true
    final_text = text.replace("non-fatal", "").replace("nonfatal", "")
    final_text = re.sub(NOTIFIED_IF, "", final_text)
    return not FINAL_INDEX.occurrences(final_text)
