"""The explanation engine: text in, `Explanation` out. No Slack in here."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import cache
from .formats import dsn, freetext, mime
from .incident import Incident, complete, reply_from_context
from .knowledge import KnowledgeBase, knowledge_dirs, load_knowledge
from .matcher import RANK_FALLBACK, RANK_PHRASE, Match, Matcher
from .model import Entry, Explanation, Finding, is_enhanced_code, is_reply_code
from .phase import refine_reason, smtp_phase
from .providers import ProviderIndex
from .retry import retry_advice
from .text import clean, clean_file, fold, shorten

if TYPE_CHECKING:
    from pathlib import Path

    from .model import Mode

MAX_FINDINGS = 10
# Work per message is bounded: at most this many incidents are matched (each costs at most one
# automaton pass and a few RE2 searches over 4,000 characters), and the fuzzy look-up, meant for
# one misspelt question and a quarter of a millisecond each, runs only for a text of a few parts.
MAX_INCIDENTS = 400
MAX_FUZZY_INCIDENTS = 3
MATCHED_TEXT_CHARS = 300
MAX_FILE_BYTES = 4_000_000  # a file is read up to here; clean_file cuts the text shorter still
FIRST_READ_BYTES = 64 * 1024  # below the size at which malloc maps fresh pages for each buffer
DIAGNOSTIC_CHARS = 1000
EMPTY_NOTICE = (
    "Nothing to explain. Give me an SMTP reply code, an enhanced status code or a pasted bounce, "
    "for example `452`, `550 5.1.1` or the whole bounce message."
)
NO_FINDING_NOTICE = (
    "I found no SMTP reply code, enhanced status code or known bounce wording in that. "
    "Try a code such as `550 5.7.26`, or paste the server's whole reply or the bounce message."
)
BARE_CODE_RE = re.compile(
    r"^\s*(?:[245]\d\d|[245]\.\d{1,3}\.\d{1,3})(?:\s+(?:[245]\d\d|[245]\.\d{1,3}\.\d{1,3}))?\s*\??\s*$"
)
# Words that on their own show a text is about mail, and words that only support them: a message
# queue, an image relay or a delivery webhook are not mail.
MAIL_WORDS_RE = re.compile(
    r"\b(?:e-?mails?|mails?|smtp|esmtp|gsmtp|mx|recipients?|sender|mailbox(?:es)?|bounced?|rcpt"
    r"|postmaster|mailer-daemon|dsn|spf|dkim|dmarc|helo|ehlo|undeliverable|mta)\b",
    re.I,
)
SUPPORTING_WORDS_RE = re.compile(r"\b(?:deliver\w*|relay\w*|quota|message)\b", re.I)
SUCCESS_ACTIONS = frozenset({"delivered", "relayed", "expanded"})
PASSIVE_MIN_PHRASE = 12


class Engine:
    """Holds the loaded knowledge and its indexes; `explain` is cheap and thread-safe."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.entries = kb.entries
        self.by_id = kb.by_id()
        # later entries (an organisation's) replace earlier ones for the same action
        self.fallbacks = {e.fallback_for: e for e in kb.entries if e.fallback_for}
        self.matcher = Matcher(kb.entries, kb.literals, kb.widths)
        self.providers = ProviderIndex(kb.providers)
        self._search_docs = [
            " ".join(
                [
                    e.id.replace(".", " "),
                    e.title,
                    " ".join(e.codes),
                    e.reason,
                    e.provider or "",
                    " ".join(e.phrases),
                ]
            ).lower()
            for e in kb.entries
        ]

    @classmethod
    def load(cls, extra_dir: str | None = None, use_cache: bool = True) -> Engine:
        dirs = knowledge_dirs(extra_dir)
        key = cache.cache_key([folder for folder, _ in dirs]) if use_cache else ""
        kb = cache.read(key) if use_cache else None
        if kb is None:
            kb = load_knowledge(dirs)
            if use_cache and not kb.problems:
                cache.write(key, kb)
        return cls(kb)

    # --- explaining -------------------------------------------------------------------------

    def explain(self, text: str | bytes, mode: Mode = "explicit") -> Explanation:
        # bytes are a file's content, never a chat message
        text, truncated = clean_file(text) if isinstance(text, bytes) else clean(text)
        if not text.strip():
            return Explanation(
                mode=mode, input_kind="empty", notice=EMPTY_NOTICE if mode == "explicit" else None
            )
        explicit = mode == "explicit"
        kind, incidents, hint_text = self._incidents(text, explicit)
        findings = self._findings(incidents, explicit, hint_text)
        notice = None if findings or not explicit else NO_FINDING_NOTICE
        return Explanation(
            mode=mode,
            input_kind=kind,
            findings=tuple(findings),
            notice=notice,
            truncated=truncated,
        )

    def explain_file(self, path: str | Path, mode: Mode = "explicit") -> Explanation:
        with open(path, "rb") as fh:
            # Most bounces fit the first read. Asking for the whole cap at once would allocate
            # 4 MB for every file, which costs more than reading a small one.
            data = fh.read(FIRST_READ_BYTES)
            if len(data) == FIRST_READ_BYTES:
                data += fh.read(MAX_FILE_BYTES - FIRST_READ_BYTES)
            return self.explain(data, mode)

    def _incidents(self, text: str, explicit: bool) -> tuple[str, list[Incident], str]:
        stripped = text.strip()
        if BARE_CODE_RE.match(stripped):
            return "code", freetext.incidents(stripped, explicit=True, kind="code"), ""
        if stripped[:1] in "{[":
            # JSON notifications and log lines are rarer than emails and pasted replies: their
            # readers (and their regular expressions) load on first use, not at every start-up
            from .formats import jsonbounce

            obj = jsonbounce.parse(stripped)
            if obj is not None:
                found = jsonbounce.incidents(obj, explicit)
                if found:
                    return "json", found, ""
        if mime.looks_like_email(text):
            found, headers = mime.incidents(text, explicit)
            if found:
                return "email", found, headers
        if dsn.looks_like_dsn(text):
            found = dsn.incidents(text)
            if found:
                for incident in found:
                    incident.context = text[:4000]
                    if incident.reply_code is None:
                        incident.reply_code = reply_from_context(incident)
                return "dsn", found, ""
        from .formats import mtalog

        if mtalog.looks_like_log(text):
            found = mtalog.incidents(text)
            if found:
                return "log", found, ""
        found = freetext.incidents(text, explicit)
        kind = "smtp" if any(i.strong_code for i in found) else "text"
        return kind, found, ""

    def _findings(self, incidents: list[Incident], explicit: bool, hint_text: str) -> list[Finding]:
        scored: list[tuple[int, float, int, Finding]] = []
        seen: set[tuple] = set()
        framing: set[int] = set()  # orders of findings from a notice's framing words, no code
        hint: list[str | None] = []  # the provider the bounce's own headers name, read once if needed
        allow_fuzzy = explicit and len(incidents) <= MAX_FUZZY_INCIDENTS
        for order, incident in enumerate(incidents[:MAX_INCIDENTS]):
            best = self._best_match(incident, allow_fuzzy)
            if best is None:
                continue
            match, provider = best
            if incident.structured and match.rank < RANK_PHRASE and _success_only(incident):
                continue  # a 250 or a 2.0.0 in a bounce is a step that worked, not the failure
            if not explicit and not self._passive_ok(incident, match):
                continue
            if provider is None and not hint:
                hint.append(self.providers.detect(hint_text))
            finding = self._finding(incident, match, provider or (hint[0] if hint else None))
            key = (finding.entry_id, finding.recipient, finding.reply_code, finding.enhanced_code)
            if key in seen:
                continue
            seen.add(key)
            # structured records keep their order (one per recipient); free text: coded first
            tier = 0 if (incident.structured and incident.kind != "email") or incident.action else 1
            coded = bool(incident.reply_code or incident.enhanced_code)
            if match.entry.when_no_code and not coded:
                framing.add(order)
            scored.append(
                (tier, (0 if coded else 1) + (0 if match.rank >= RANK_PHRASE else 0.5), order, finding)
            )
        if len(framing) < len(scored):
            # a notice's banner ("delivery has failed to these recipients") beside a finding that
            # names the cause adds nothing: drop it
            scored = [s for s in scored if s[2] not in framing]
        scored.sort(key=lambda s: (s[0], s[1], s[2]))
        return [s[3] for s in scored[:MAX_FINDINGS]]

    def _best_match(self, incident: Incident, allow_fuzzy: bool) -> tuple[Match, str | None] | None:
        folded = fold(incident.text)
        codes = {c for c in (incident.reply_code, incident.enhanced_code) if c}
        hits = self.matcher.phrase_hits(folded) if folded else {}
        context_hits: dict[str, str] = {}
        if not hits and incident.context:
            context_hits = self.matcher.phrase_hits(fold(incident.context))
        code_matches = (
            []
            if hits or context_hits
            else self.matcher.code_matches(incident.reply_code, incident.enhanced_code)
        )
        fuzzy = []
        if (
            not (hits or context_hits or code_matches)
            and allow_fuzzy
            and not codes
            and incident.kind in ("text", "code")
        ):
            fuzzy = self.matcher.fuzzy_matches(folded)
        if not (hits or context_hits or code_matches or fuzzy):
            fallback = self._fallback(incident)
            if fallback is None:
                return None
            complete(incident)
            return fallback, self.providers.from_host(incident.remote_mta)
        # only now, with something to explain, is it worth reading the rest of the incident
        complete(incident)
        provider = self.providers.from_host(incident.remote_mta) or self.providers.detect(incident.text)
        if provider is None and incident.recipient and "@" in incident.recipient:
            # a consumer mailbox domain is a fair hint when nothing in the reply names the server
            provider = self.providers.from_host(incident.recipient.rsplit("@", 1)[1])
        if context_hits:
            provider = provider or self.providers.detect(incident.context)
            matches = self.matcher.phrase_matches(codes, provider, context_hits)
        elif hits:
            matches = self.matcher.phrase_matches(codes, provider, hits)
        else:
            matches = code_matches or fuzzy
        if not matches and (hits or context_hits):
            # the only words found were framing that gives way to the codes
            matches = self.matcher.code_matches(incident.reply_code, incident.enhanced_code)
        if not matches:
            return None
        return matches[0], provider

    def _fallback(self, incident: Incident) -> Match | None:
        """A bounce record that failed or was delayed but says nothing we recognise."""
        if not incident.structured or incident.action not in ("failed", "delayed"):
            return None
        entry = self.fallbacks.get(incident.action)
        return Match(entry, RANK_FALLBACK, 0.3, incident.action) if entry else None

    @staticmethod
    def _passive_ok(incident: Incident, match: Match) -> bool:
        """In an alert channel speak only when the text is clearly a mail delivery problem."""
        classes = {c[0] for c in (incident.reply_code, incident.enhanced_code) if c}
        if incident.action in SUCCESS_ACTIONS or (classes == {"2"} and incident.action is None):
            return False  # a delivery that worked, or a 250 OK: nothing went wrong
        if incident.structured:
            return True
        phrase = match.rank >= RANK_PHRASE
        mail_words = len(MAIL_WORDS_RE.findall(incident.text))
        if incident.strong_code:
            if incident.enhanced_code:
                # an enhanced status code is SMTP's own; beside a reply code of its class, surely so
                both = incident.reply_code and incident.reply_code[0] == incident.enhanced_code[0]
                return bool(both or phrase or mail_words)
            # a reply code alone may be HTTP's or any other system's 500 or 503: it needs a mail
            # word, or SMTP's own wording for that very code ("451 ... local error in processing")
            agreed = phrase and incident.reply_code in match.entry.codes
            return mail_words > 0 or (agreed and len(match.matched) >= PASSIVE_MIN_PHRASE)
        return (
            phrase
            and len(match.matched) >= PASSIVE_MIN_PHRASE
            and mail_words > 0
            and mail_words + len(SUPPORTING_WORDS_RE.findall(incident.text)) >= 2
        )

    def _finding(self, incident: Incident, match: Match, provider: str | None) -> Finding:
        entry = match.entry
        reply, enhanced = incident.reply_code, incident.enhanced_code
        phase = smtp_phase(incident.text, incident.context)
        reason = refine_reason(
            entry.reason,
            phase,
            stated_status=enhanced,
            from_bounce=incident.kind in ("email", "dsn"),
            weak_match=match.rank < RANK_PHRASE,
            replied=reply is not None and reply in incident.text,
            provider_wording=entry.provider is not None
            and entry.family != "mta"
            and match.rank >= RANK_PHRASE,
        )
        if incident.action in ("delivered", "relayed", "expanded") and _success_codes(incident):
            reason = "delivered"  # a delivery report: whatever entry the 2xx code found, it worked
        if incident.local_mailer and reason not in ("mailboxfull", "systemfull"):
            # the local delivery program (procmail, a pipe) failed, whatever its words
            reason = "mailererror"
        if enhanced is None:
            enhanced = _implied_status(entry, reply, incident.action)
        bounce = _bounce(entry, reply, enhanced, incident.action)
        return Finding(
            entry_id=entry.id,
            reason=reason,
            bounce=bounce,
            title=entry.title,
            meaning=entry.meaning,
            retry=retry_advice(entry, bounce, (reply or enhanced or "")[:1] or None),
            who=entry.who,
            causes=entry.causes,
            sender_fix=entry.sender_fix,
            admin_fix=entry.admin_fix,
            references=entry.references,
            confidence=match.confidence,
            matched_text=shorten(match.matched, MATCHED_TEXT_CHARS),
            reply_code=reply,
            enhanced_code=enhanced,
            provider=provider or entry.provider,
            recipient=incident.recipient,
            remote_mta=incident.remote_mta,
            diagnostic=shorten(incident.text, DIAGNOSTIC_CHARS),
            smtp_phase=phase,
        )

    # --- knowledge look-ups (used by the CLI and the Slack commands) --------------------------

    def lookup(self, key: str) -> list[Entry]:
        """Entries by id, or every entry that lists a code."""
        key = key.strip().lower()
        if key in self.by_id:
            return [self.by_id[key]]
        if is_reply_code(key) or is_enhanced_code(key):
            code_first = sorted(
                (e for e in self.entries if key in e.codes), key=lambda e: (not e.is_code_entry, e.id)
            )
            return code_first
        return []

    def search(self, words: str, limit: int = 10) -> list[tuple[Entry, float]]:
        query = fold(words)
        if not query:
            return []
        # imported here: rapidfuzz takes ~20 ms to import and only questions need it
        from rapidfuzz import fuzz, process

        results = process.extract(
            query, self._search_docs, scorer=fuzz.token_set_ratio, limit=limit, score_cutoff=50
        )
        return [(self.entries[i], score) for _, score, i in results]

    def list_prefix(self, prefix: str) -> list[Entry]:
        """Code entries whose codes start with a prefix such as `5.7` or `45`."""
        prefix = prefix.strip().rstrip(".")
        out = []
        for entry in self.entries:
            codes = [
                c
                for c in entry.codes
                if c == prefix
                or c.startswith(prefix + ".")
                or (len(prefix) < 3 and "." not in prefix and is_reply_code(c) and c.startswith(prefix))
            ]
            if codes:
                out.append(entry)
        return sorted(out, key=lambda e: (not e.is_code_entry, _code_sort_key(e.codes[0]), e.id))


def _success_only(incident: Incident) -> bool:
    if incident.action not in (None, "failed", "delayed"):
        return False  # a delivery report: the success is the news
    return _success_codes(incident)


def _success_codes(incident: Incident) -> bool:
    codes = [c for c in (incident.reply_code, incident.enhanced_code) if c]
    return bool(codes) and all(c[0] == "2" for c in codes)


def _code_sort_key(code: str) -> tuple[int, ...]:
    return tuple(int(p) for p in code.split("."))


def _implied_status(entry: Entry, reply: str | None, action: str | None) -> str | None:
    """The entry's own enhanced code of the right class, when the text gave none."""
    wanted = reply[0] if reply else ("4" if action == "delayed" else "5" if action == "failed" else None)
    statuses = entry.enhanced_codes
    if not statuses:
        return None
    if wanted:
        return next((c for c in statuses if c[0] == wanted), None)
    return statuses[0] if len(statuses) == 1 else None


def _bounce(entry: Entry, reply: str | None, enhanced: str | None, action: str | None) -> str:
    """Hard when anything says the failure is final: a 5xx code or a DSN that gave up."""
    classes = {c[0] for c in (reply, enhanced) if c}
    if "5" in classes or action == "failed":
        return "hard"
    if "4" in classes or action == "delayed":
        return "soft"
    if "2" in classes:
        return "none"
    return {"permanent": "hard", "temporary": "soft", "none": "none"}.get(entry.permanence, "soft")
