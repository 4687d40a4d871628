"""The knowledge base: where its files are and what loading them gives.

Reading and validating the TOML files is knowledge_files.py's job, loaded on a cache miss only:
a start-up served from the cache (cache.py) never imports it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from .entries import Entries
    from .knowledge_files import Problem
    from .model import Entry, Provider

KNOWLEDGE_DIR_ENV = "SMTPBOT_KNOWLEDGE_DIR"


class KnowledgeBase:
    """Every entry and provider loaded, and the problems found on the way."""

    __slots__ = (
        "also_required",
        "entries",
        "files",
        "literals",
        "lowered",
        "problems",
        "providers",
        "widths",
    )

    def __init__(self) -> None:
        # a list while the TOML files are read; from the cache, records made on first use
        self.entries: list[Entry] | Entries = []
        self.providers: list[Provider] = []
        self.problems: list[Problem] = []
        self.files: list[str] = []
        # each pattern's required strings and widest match (pattern_literals), worked out once
        # while validating it
        self.literals: dict[str, tuple[str, ...]] = {}
        self.also_required: dict[str, tuple[tuple[str, ...], ...]] = {}  # only patterns that have some
        self.widths: dict[str, int | None] = {}
        # each pattern whose lower-cased form (knowledge_regex.lowered_pattern) is not the
        # pattern itself: that form, or None where lower-casing is not plain to see
        self.lowered: dict[str, str | None] = {}

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}


# Folders are plain strings until the TOML is read: a start-up served from the cache then never
# imports pathlib (with urllib.parse and ipaddress behind it, a tenth of the start-up).


def builtin_knowledge_dir() -> str:
    """The knowledge folder: beside the package in a checkout, or installed as package data."""
    checkout = os.path.join(
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))), "knowledge"
    )
    if os.path.exists(os.path.join(checkout, "providers.toml")) or os.path.isdir(
        os.path.join(checkout, "rfc")
    ):
        return checkout
    # Installed, the folder is the data-only package `smtpbot_knowledge` (a namespace package: no
    # __init__.py among the TOML files), so ask the import system where its folders are.
    from importlib.util import find_spec

    try:
        spec = find_spec("smtpbot_knowledge")
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        if os.path.isdir(os.path.join(location, "rfc")):
            return str(location)
    return checkout


def knowledge_dirs(extra: str | None = None) -> list[tuple[str, bool]]:
    """(folder, is_local) pairs in load order: ours first, the organisation's after."""
    dirs = [(builtin_knowledge_dir(), False)]
    extra = extra if extra is not None else os.environ.get(KNOWLEDGE_DIR_ENV, "")
    for part in filter(None, (p.strip() for p in extra.split(os.pathsep))):
        dirs.append((os.path.expanduser(part), True))
    return dirs


def load_knowledge(dirs: Iterable[tuple[str | Path, bool]] | None = None) -> KnowledgeBase:
    """Read every *.toml below each folder (by default `knowledge_dirs()`); collect problems
    instead of raising."""
    from .knowledge_files import read_folders  # only a cache miss reads the TOML files

    return read_folders(dirs if dirs is not None else knowledge_dirs())
