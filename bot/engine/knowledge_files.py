"""Read and validate knowledge files: TOML files of entries and providers, and the problems found.

Only a cache miss (or `kb lint`) loads this module: a start-up served from the cache never reads
TOML, so it never makes the `Problem` record class either.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from .knowledge import KnowledgeBase
from .model import PERMANENCES, REASONS, WHO, Entry, Provider, is_enhanced_code, is_reply_code
from .normalize import text_width
from .providers import leading_literal

if TYPE_CHECKING:
    from pathlib import Path

# The checks of a knowledge file run on a cache miss only: their regexes are sources that re
# compiles on first use (and keeps), not at every start.
ID_SHAPE = r"^[a-z0-9][a-z0-9._-]*$"
MIN_PHRASE_LEN = 8
REQUIRED = ("id", "title", "reason", "permanence", "retry", "who", "meaning", "sender_fix")
REQUIRED_LISTS = ("references", "examples")
TEXT_FIELDS = (
    "id",
    "title",
    "reason",
    "permanence",
    "retry",
    "who",
    "meaning",
    "provider",
    "fallback_for",
    "checked",
    "reason_at_rcpt",
)
CHECKED_SHAPE = r"^(19|20)\d\d-(0[1-9]|1[0-2])$"
FALLBACK_ACTIONS = ("failed", "delayed")
LIST_FIELDS = (
    "codes",
    "phrases",
    "patterns",
    "causes",
    "sender_fix",
    "admin_fix",
    "references",
    "sources",
    "examples",
    "counterexamples",
)
EXPLICIT_ONLY_FAMILIES = frozenset({"concepts", "clients"})  # see "Explicit-only entries" in the README
FLAG_FIELDS = ("when_no_code", "requires_provider", "explicit_only", "names_no_cause", "frames_reply")
KNOWN_FIELDS = frozenset((*TEXT_FIELDS, *LIST_FIELDS, *FLAG_FIELDS))
TOML_ERROR_LINE = r"at line (\d+)"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in a knowledge file, with where it is; a warning does not fail `kb lint`."""

    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {'warning: ' if self.warning else ''}{self.message}"


def read_folders(dirs: Iterable[tuple[str | Path, bool]]) -> KnowledgeBase:
    """Read every *.toml below each folder; collect problems instead of raising."""
    from pathlib import Path

    kb = KnowledgeBase()
    seen: dict[str, int] = {}
    for name, local in dirs:
        folder = Path(name)
        if not folder.is_dir():
            kb.problems.append(Problem(str(folder), 0, "knowledge folder does not exist"))
            continue
        for path in sorted(folder.rglob("*.toml")):
            _load_file(path, local, kb, seen)
    return kb


def _load_file(path: Path, local: bool, kb: KnowledgeBase, seen: dict[str, int]) -> None:
    import tomllib  # here, not at the top: a start-up served from the cache never parses TOML

    name = str(path)
    kb.files.append(name)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        kb.problems.append(Problem(name, 0, f"cannot read file: {exc}"))
        return
    except tomllib.TOMLDecodeError as exc:
        m = re.search(TOML_ERROR_LINE, str(exc))
        kb.problems.append(Problem(name, int(m.group(1)) if m else 0, f"invalid TOML: {exc}"))
        return
    lines = text.splitlines()
    unknown = set(data) - {"entry", "provider"}
    for key in sorted(unknown):
        kb.problems.append(Problem(name, _line_of(lines, key), f"unknown top-level key {key!r}"))
    for table in _tables(data, "provider", name, kb):
        provider = _provider(table, name, lines, kb)
        if provider:
            kb.providers.append(provider)
    for table in _tables(data, "entry", name, kb):
        entry = _entry(table, name, lines, local, kb)
        if entry is None:
            continue
        if entry.id in seen:
            previous = kb.entries[seen[entry.id]]
            if local and not previous.local:
                kb.entries[seen[entry.id]] = entry  # an organisation's entry replaces ours
                continue
            kb.problems.append(
                Problem(name, entry.line, f"duplicate id {entry.id!r} (first in {previous.file})")
            )
            continue
        seen[entry.id] = len(kb.entries)
        kb.entries.append(entry)


def _tables(data: dict, key: str, name: str, kb: KnowledgeBase) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        kb.problems.append(Problem(name, 0, f"'{key}' must be an array of tables ([[{key}]])"))
        return []
    return value


def _line_of(lines: list[str], needle: str, after: int = 0) -> int:
    for i in range(after, len(lines)):
        if needle in lines[i]:
            return i + 1
    return 0


def _provider(table: dict, name: str, lines: list[str], kb: KnowledgeBase) -> Provider | None:
    pname = table.get("name")
    line = _line_of(lines, f'"{pname}"') if isinstance(pname, str) else 0
    if not isinstance(pname, str) or not pname.strip():
        kb.problems.append(Problem(name, line, "provider without a name"))
        return None
    lists = {}
    for key in ("hosts", "tags", "urls"):
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            kb.problems.append(Problem(name, line, f"provider {pname}: {key} must be strings"))
            value = []
        lists[key] = tuple(v.lower().strip(".") for v in value)
    formats = table.get("formats", [])
    if not isinstance(formats, list) or not all(isinstance(v, str) and v for v in formats):
        kb.problems.append(Problem(name, line, f"provider {pname}: formats must be strings"))
        formats = []
    formats = [f for f in formats if not _format_problem(f, f"provider {pname}", name, line, kb)]
    family = table.get("family", "")
    if not isinstance(family, str):
        kb.problems.append(Problem(name, line, f"provider {pname}: family must be a string"))
        family = ""
    blocklist = table.get("blocklist", False)
    if not isinstance(blocklist, bool):
        kb.problems.append(Problem(name, line, f"provider {pname}: blocklist must be true or false"))
        blocklist = False
    return Provider(name=pname, **lists, formats=tuple(formats), family=family, blocklist=blocklist)


def _format_problem(code_format: str, where: str, name: str, line: int, kb: KnowledgeBase) -> bool:
    """Report a provider's code format that does not compile or does not begin with the 3+
    plain characters the text is searched for (the regex runs only where they stand)."""
    from .pattern_literals import MIN_LITERAL_CHARS  # with the pattern reader: only validation needs it

    try:
        re.compile(code_format)
    except re.error as exc:
        kb.problems.append(Problem(name, line, f"{where}: format {code_format!r}: {exc}"))
        return True
    if len(leading_literal(code_format)) < MIN_LITERAL_CHARS:
        message = f"{where}: format {code_format!r} must begin with {MIN_LITERAL_CHARS}+ plain characters"
        kb.problems.append(Problem(name, line, message))
        return True
    return False


def _family(name: str) -> str:
    """The folder a knowledge file sits in: `concepts` for .../concepts/codes.toml."""
    return os.path.basename(os.path.dirname(name))


def _shown(source: str) -> str:
    """A pattern as a problem message quotes it: whole if short, else its start."""
    return repr(source) if len(source) <= 80 else repr(source[:77]) + "..."


def _pattern_problem(source: str, kb: KnowledgeBase) -> str | None:
    """What makes a pattern unfit to search users' text; None if it is fit (its required strings
    are then kept in kb.literals).

    RE2 accepting it is the guarantee that no text makes it slow. A required string lets the
    matcher skip it on every text without that string, instead of running it on all of them.
    """
    problem, literals, also, width = _pattern_facts(source)
    if problem is None:
        from .knowledge_regex import lowered_pattern

        kb.literals[source] = literals
        if also:
            kb.also_required[source] = also
        kb.widths[source] = width
        lowered = lowered_pattern(source)
        if lowered != source:
            kb.lowered[source] = lowered
    return problem


# What a pattern's text says about it depends on that text alone: a process that reads the
# knowledge again (a reload, a test suite building many engines) analyses each pattern once.
@lru_cache(maxsize=4096)
def _pattern_facts(
    source: str,
) -> tuple[str | None, tuple[str, ...], tuple[tuple[str, ...], ...], int | None]:
    """(problem, required strings, other required sets, widest match) of one pattern."""
    # imported here: a start-up served from the cache never validates, nor reads a pattern
    from .knowledge_regex import compile_error
    from .pattern_literals import (
        MIN_LITERAL_CHARS,
        also_required,
        max_width,
        parse_problem,
        required_literals,
    )

    refused = compile_error(source)
    if refused is not None:
        problem = f"does not compile under RE2 ({refused}); look-around and back-references are not supported"
        return problem, (), (), None
    refused = parse_problem(source)
    if refused is not None:
        return f"uses syntax the literal finder does not read: {refused}", (), (), None
    literals = required_literals(source)
    if not literals:
        problem = (
            f"requires no plain text: every match must contain a string of {MIN_LITERAL_CHARS} or more"
            " characters (or one of a few such alternatives), so that it runs only on texts that have one"
        )
        return problem, (), (), None
    return None, literals, also_required(source), max_width(source)


def _entry(table: dict, name: str, lines: list[str], local: bool, kb: KnowledgeBase) -> Entry | None:
    eid = table.get("id")
    line = _line_of(lines, f'"{eid}"') if isinstance(eid, str) else 0
    label = eid if isinstance(eid, str) else "(no id)"
    errors: list[str] = []

    def err(msg: str) -> None:
        errors.append(f"entry {label}: {msg}")

    for key in sorted(set(table) - KNOWN_FIELDS):
        err(f"unknown field {key!r}")
    for key in REQUIRED + REQUIRED_LISTS:
        if not table.get(key):
            err(f"missing {key}")
    for key in TEXT_FIELDS:
        if key in table and not isinstance(table[key], str):
            err(f"{key} must be a string")
    for key in LIST_FIELDS:
        value = table.get(key, [])
        if isinstance(value, str) and key in ("sender_fix", "admin_fix", "causes"):
            continue  # a single paragraph is allowed for prose lists
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            err(f"{key} must be a list of non-empty strings")
    if errors:
        kb.problems.extend(Problem(name, line, e) for e in errors)
        return None

    if not re.match(ID_SHAPE, eid):
        err("id must be lowercase letters, digits, '.', '-' or '_'")
    if table["reason"] not in REASONS:
        err(f"unknown reason {table['reason']!r}")
    if table["permanence"] not in PERMANENCES:
        err(f"permanence must be one of {', '.join(sorted(PERMANENCES))}")
    if table["who"] not in WHO:
        err(f"who must be one of {', '.join(sorted(WHO))}")
    codes = tuple(c.strip() for c in table.get("codes", []))
    for code in codes:
        if not (is_reply_code(code) or is_enhanced_code(code)):
            err(f"invalid code {code!r} (want 3 digits like 452 or a status like 5.7.26)")
    phrases = tuple(" ".join(p.lower().split()) for p in table.get("phrases", []))
    for phrase in phrases:
        if text_width(phrase) < MIN_PHRASE_LEN:  # a wide CJK character counts two
            err(f"phrase {phrase!r} is shorter than {MIN_PHRASE_LEN} characters")
    patterns = []
    for source in table.get("patterns", []):
        problem = _pattern_problem(source, kb)
        if problem:
            err(f"pattern {_shown(source)} {problem}")
        else:
            patterns.append(source)  # kept as text: the matcher compiles a pattern when first needed
    flags = {key: table.get(key, False) for key in FLAG_FIELDS}
    for key, value in flags.items():
        if not isinstance(value, bool):
            err(f"{key} must be true or false")
    if flags["requires_provider"] is True and not table.get("provider"):
        err("requires_provider needs a provider")
    if flags["explicit_only"] is not True and _family(name) in EXPLICIT_ONLY_FAMILIES:
        err("entries in concepts/ and clients/ answer questions only: set explicit_only = true")
    if flags["explicit_only"] is True and table.get("fallback_for"):
        err("explicit_only entries answer questions, not bounce records: drop fallback_for")
    if flags["explicit_only"] is True and not (table.get("phrases") or table.get("patterns")):
        err("explicit_only needs phrases or patterns (a code belongs to the code entries)")
    if flags["frames_reply"] is True and not (table.get("phrases") or table.get("patterns")):
        err("frames_reply marks words around a quoted reply: it needs phrases or patterns")
    checked = table.get("checked")
    if checked is not None and not re.match(CHECKED_SHAPE, checked):
        err(f"checked must be a month written YYYY-MM, not {checked!r}")
    reason_at_rcpt = table.get("reason_at_rcpt")
    if reason_at_rcpt is not None and reason_at_rcpt not in REASONS:
        err(f"reason_at_rcpt must be a reason of the taxonomy, not {reason_at_rcpt!r}")
    fallback_for = table.get("fallback_for")
    if fallback_for is not None and fallback_for not in FALLBACK_ACTIONS:
        err(f"fallback_for must be one of {', '.join(FALLBACK_ACTIONS)}")
    if not codes and not phrases and not patterns and not fallback_for:
        err("needs at least one of codes, phrases, patterns, fallback_for")
    if errors:
        kb.problems.extend(Problem(name, line, e) for e in errors)
        return None

    def as_tuple(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        return (value.strip(),) if isinstance(value, str) else tuple(v.strip() for v in value)

    return Entry(
        id=eid,
        title=table["title"].strip(),
        reason=table["reason"],
        permanence=table["permanence"],
        retry=table["retry"].strip(),
        who=table["who"],
        meaning=" ".join(table["meaning"].split()),
        sender_fix=as_tuple("sender_fix"),
        references=as_tuple("references"),
        sources=as_tuple("sources"),
        examples=tuple(table["examples"]),
        counterexamples=tuple(table.get("counterexamples", [])),
        checked=checked,
        codes=codes,
        phrases=phrases,
        patterns=tuple(patterns),
        provider=table.get("provider") or None,
        causes=as_tuple("causes"),
        admin_fix=as_tuple("admin_fix"),
        file=name,
        line=line,
        local=local,
        fallback_for=fallback_for,
        when_no_code=flags["when_no_code"] is True,
        requires_provider=flags["requires_provider"] is True,
        names_no_cause=flags["names_no_cause"] is True,
        frames_reply=flags["frames_reply"] is True,
        explicit_only=flags["explicit_only"] is True,
        reason_at_rcpt=reason_at_rcpt,
    )
