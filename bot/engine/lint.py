"""`smtpbot kb lint`: schema problems from loading, plus every example must resolve to its entry."""

from __future__ import annotations

from collections import defaultdict

from .engine import Engine
from .knowledge import KnowledgeBase, Problem


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
