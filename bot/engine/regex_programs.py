"""Compiled regular expressions that a cache can keep: the program, not only the source.

`re.compile` runs a parser and a compiler written in Python, about a tenth of a millisecond for a
knowledge pattern; a pickled `re.Pattern` keeps only its source and compiles it again when loaded.
A 400-email batch compiles about a hundred knowledge patterns that way, near a tenth of its time.
So the engine compiles each pattern's program once, when it builds the engine cache, and keeps
the program (the regex engine's code words) in that cache; at run time `_sre.compile`, the C half
of `re` that `re.compile` itself ends in, turns the program into a Pattern in microseconds.

The program format belongs to one Python version: the engine cache is keyed on the exact
version, each program carries a checksum that must match before `_sre.compile` sees it, and any
failure here falls back to `re.compile`.

The engine's own module-level expressions, compiled at every import, go the same way through
`compile_cached`: their programs are kept in a store file beside the engine cache, one per Python
version, which a process adds to when it exits if it had to compile any.
"""

from __future__ import annotations

import _sre
import atexit
import re
import sys
import zlib

# Private parts of re (_sre above is its C half), as pattern_literals.py uses: stable since 3.11,
# and only ever reached through the fallbacks below.
from re import _compiler, _constants, _parser

from . import cache
from .records import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# flags, code (32-bit words in this machine's byte order: a bytes object unpickles in one copy,
# where a list of ints would unpickle number by number), groups, group index, index group, and a
# checksum of all of them
Program = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...], int]


def program(pattern: str, flags: int = 0) -> Program | None:
    """What `_sre.compile` needs besides the source; None if the pattern does not compile."""
    try:
        parsed = _parser.parse(pattern, flags)
        words = _compiler._code(parsed, flags)
        code = b"".join(int(word).to_bytes(4, sys.byteorder) for word in words)
    except Exception:  # re.error, a word wider than 32 bits, anything a future re may raise
        return None
    state = parsed.state
    group_index = dict(state.groupdict)
    index_group: list[str | None] = [None] * state.groups
    for name, number in group_index.items():
        index_group[number] = name
    # a plain int: a RegexFlag member would unpickle through the enum machinery
    parts = (int(flags | state.flags), code, state.groups - 1, group_index, tuple(index_group))
    return (*parts, _checksum(pattern, parts))


def _checksum(pattern: str, parts: tuple) -> int:
    flags, code, groups, group_index, index_group = parts
    described = repr((pattern, flags, groups, group_index, index_group))
    return zlib.crc32(code, zlib.crc32(described.encode("utf-8", "surrogatepass")))


def compile_program(pattern: str, flags: int, compiled: Program | None) -> re.Pattern[str]:
    """The Pattern `re.compile(pattern, flags)` gives, built from its stored program."""
    return from_program(pattern, compiled) or re.compile(pattern, flags)


def from_program(pattern: str, compiled: Program | None) -> re.Pattern[str] | None:
    """The Pattern made from a stored program; None if there is none or it cannot be used."""
    if compiled is None:
        return None
    try:
        *parts, checksum = compiled
        # _sre checks a program's structure but not every operand: a damaged one could crash
        # the interpreter, so it must be byte for byte what program() made
        if checksum != _checksum(pattern, tuple(parts)):
            return None
        all_flags, code, groups, group_index, index_group = parts
        words = memoryview(code).cast("I").tolist()
        return _sre.compile(pattern, all_flags, words, groups, group_index, index_group)
    except Exception:  # not this version's program
        return None


# One store per Python version and regex compiler (re's own MAGIC changes with its code format).
STORE_NAME = f"regex-{zlib.crc32(f'{sys.version} {_constants.MAGIC}'.encode()):08x}.pickle"
_store_path: str | None = None
_stored: dict[tuple, Any] | None = None
_made: dict[tuple, Any] = {}


def compile_cached(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile`, from the program an earlier run stored when there is one."""
    key = (pattern, int(flags))
    compiled = from_program(pattern, _remembered(key, lambda: program(pattern, flags)))
    if compiled is None and _stored is not None and key in _stored:
        # a stored program that cannot be used (damaged, or an older format) is made again
        _stored.pop(key, None)  # pop: another thread may be doing the same
        compiled = from_program(pattern, _remembered(key, lambda: program(pattern, flags)))
    return compiled or re.compile(pattern, flags)  # re.compile raises the re.error to be seen


def strings_cached(kind: str, pattern: str, derive: Callable[[], tuple[str, ...]]) -> tuple[str, ...]:
    """Strings derived from a pattern's source by `derive` (for example the literals its matches
    require), kept in the store as its programs are: deriving them parses the pattern again."""
    strings = _remembered((kind, pattern), derive)
    if isinstance(strings, tuple) and all(isinstance(item, str) for item in strings):
        return strings
    return derive()


def _remembered(key: tuple, make: Callable[[], Any]) -> Any:
    global _stored, _store_path
    if _stored is None:
        _store_path = cache.path_for(STORE_NAME)
        found = cache.read_file(_store_path) if _store_path else None
        _stored = found if isinstance(found, dict) else {}
    if key in _stored:
        return _stored[key]
    if key not in _made:
        if not _made and _store_path:
            atexit.register(_save_store)
        _made[key] = make()
    return _made[key]


def _save_store() -> None:
    if _made and _store_path:
        cache.write_file(_store_path, {**(_stored or {}), **_made})
