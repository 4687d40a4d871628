"""Which knowledge entry explains an incident: the evidence ranking applied to one record.

The ranking itself (wording > specific enhanced code > specific reply code > class of code >
X.0.0) lives in matcher.py with its table; this module decides what evidence an incident offers:
its own words first, then the words of the report around it, then its codes, then, for a
question, fuzzy phrases. A report whose structure states its nature (an RFC 5965 feedback
report, an RFC 3834 auto-reply, a delivery notification) is explained by that structure.
"""

from __future__ import annotations

from collections.abc import Sequence

from .code_structure import CodeStructure
from .codes import enhanced_codes
from .entries import Entries
from .give_up import GIVE_UP_REASONS, VAGUE_REASONS, cause_before_give_up, names_cause
from .incident import Incident, complete
from .login import LOGIN_ACCOUNT_ENTRY, login_before_recipient
from .matcher import (
    RANK_ENHANCED,
    RANK_FALLBACK,
    RANK_PHRASE,
    RANK_SUBJECT,
    Hit,
    Match,
    Matcher,
    code_rank,
    statuses,
)
from .model import Entry
from .normalize import fold
from .providers import ProviderIndex

# Words that leave a quoted reply's status to say why: the queue's give-up or delay, vague words.
NO_STORY_REASONS = GIVE_UP_REASONS | VAGUE_REASONS
NO_CODE = frozenset({None, ""})  # what a record's code field holds when the record gives none
# The entry that explains a report by its structure, and the reason its wording may not change.
REPORT_ENTRIES = {
    "feedback": ("generic.feedback.abuse-report", "feedback"),
    "autoreply": ("generic.vacation.out-of-office", "vacation"),
    "delivery": ("generic.delivered.success-notification", "delivered"),
}


class Evidence:
    """The knowledge base's matcher and provider index, and the entries structure points to."""

    def __init__(
        self, entries: Sequence[Entry], matcher: Matcher, providers: ProviderIndex, structure: CodeStructure
    ) -> None:
        self.matcher = matcher
        self.code_structure = structure
        self.providers = providers
        # by the indexed columns: the few entries these name are the only records made
        entries = Entries.of(entries)
        position = {entry_id: i for i, entry_id in enumerate(entries.column("id"))}
        # later entries (an organisation's) replace earlier ones for the same action
        fallbacks = {action: i for i, action in enumerate(entries.column("fallback_for")) if action}
        self.fallbacks = {action: entries[i] for action, i in fallbacks.items()}
        self.reports = {
            report: (entries[position[entry_id]], reason)
            for report, (entry_id, reason) in REPORT_ENTRIES.items()
            if entry_id in position
        }
        login = position.get(LOGIN_ACCOUNT_ENTRY)
        self.login_account = None if login is None else entries[login]

    def best_match(
        self, incident: Incident, allow_fuzzy: bool, report_hint: str = ""
    ) -> tuple[Match, str | None] | None:
        """The best entry for an incident by the ranking in matcher.py, and the provider.

        Evidence is read in ranking order and reading stops at the first kind that finds
        anything: the incident's own words (phrases and patterns), the report's words around it
        (context, unless they name another cause than the record's own specific status), its
        codes (code_rank orders them), then fuzzy phrases for a question. A
        structured report's nature (feedback, auto-reply, delivery) overrides wording that
        names another reason; a failed or delayed record that nothing explains gets the
        fallback entry for its action. `report_hint` is the bounce's own header text (From,
        Subject, X-Mailer ...): the operator it names wrote the report, as a gateway does.
        """
        folded = fold(incident.text)
        codes = {incident.reply_code, incident.enhanced_code} - NO_CODE
        hits = self.matcher.phrase_hits(folded) if folded else []
        context_hits: list[Hit] = []
        if not hits and incident.context:
            context_hits = self.matcher.phrase_hits(fold(incident.context))
        code_matches = (
            []
            if hits or context_hits or _event_decides(incident)
            else self.matcher.code_matches(incident.reply_code, incident.enhanced_code)
        )
        if allow_fuzzy and not (hits or context_hits):  # a code no entry holds, read by its digits
            code_matches = self.code_structure.answer(incident, code_matches) or code_matches
        fuzzy = []
        if (
            not (hits or context_hits or code_matches or codes)
            and allow_fuzzy
            and incident.kind in ("text", "code")
        ):
            fuzzy = self.matcher.fuzzy_matches(folded)
        if not (hits or context_hits or code_matches or fuzzy) and report_hint and not codes:
            # a list server's notice may name its cause only in its own headers (fml's Subject
            # "Security Alert (x ML)" beside "X-MLServer: fml"): read them before giving up
            headed = self.matcher.phrase_hits(fold(report_hint))
            if headed:
                hits = headed
                complete(incident)
                matches = self.matcher.phrase_matches(codes, None, hits)
                if matches and not matches[0].entry.when_no_code and not matches[0].entry.fallback_for:
                    best = self._structure(incident, matches[0])
                    if best:
                        return best, self.providers.detect(report_hint)
        if not (hits or context_hits or code_matches or fuzzy):
            fallback = self._structure(incident, None) or self._fallback(incident)
            if fallback is None:
                return None
            complete(incident)
            return fallback, self.providers.from_host(incident.remote_mta)
        # only now, with something to explain, is it worth reading the rest of the incident
        complete(incident)
        provider = self._provider(incident)
        if provider is None and incident.context and self._provider_decides(hits or context_hits):
            # a gateway that refuses for the domain behind it writes the report itself and names
            # itself only there ("This is an automatically generated message from MessageLabs")
            provider = self.providers.operator_in(incident.context)
        if provider is None and report_hint and self._provider_decides(hits or context_hits):
            # a report of several records keeps only each one's own lines as its context; the
            # gateway's name is then in the headers of the report it sent (From: its daemon)
            provider = self.providers.operator_in(report_hint)
        if context_hits:
            provider = provider or self.providers.detect(incident.context)
            matches = _failure_before_success(self.matcher.phrase_matches(codes, provider, context_hits))
            matches, _ = cause_before_give_up(matches)
            if matches and _contradicts(matches[0].entry, incident.enhanced_code):
                # the report's words may be about another recipient; the record's own specific
                # status is about this one
                matches = self.matcher.code_matches(incident.reply_code, incident.enhanced_code)
        elif hits:
            matches = _failure_before_success(self.matcher.phrase_matches(codes, provider, hits))
            matches, gave_up = cause_before_give_up(matches)
            if gave_up is not None and incident.action is None:
                # the cause names the reason; the give-up words still say how delivery ended: a
                # queue that gave up failed the message, one still retrying (a delay warning) did not
                incident.action = "delayed" if gave_up.permanence == "temporary" else "failed"
            matches = self._status_before_vague_words(matches, incident)
            matches = self._quoted_status_before_frame(matches, incident)
            matches = _provider_before_default_text(matches)
            matches = self._account_state_over_unknown(matches, incident, codes, provider)
        else:
            matches = code_matches or fuzzy
        if not matches and (hits or context_hits):
            # the only words found were framing that gives way to the codes
            matches = self.matcher.code_matches(incident.reply_code, incident.enhanced_code)
        if hits or context_hits:
            # a reply to the sender's login is about the sender's account (login.py)
            matches = login_before_recipient(
                matches,
                incident.reply_code,
                incident.enhanced_code,
                self.login_account,
                lambda: self.matcher.code_matches(incident.reply_code, incident.enhanced_code),
            )
        best = self._structure(incident, matches[0] if matches else None)
        return (best, provider) if best else None

    def _status_before_vague_words(self, matches: list[Match], incident: Incident) -> list[Match]:
        """Matches with the record's own specific status first when the best words name no cause
        (VAGUE_REASONS: "Service unavailable", Sendmail's summary of any permanent failure,
        beside `dsn=5.2.2` in its log line): the status says what the words leave open."""
        status = incident.enhanced_code
        if not matches or matches[0].entry.reason not in VAGUE_REASONS or not status:
            return matches
        if code_rank(status) < RANK_ENHANCED:
            return matches
        coded = [m for m in self.matcher.code_matches(None, status) if m.rank >= RANK_ENHANCED]
        return [*coded, *matches]

    def _quoted_status_before_frame(self, matches: list[Match], incident: Incident) -> list[Match]:
        """Matches with the quoted reply's status first when the words found are only an MTA's
        frame around the reply it quotes (`frames_reply`), the queue's give-up or delay around
        that frame, and vague words (cause_before_give_up has looked: wording ranks above
        codes). Exchange's `451 4.4.0 Primary target IP address responded with: "451 4.3.0
        ..."` got a 4.3.0 from the target, which says more than Exchange's 4.4.0 or 4.4.7 and
        its "delivery is delayed". Only a status with a subject (RANK_SUBJECT and up) that names
        a cause counts: a quoted status of the network (X.4.x) is the story the frame tells
        already. The record's own codes stay (hard or soft follows them)."""
        if not matches or not any(m.entry.frames_reply for m in matches):
            return matches
        if any(not (m.entry.frames_reply or m.entry.reason in NO_STORY_REASONS) for m in matches):
            return matches  # the quoted reply's words said something: words rank above codes
        own = incident.enhanced_code
        for hit in enhanced_codes(incident.text):
            if hit.code == own or not hit.strong or code_rank(hit.code) < RANK_SUBJECT:
                continue
            coded = [m for m in self.matcher.code_matches(None, hit.code) if names_cause(m.entry)]
            if coded:
                return [*coded, *matches]
        return matches

    def _account_state_over_unknown(
        self, matches: list[Match], incident: Incident, codes: set[str], provider: str | None
    ) -> list[Match]:
        """Matches with the report's statement of the account's state first when the record's own
        words only say the user is unknown: a mail system that quotes its server's generic reply
        ("550 user unknown") under its own sentence "The user(s) account is disabled." (au's
        notice) knows more than the reply says. A provider's own entry has read its words already
        (Mail.ru's "account is disabled" means no such user): only generic words give way. The
        report's words are read only then."""
        best = matches[0].entry if matches else None
        if best is None or best.reason != "userunknown" or best.provider or not incident.context:
            return matches
        hits = self.matcher.phrase_hits(fold(incident.context))
        around = self.matcher.phrase_matches(codes, provider, hits) if hits else []
        stated = next((m for m in around if m.entry.reason == "suspend"), None)
        return [stated, *matches] if stated else matches

    def _provider(self, incident: Incident) -> str | None:
        provider = self.providers.from_host(incident.remote_mta) or self.providers.detect(incident.text)
        if provider is None and incident.recipient and "@" in incident.recipient:
            # a consumer mailbox domain is a fair hint when nothing in the reply names the server
            provider = self.providers.from_host(incident.recipient.rsplit("@", 1)[1])
        return provider

    def _provider_decides(self, hits: list[Hit]) -> bool:
        """Whether an entry behind `hits` counts only where its provider is named: then, and
        only then, is it worth reading the whole report for a name."""
        entries = self.matcher.entries
        for hit in hits:
            if hit.pattern is not None:
                positions: tuple[int, ...] = (self.matcher.pattern_entries[hit.pattern][1],)
            else:
                positions = self.matcher.phrase_positions(hit.matched)
            if any(entries[position].requires_provider for position in positions):
                return True
        return False

    def _structure(self, incident: Incident, match: Match | None) -> Match | None:
        """The match, unless the report's structure says what it is and the words disagree."""
        stated = self.reports.get(incident.report)
        if stated is None:
            return match
        entry, reason = stated
        if match is not None and match.entry.reason == reason and match.rank >= RANK_PHRASE:
            return match  # the report's own words name a more precise entry of the same reason
        return Match(entry, RANK_PHRASE, 0.95, incident.report)

    def _fallback(self, incident: Incident) -> Match | None:
        """A bounce record that failed or was delayed but says nothing we recognise."""
        if not incident.structured or incident.action not in ("failed", "delayed"):
            return None
        entry = self.fallbacks.get(incident.action)
        return Match(entry, RANK_FALLBACK, 0.3, incident.action) if entry else None


def _event_decides(incident: Incident) -> bool:
    """Whether a sending service's event decides alone: its record failed or was delayed, no
    words of the reply or of the service's labels are known (the caller has looked) and the
    reply gave no enhanced status, only a reply code whose text names no cause (Brevo's
    soft_bounce with "452 Requested action not taken"). The service saw the whole exchange and
    filed it; a bare reply code is read by RFC 5321's default meaning at best (452 insufficient
    storage), so the fallback entry of the service's own action answers."""
    return (
        incident.kind == "json"
        and incident.structured
        and incident.action in ("failed", "delayed")
        and not incident.enhanced_code
    )


def _failure_before_success(matches: list[Match]) -> list[Match]:
    """Wording matches with a failure first when the best one only reports a success: a failure
    report's closing words ("Unless you receive other Delivery Failure Reports, the document was
    successfully delivered to all other recipients", Lotus Notes) speak of the other recipients,
    and a success notification names no failure."""
    if not matches or matches[0].entry.reason != "delivered":
        return matches
    failure = next((m for m in matches if m.entry.permanence != "none"), None)
    if failure is None:
        return matches
    return [failure, *(m for m in matches if m is not failure)]


def _contradicts(entry: Entry, status: str | None) -> bool:
    """Whether an entry found by the words around a record names other causes than the
    record's own specific status: none of its enhanced codes shares the status's subject."""
    entry_statuses = statuses(entry.codes)
    if not status or code_rank(status) < RANK_ENHANCED or not entry_statuses:
        return False
    subject = status.split(".")[1]
    return all(code.split(".")[1] != subject for code in entry_statuses)


def _provider_before_default_text(matches: list[Match]) -> list[Match]:
    """Matches with a provider's own entry first when the best words are a reply's default text
    that names no cause (`names_no_cause`: RFC 5321's "554 Transaction failed"): a sending
    service's classification of the same record ("Postmark Blocked", SparkPost's bounce class 51)
    or a provider's own wording says what the default text leaves open."""
    if not matches or not matches[0].entry.names_no_cause:
        return matches
    own = next((m for m in matches if m.entry.provider and not m.entry.names_no_cause), None)
    return [own, *matches] if own else matches
