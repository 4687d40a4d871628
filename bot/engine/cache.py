"""A start-up cache: the validated knowledge base as plain JSON, keyed on everything it came from.

Reading 60-odd TOML files, validating every entry and working out each pattern's required strings
costs a few hundred milliseconds; reading the result back as JSON, a few. The key covers the
knowledge files (path, size, modification time), the engine's own source files and the Python
version, so any edit to either builds afresh.

The file is JSON lines. The first holds what indexing reads: the entries' indexed fields as
columns (entries.py), the providers, and each pattern's required strings and widest match as
lists in the order the patterns first appear in the entries (their sources are in the entries'
column already). Then comes one line per entry with its whole record, which is parsed only when
that entry is first asked for: most of the knowledge is prose that a run shows for the few
entries that explain its texts. A checksum of those lines and where each starts, kept in the
first, prove them intact before any is used.

JSON, because what is read back must not be able to run code: a pickle can. The folder is the
user's own: created 0700, and refused (one warning, then the engine loads without a cache) when
another user owns it or anyone but its owner can write to it. Any file that does not read back
as the expected shape is ignored and rewritten. A cache that cannot be read or written is
otherwise skipped silently: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import stat
import sys
import zlib
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from .entries import INDEXED, Entries
from .knowledge import KnowledgeBase
from .model import Entry, Provider

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

CACHE_DIR_ENV = "SMTPBOT_CACHE_DIR"  # a folder, or "off"
# Knowledge bases kept, the most recently used: several checkouts, or the bot and the command line
# with different SMTPBOT_KNOWLEDGE_DIR, share one cache folder without rebuilding each other's.
KEEP = 4
PREFIX, SUFFIX = "knowledge-", ".json"
# Files earlier versions kept here, which this one never reads: removed when a new file is written.
STALE = (("engine-", ".pickle"), ("regex-", ".pickle"))
ENGINE_SOURCE = os.path.dirname(os.path.realpath(__file__))

_warned: set[str] = set()


def cache_folder() -> str | None:
    """The cache's folder; None when SMTPBOT_CACHE_DIR turns the cache off."""
    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    if configured.lower() in ("off", "none", "0", "false"):
        return None
    if configured:
        return os.path.expanduser(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "smtpbot")


def _stamps(folder: str, suffix: str) -> list[str]:
    """Path, size and modification time of every file under the folder with that suffix, sorted
    by path. One scandir per folder gives the names and which are folders, without os.walk's
    generators and joins."""
    found = []
    pending = [folder]
    while pending:
        try:
            with os.scandir(pending.pop()) as listing:
                for entry in listing:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif entry.name.endswith(suffix):
                        try:
                            st = entry.stat()
                        except OSError:
                            continue  # gone since the listing
                        found.append((entry.path, st.st_size, st.st_mtime_ns))
        except OSError:
            continue  # gone, or unreadable: what the key cannot see, it does not cover
    return [f"{path}\0{size}\0{mtime}" for path, size, mtime in sorted(found)]


def cache_key(folders: list[str] | list[Path]) -> str:
    parts = [sys.version, *_stamps(ENGINE_SOURCE, ".py")]
    for folder in folders:
        parts.append(f"folder {folder}")
        parts.extend(_stamps(str(folder), ".toml"))
    # Two different 32-bit checksums of the whole description: a stale cache would need both to
    # collide at once. (Python's own byte-code cache trusts a source file's size and mtime alone.)
    material = "\0".join(parts).encode("utf-8", "replace")
    return f"{zlib.crc32(material):08x}{zlib.adler32(material):08x}"


def unsafe_reason(st: os.stat_result) -> str | None:
    """Why a cache folder or file with this status must not be trusted; None if it may be."""
    if st.st_uid != os.geteuid():
        return f"owned by user id {st.st_uid}, not by this user ({os.geteuid()})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"writable by other users (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def _trusted_folder(create: bool) -> str | None:
    """The cache folder, if it exists (or, with `create`, could be made) and is safe to use."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        if create:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        st = os.stat(folder)
    except OSError:
        return None  # missing, or not ours to make: the cache only saves time
    reason = "not a folder" if not stat.S_ISDIR(st.st_mode) else unsafe_reason(st)
    if reason is None:
        return folder
    if folder not in _warned:
        import logging  # only this warning needs it

        _warned.add(folder)
        logging.getLogger("smtpbot.cache").warning(
            "not using the engine cache in %s: %s; loading the knowledge without it", folder, reason
        )
    return None


def read(key: str) -> KnowledgeBase | None:
    """The knowledge base cached under `key`; None if there is none that can be trusted."""
    folder = _trusted_folder(create=False)
    if folder is None:
        return None
    path = os.path.join(folder, f"{PREFIX}{key}{SUFFIX}")
    try:
        with open(path, "rb") as fh:
            if unsafe_reason(os.fstat(fh.fileno())):
                return None
            kb = from_bytes(fh.read())
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # missing, damaged or not what write() wrote: built afresh and rewritten
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: the last to be evicted
    return kb


def write(key: str, kb: KnowledgeBase) -> None:
    folder = _trusted_folder(create=True)
    if folder is None:
        return
    path = os.path.join(folder, f"{PREFIX}{key}{SUFFIX}")
    try:
        data = to_bytes(kb)
        # write then rename, so a concurrent reader never sees half a file
        import tempfile  # only a cache miss writes

        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")  # mode 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except (OSError, ValueError):
        return
    _evict(folder)


def _evict(folder: str) -> None:
    with contextlib.suppress(OSError):
        entries = list(os.scandir(folder))
        kept = [e for e in entries if e.name.startswith(PREFIX) and e.name.endswith(SUFFIX)]
        kept.sort(key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
        stale = [e for e in entries if any(e.name.startswith(p) and e.name.endswith(s) for p, s in STALE)]
        for old in kept[KEEP:] + stale:
            os.unlink(old.path)


def _json(value: Any) -> bytes:
    # ASCII with \u escapes: one CJK character anywhere makes Python hold a UTF-8 text as two
    # bytes a character, and json.loads then reads all of it 40% slower
    return json.dumps(value, separators=(",", ":")).encode("ascii")


def to_bytes(kb: KnowledgeBase) -> bytes:
    """The knowledge base as the cache file holds it: a line of what indexing reads, then a line
    per entry with its record, its fields' values in the order of `fields`."""
    rows = [_json([getattr(entry, name) for name in _names(Entry)]) + b"\n" for entry in kb.entries]
    entries = {name: [getattr(entry, name) for entry in kb.entries] for name in INDEXED}
    # the patterns the entries hold: one an organisation's entry replaced is left out
    patterns = _patterns(entries["patterns"])
    if not all(source in kb.literals and source in kb.widths for source in patterns):
        raise ValueError("a pattern was not worked out while validating")
    head = {
        "fields": {"entry": _names(Entry), "provider": _names(Provider), "indexed": list(INDEXED)},
        "files": kb.files,
        "entries": entries,
        # Records are stored as columns, one list per field: a few dozen lists to parse and
        # convert instead of one per record, and the records are then made in one pass.
        "providers": {name: [getattr(p, name) for p in kb.providers] for name in _names(Provider)},
        # by the patterns' order, not keyed on their sources: a third of the line less to read
        "literals": [kb.literals[source] for source in patterns],
        "also_required": [kb.also_required.get(source, ()) for source in patterns],
        "widths": [kb.widths[source] for source in patterns],
        # [position, form] of the few patterns whose lower-cased form is not the pattern itself
        "lowered": [[i, kb.lowered[source]] for i, source in enumerate(patterns) if source in kb.lowered],
        # where each entry's line starts after this one, and where the last ends
        "offsets": list(itertools.accumulate(map(len, rows), initial=0)),
        "checksum": zlib.adler32(b"".join(rows)),
    }
    return b"".join([_json(head), b"\n", *rows])


def from_bytes(raw: bytes) -> KnowledgeBase:
    """The knowledge base `to_bytes` wrote; ValueError, TypeError, KeyError or AttributeError if
    `raw` is not such (another version's fields, a damaged file)."""
    start = raw.index(b"\n") + 1  # where the entries' lines start: they are read in place
    data = json.loads(raw[:start])
    if data["fields"] != {"entry": _names(Entry), "provider": _names(Provider), "indexed": list(INDEXED)}:
        raise TypeError("the cache was written for other record fields")
    offsets = data["offsets"]
    if len(raw) - start != offsets[-1] or zlib.adler32(memoryview(raw)[start:]) != data["checksum"]:
        raise ValueError("the cache's entry lines are damaged")
    # Codes, phrases and patterns stay the lists JSON has where the records have tuples: the
    # indexes only iterate them (entries.py).
    columns = {name: data["entries"][name] for name in INDEXED}
    if {len(offsets) - 1} != {len(values) for values in columns.values()}:
        raise TypeError("the cache's columns differ in length")  # every entry after would be shifted
    kb = KnowledgeBase()
    kb.files = list(data["files"])
    kb.entries = Entries(columns, _entry_maker(raw, start, offsets))
    kb.providers = _records(Provider, data["providers"])
    patterns = _patterns(columns["patterns"])
    literals, also, widths = data["literals"], data["also_required"], data["widths"]
    kb.literals = dict(zip(patterns, map(tuple, literals), strict=True))
    kb.also_required = {
        source: tuple(map(tuple, sets)) for source, sets in zip(patterns, also, strict=True) if sets
    }
    kb.widths = dict(zip(patterns, widths, strict=True))
    kb.lowered = {patterns[i]: lowered for i, lowered in data["lowered"]}
    return kb


def _patterns(column: Iterable[Iterable[str]]) -> list[str]:
    """Every entry's patterns, each once, in the order they first appear."""
    return list(dict.fromkeys(source for sources in column for source in sources))


def _entry_maker(raw: bytes, start: int, offsets: list[int]) -> Callable[[int], Entry]:
    """Makes entry i from its line, `offsets[i]` after `start` in `raw` (proved intact by the
    checksum, so it parses)."""
    tuples = [field.type.startswith("tuple") for field in fields(Entry)]

    def make(index: int) -> Entry:
        values = json.loads(raw[start + offsets[index] : start + offsets[index + 1]])
        return Entry(*(tuple(v) if is_tuple else v for v, is_tuple in zip(values, tuples, strict=True)))

    return make


def _names(record: type) -> list[str]:
    return [field.name for field in fields(record)]


def _records(record: type, columns: dict[str, list[Any]]) -> list[Any]:
    """The records stored as columns, made a field at a time in C (`map`), not value by value."""
    values = []
    for field in fields(record):
        column = columns[field.name]
        # JSON has lists where the records have tuples (of strings: no record nests another)
        values.append(map(tuple, column) if field.type.startswith("tuple") else column)
    if len({len(columns[field.name]) for field in fields(record)}) > 1:
        raise TypeError("the cache's columns differ in length")  # map would stop at the shortest
    return list(map(record, *values))
