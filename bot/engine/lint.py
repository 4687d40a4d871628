"""`smtpbot kb lint`: schema problems from loading, plus every example must resolve to its entry."""

from __future__ import annotations

import datetime
from collections import defaultdict
from urllib.parse import urlsplit

from .engine import Engine
from .knowledge import KnowledgeBase
from .knowledge_files import Problem
from .model import Entry

STALE_AFTER_MONTHS = 18
# An entry for every server's wording answers with the standards and at most a few pages that
# document that meaning; where a phrase's wording was found goes in `sources`, not shown.
GENERIC_FAMILIES = frozenset({"generic", "rfc"})
MAX_GENERIC_PAGES = 3


def lint(kb: KnowledgeBase) -> list[Problem]:
    problems = list(kb.problems)
    engine = Engine(kb)
    known_providers = set(engine.providers.names)
    owners: dict[str, list[str]] = defaultdict(list)
    for entry in kb.entries:
        if entry.is_code_entry:
            for code in entry.codes:
                owners[code].append(entry.id)
        if entry.provider and entry.provider not in known_providers:
            problems.append(
                Problem(
                    entry.file,
                    entry.line,
                    f"entry {entry.id}: provider {entry.provider!r} is not in providers.toml",
                )
            )
        for example in entry.examples:
            result = engine.explain(example, "explicit")
            got = result.best.entry_id if result.best else None
            if got != entry.id:
                problems.append(
                    Problem(
                        entry.file,
                        entry.line,
                        f"entry {entry.id}: example {example[:70]!r} resolves to {got or 'nothing'}",
                    )
                )
        for text in entry.counterexamples:
            if any(f.entry_id == entry.id for f in engine.explain(text, "explicit").findings):
                problems.append(
                    Problem(
                        entry.file, entry.line, f"entry {entry.id}: counterexample {text[:70]!r} matches it"
                    )
                )
        problems.extend(_freshness_warnings(entry, datetime.date.today()))
        problems.extend(_reference_problems(entry))
    for code, ids in owners.items():
        local = [i for i in ids if engine.by_id[i].local]
        if len(ids) > 1 and len(ids) - len(local) > 1:
            first = engine.by_id[ids[1]]
            problems.append(
                Problem(
                    first.file, first.line, f"code {code} belongs to several code entries: {', '.join(ids)}"
                )
            )
    return sorted(problems, key=lambda p: (p.file, p.line, p.message))


def _reference_problems(entry: Entry) -> list[Problem]:
    """A generic entry's references are what a reader is shown: the RFCs and a few pages that
    document the meaning, not every page a phrase was found on."""
    if entry.provider or entry.family not in GENERIC_FAMILIES:
        return []
    found = []
    pages = [r for r in entry.references if urlsplit(r).scheme in ("http", "https")]
    if len(pages) > MAX_GENERIC_PAGES:
        found.append(
            f"{len(pages)} web pages in references: a generic entry cites the RFCs and at most "
            f"{MAX_GENERIC_PAGES} pages that document its meaning; put where wording was found in sources"
        )
    found += [
        f"reference {r[:60]!r} notes where wording was found: put it in sources"
        for r in entry.references
        if "wording as facts" in r
    ]
    return [Problem(entry.file, entry.line, f"entry {entry.id}: {m}") for m in found]


def _freshness_warnings(entry: Entry, today: datetime.date) -> list[Problem]:
    """Warnings, not errors: a provider's page changes under an entry without anyone noticing."""
    warnings = []
    if entry.checked:
        year, month = (int(part) for part in entry.checked.split("-"))
        age = (today.year - year) * 12 + today.month - month
        if age > STALE_AFTER_MONTHS:
            warnings.append(f"last checked {entry.checked}, over {STALE_AFTER_MONTHS} months ago")
    for reference in entry.references:
        parts = urlsplit(reference)
        if parts.scheme in ("http", "https") and parts.path in ("", "/") and not parts.query:
            warnings.append(f"reference {reference} is only a site's front page: cite the page itself")
    return [Problem(entry.file, entry.line, f"entry {entry.id}: {w}", warning=True) for w in warnings]
