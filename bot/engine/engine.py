"""The explanation engine: text in, `Explanation` out. No Slack in here."""

from __future__ import annotations

import functools
import operator
from dataclasses import replace
from typing import TYPE_CHECKING

from . import cache, formats
from .code_structure import CodeStructure
from .entries import Entries
from .evidence import Evidence
from .findings import SUCCESS_ACTIONS, make_finding, passive_ok, success_only
from .knowledge import KnowledgeBase, knowledge_dirs, load_knowledge
from .matcher import RANK_PHRASE, Matcher
from .model import Entry, Explanation, Finding, is_enhanced_code, is_reply_code
from .normalize import clean, clean_file, fold
from .providers import ProviderIndex

if TYPE_CHECKING:
    from pathlib import Path

    from ..headers.report import HeaderReport
    from .incident import Incident
    from .model import Mode
    from .questions import Questions

MAX_FINDINGS = 10
# Work per message is bounded: at most this many incidents are matched (each costs at most one
# automaton pass and a few RE2 searches over 4,000 characters), and the fuzzy look-up, meant for
# one misspelt question and a quarter of a millisecond each, runs only for a text of a few parts.
MAX_INCIDENTS = 400
MAX_FUZZY_INCIDENTS = 3
# Input kinds whose findings are a bounce's: such a text gets no header analysis, however many
# Received fields it carries.
BOUNCE_KINDS = frozenset({"email", "dsn", "json"})
MAX_FILE_BYTES = 4_000_000  # a file is read up to here; clean_file cuts the text shorter still
FIRST_READ_BYTES = 64 * 1024  # below the size at which malloc maps fresh pages for each buffer
EMPTY_NOTICE = (
    "Nothing to explain. Give me an SMTP reply code, an enhanced status code or a pasted bounce, "
    "for example `452`, `550 5.1.1` or the whole bounce message."
)
NO_FINDING_NOTICE = (
    "I found no SMTP reply code, enhanced status code or known bounce wording in that. "
    "Try a code such as `550 5.7.26`, or paste the server's whole reply or the bounce message."
)


class Engine:
    """Holds the loaded knowledge and its indexes; `explain` is cheap and thread-safe."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        # indexed by their columns: an entry's record is made when a text needs it (entries.py)
        self.entries = Entries.of(kb.entries)
        explicit_only = self.entries.column("explicit_only")
        answers_bounces = self.entries.subset(list(map(operator.not_, explicit_only)))
        families = {p.name: p.family for p in kb.providers if p.family}
        self.matcher = Matcher(
            answers_bounces, kb.literals, kb.widths, families, kb.also_required, kb.lowered
        )
        self.providers = ProviderIndex(kb.providers)
        self.evidence = Evidence(answers_bounces, self.matcher, self.providers, CodeStructure(self.entries))

    @functools.cached_property
    def by_id(self) -> dict[str, Entry]:
        """Every entry by id, made on first use: explaining never needs it."""
        return {entry.id: entry for entry in self.entries}

    @functools.cached_property
    def questions(self) -> Questions:
        """The explicit-only entries (see questions.py), with the patterns' strings the cache holds.

        Built on the first text that may be a question: a batch of bounces never asks one."""
        from .questions import Questions

        # only the explicit-only entries' records are made: the others stay rows of the cache
        asked = self.entries.subset(self.entries.column("explicit_only"))
        return Questions(asked, self.kb.literals, self.kb.widths)

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
        """Findings for a text, best first: the formats registry reads it into records (one per
        failed recipient), and each record gets the entry its best evidence points to.

        Evidence ranks one way for every input (the table in matcher.py and knowledge/README.md):
        wording, a provider's or MTA's first > a specific enhanced code (5.1.1) > an enhanced
        code's subject (5.6.0) > a specific reply code (552) > a code's class (5.7.1, a bare
        550) > a status with no detail (5.0.0) > a question's near phrase > a failed record
        that nothing explains. Findings of a report keep its order; free-text ones come coded
        first."""
        # bytes are a file's content, never a chat message
        text, truncated = clean_file(text) if isinstance(text, bytes) else clean(text)
        if not text.strip():
            return Explanation(
                mode=mode, input_kind="empty", notice=EMPTY_NOTICE if mode == "explicit" else None
            )
        explicit = mode == "explicit"
        reading = formats.read(text, explicit)
        findings, more = self._findings(reading.incidents, explicit, reading.hint_text)
        if not explicit and findings and _only_asked_about(text, findings):
            # an alert channel stays out of its people's conversation
            return Explanation(mode=mode, input_kind="text")
        if explicit and reading.kind == "text":  # perhaps a question about how mail works (questions.py)
            findings = self.questions.findings(text, findings, make_finding)
        # a pasted message header, explained in explicit mode; a bounce, or a notification
        # mailed as JSON (SNS mails SES's so), is answered as one
        bounce = bool(findings) and reading.kind in BOUNCE_KINDS
        headers = _header_report(text) if explicit and not bounce else None
        notice = None if findings or headers or not explicit else NO_FINDING_NOTICE
        return Explanation(
            mode=mode,
            input_kind=reading.kind,
            findings=tuple(findings),
            notice=notice,
            truncated=truncated,
            headers=headers,
            more_findings=more,
        )

    def explain_file(self, path: str | Path, mode: Mode = "explicit") -> Explanation:
        with open(path, "rb") as fh:
            # Most bounces fit the first read. Asking for the whole cap at once would allocate
            # 4 MB for every file, which costs more than reading a small one.
            data = fh.read(FIRST_READ_BYTES)
            if len(data) == FIRST_READ_BYTES:
                data += fh.read(MAX_FILE_BYTES - FIRST_READ_BYTES)
            return self.explain(data, mode)

    def _findings(
        self, incidents: list[Incident], explicit: bool, hint_text: str
    ) -> tuple[list[Finding], int]:
        """One finding per failed recipient, each with its own diagnostic: a record per recipient
        keeps its place; free-text findings with a code come before those without. Returns the
        first MAX_FINDINGS and how many more there were, so an answer can say they exist."""
        scored: list[tuple[int, float, int, Finding]] = []
        seen: set[tuple] = set()
        framing: set[int] = set()  # orders of findings from a notice's framing words, no code
        worked: set[int] = set()  # orders of a report's records of a delivery that worked
        hint: list[str | None] = []  # the provider the bounce's own headers name, read once if needed
        allow_fuzzy = explicit and len(incidents) <= MAX_FUZZY_INCIDENTS
        for order, incident in enumerate(incidents[:MAX_INCIDENTS]):
            best = self.evidence.best_match(incident, allow_fuzzy, hint_text)
            if best is None:
                continue
            match, provider = best
            if incident.structured and match.rank < RANK_PHRASE and success_only(incident):
                continue  # a 250 or a 2.0.0 in a bounce is a step that worked, not the failure
            if not explicit and not passive_ok(incident, match):
                continue
            if provider is None and not hint:
                hint.append(self.providers.detect(hint_text))
            finding = make_finding(incident, match, provider or (hint[0] if hint else None))
            key = (finding.entry_id, finding.recipient, finding.reply_code, finding.enhanced_code)
            if key in seen:
                continue
            seen.add(key)
            # records of a report keep their order (one per recipient); free text: coded first
            tier = 0 if (incident.structured and incident.kind != "email") or incident.action else 1
            coded = bool(incident.reply_code or incident.enhanced_code)
            # framing: a notice's banner, or a report's paragraph that only says "failed" for
            # nobody in particular; either gives way to any finding that says more
            if (
                match.entry.when_no_code or (match.entry.fallback_for and not incident.recipient)
            ) and not coded:
                framing.add(order)
            strength = (0 if coded else 1) + (0 if match.rank >= RANK_PHRASE else 0.5)
            if tier == 0 and incident.recipient:
                # a delivery that worked comes after the failures of the same report
                strength = 2 if incident.action in SUCCESS_ACTIONS else 0
                if finding.bounce == "none" and incident.action in SUCCESS_ACTIONS:
                    worked.add(order)
            scored.append((tier, strength, order, finding))
        if framing and len(framing) < len(scored):
            # a notice's banner ("delivery has failed to these recipients") beside a finding that
            # names the cause adds nothing: drop it, but keep the one recipient it named when the
            # cause's own lines name nobody (Gmail's sentence names the address, its link the cause)
            named = {s[3].recipient for s in scored if s[2] in framing and s[3].recipient}
            scored = [s for s in scored if s[2] not in framing]
            if len(named) == 1 and not any(s[3].recipient for s in scored):
                address = named.pop()
                scored = [(t, st, o, replace(f, recipient=address)) for t, st, o, f in scored]
        named_entries = {s[3].entry_id for s in scored if s[3].recipient}
        if named_entries:
            # a paragraph of the same report that names nobody and says what a named finding
            # says (its words, or the report's around it, chose the same entry) adds nothing
            scored = [s for s in scored if s[3].recipient or s[3].entry_id not in named_entries]
        if worked and any(s[3].bounce in ("hard", "soft") for s in scored):
            # a report that mixes outcomes (RFC 3464 lets one DSN say failed, delayed, delivered,
            # relayed and expanded): the recipients it reached are not what went wrong
            scored = [s for s in scored if s[2] not in worked]
        scored.sort(key=lambda s: (s[0], s[1], s[2]))
        return [s[3] for s in scored[:MAX_FINDINGS]], max(0, len(scored) - MAX_FINDINGS)

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

    @functools.cached_property
    def _search_docs(self) -> list[str]:
        """Each entry's words for `search`, made on its first call: explaining never needs them."""
        return [
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
            for e in self.entries
        ]

    def search(self, words: str, limit: int = 10) -> list[tuple[Entry, float]]:
        query = fold(words)
        if not query:
            return []
        # imported here: rapidfuzz takes ~20 ms to import and only questions need it
        from rapidfuzz import fuzz, process

        results = process.extract(
            query, self._search_docs, scorer=fuzz.token_set_ratio, limit=limit, score_cutoff=50
        )
        found = [(self.entries[i], score) for _, score, i in results]
        # a misspelt term ("greylistng") shares no word with any entry: the question it asks does
        asked = [(m.entry, round(m.confidence * 100, 1)) for m in self.questions.answer(words)[:1]]
        rest = [f for f in found if f[0].id not in {e.id for e, _ in asked}]
        return (asked + rest)[:limit]

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


def _code_sort_key(code: str) -> tuple[int, ...]:
    return tuple(int(p) for p in code.split("."))


def _only_asked_about(text: str, findings: list[Finding]) -> bool:
    """Whether the text is a line of chat asking about a code (questions.asked_in_chat) that
    quotes no server's words: every finding stands on a code or a few words of the question, none
    on a reply's wording of QUOTED_REPLY_MIN_CHARS or more. A question around a pasted reply is a
    failure shown to the channel, and is answered."""
    from .questions import QUOTED_REPLY_MIN_CHARS, asked_in_chat  # start-up does without it

    quoted = any(len(finding.matched_text) >= QUOTED_REPLY_MIN_CHARS for finding in findings)
    return not quoted and asked_in_chat(text)


def _header_report(text: str) -> HeaderReport | None:
    # imported here: only a pasted message header needs the headers package, never a bounce
    from ..headers.detect import header_report

    return header_report(text)
