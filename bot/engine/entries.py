"""The knowledge base's entries, each made into an `Entry` record the first time it is asked for.

Indexing the knowledge reads a few fields of every entry (its codes, phrases and patterns), while
explaining a text reads the whole record of the few entries that explain it. Making all 858
records up front costs more than reading the knowledge cache itself, so the indexes read these
few fields as columns (`column`), and a record is made only when something asks for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import compress
from typing import Any, overload

from .model import Entry

# What indexing reads of every entry: fields and properties of `Entry`, kept as columns.
INDEXED = ("id", "codes", "phrases", "patterns", "local", "explicit_only", "fallback_for", "is_code_entry")


class Entries(Sequence[Entry]):
    """Entries in knowledge-base order: records made on first use, indexed fields as columns."""

    def __init__(self, columns: dict[str, list[Any]], make: Callable[[int], Entry]) -> None:
        """`columns` holds each INDEXED name's values, one per entry; `make(i)` makes entry i."""
        self._columns = columns
        self._make = make
        self._made: list[Entry | None] = [None] * len(columns["id"])

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Entries:
        """Records already made, as Entries; an Entries as it is."""
        if isinstance(entries, Entries):
            return entries
        made = list(entries)
        columns = {name: [getattr(entry, name) for entry in made] for name in INDEXED}
        result = cls(columns, made.__getitem__)
        result._made = list(made)
        return result

    def column(self, name: str) -> list[Any]:
        """Every entry's value of an INDEXED field or property, in order; no record is made.
        Read from the cache, a tuple field's values are lists (JSON's): iterate them, as the
        indexes do, rather than compare them with a record's."""
        return self._columns[name]

    def subset(self, keep: list[bool]) -> Entries:
        """The entries whose `keep` flag is true, in their order: a view that makes each record
        through this sequence, so that both share one record per entry."""
        positions = list(compress(range(len(self)), keep))
        columns = {name: list(compress(values, keep)) for name, values in self._columns.items()}
        return Entries(columns, lambda i: self[positions[i]])

    def __len__(self) -> int:
        return len(self._made)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        entry = self._made[index]
        if entry is None:
            entry = self._made[index] = self._make(index % len(self))
        return entry
