"""Knowledge patterns compiled for RE2, which searches in time linear in the text.

Knowledge patterns are searched in whatever users paste, and an organisation can add its own
(SMTPBOT_KNOWLEDGE_DIR). Python's `re` backtracks: one pattern with nested or overlapping
repeats can take seconds on a few kilobytes and, holding the interpreter lock all that time,
stop every other thread of the bot. RE2 (google-re2) never backtracks, so no pattern it accepts
can do that. It has no look-around and no back-references: a pattern that must see some words
but should count as matching only part of them puts that part in a group named `core`
(`does not like (?P<core>recipient\\.)`), and the matcher ranks and quotes that part alone.

Patterns are searched case-insensitively in a folded text's UTF-8 bytes, which the matcher
encodes once for all the patterns it runs on that text. A folded text that is ASCII has no
upper-case letters, so there the pattern with its letters lower-cased, compiled case-sensitively,
finds the same: RE2 builds that program in less time and with fewer states.
"""

from __future__ import annotations

import re
from types import EllipsisType

import re2

CORE_GROUP = "core"

_OPTIONS = re2.Options()
_OPTIONS.case_sensitive = False
_OPTIONS.log_errors = False  # a refused pattern is reported by the loader, not on stderr
_LOWERED_OPTIONS = re2.Options()
_LOWERED_OPTIONS.log_errors = False
# The lowered program reads only ASCII text, where Latin-1 and UTF-8 spell every character in the
# same one byte: an ASCII pattern read as Latin-1 matches there what it matches read as UTF-8.
# Its classes (`.`, `\S`, `[^<>]`) then stand for one byte each instead of every multi-byte
# UTF-8 sequence, so RE2 compiles a program a fraction of the size and its DFA meets fewer states.
_ASCII_OPTIONS = re2.Options()
_ASCII_OPTIONS.log_errors = False
_ASCII_OPTIONS.encoding = re2.Options.Encoding.LATIN1
# Escapes that name no letter of their own: classes, anchors and control characters.
_CASELESS_ESCAPES = frozenset("dDsSwWbBAzfnrtv")
# A pattern's pieces for lower-casing: an escape, a group's opening with its name or flags, a
# class's opening (with a "]" that belongs to it), a class's end, an upper-case letter with the
# rest of a range it starts (never a group's or a class's opening: outside a class, "B-(" is a
# letter, a hyphen and a group), or a run of anything else. A source, compiled on first use by re
# (which keeps it): a start-up from the cache reads no pattern.
_TOKEN = r"\\.?|\(\?:|\(\?P<[^>]*>|\(\?.?|\(|\[\^?\]?|\]|[A-Z](?:-[^\]\\(\[])?|[^\\(\[\]A-Z]+"


def compile_error(source: str) -> str | None:
    """Why RE2 refuses `source`; None when it compiles."""
    try:
        re2.compile(source.encode("utf-8", "surrogatepass"), _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "rejected"
        return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    return None


def lowered_pattern(source: str) -> str | None:
    """`source` with its ASCII letters in lower case: in lower-case ASCII text it matches,
    case-sensitively, what `source` matches there case-insensitively. None where that is not
    plain to see: inline flags, escapes such as \\x or \\p, POSIX classes, a non-ASCII letter, or
    a range between an upper-case letter and anything but another one."""
    if "[:" in source:
        return None  # a POSIX class such as [:upper:]
    out: list[str] = []
    in_class = False
    for token in re.findall(_TOKEN, source, re.S):
        first = token[0]
        if first == "\\":
            if len(token) < 2 or not token.isascii():
                return None
            if token[1].isalnum() and token[1] not in _CASELESS_ESCAPES:
                return None  # \\x41, \\pL, \\Q ...: letters by other names
        elif first == "(" and not in_class and token not in ("(", "(?:") and not token.startswith("(?P<"):
            return None  # inline flags, or a group of a kind RE2 does not know anyway
        elif first == "[" and not in_class:
            in_class = True
        elif first == "]":
            in_class = False
        elif first.isupper() and first.isascii():
            if in_class and (out[-1].endswith("-") or (len(token) > 1 and not token[-1].isupper())):
                return None  # a range between an upper-case letter and something else
            token = token.lower()
        elif not token.isascii() and token.lower() != token.upper():
            return None  # a letter beyond ASCII, whose case folding lower() may not follow
        out.append(token)
    return "".join(out)


class KnowledgeRegex:
    """One compiled knowledge pattern; `search` gives the text it counts as matching, or None."""

    __slots__ = ("_core", "_folding", "_regex", "_source")

    def __init__(self, source: str, lowered: str | EllipsisType | None = ...) -> None:
        """`lowered` is lowered_pattern(source) when the caller has it (the knowledge cache
        keeps it); by default it is worked out here."""
        self._source = source
        self._folding: re2._Regexp | None = None  # the case-insensitive program, made when needed
        if lowered is ...:
            lowered = lowered_pattern(source)
        self._regex = self._lowered(lowered) if lowered is not None else None
        if self._regex is None:
            self._regex = self._folding = re2.compile(source.encode("utf-8", "surrogatepass"), _OPTIONS)
        self._core = self._regex.groupindex.get(CORE_GROUP.encode(), 0)

    def search(self, text: bytes, start: int = 0, end: int | None = None) -> str | None:
        """The first match (its `core` group when the pattern has one) in folded UTF-8 `text`
        between byte offsets `start` and `end`, or None. The whole text is the match's context:
        `^` and `\\b` see the byte before `start`."""
        regex = self._regex if text.isascii() else self._case_folding()
        found = regex.search(text, start, end)
        if found is None:
            return None
        # a `core` group inside an optional part may have matched nothing
        return (found.group(self._core) or found.group(0)).decode("utf-8", "replace")

    @staticmethod
    def _lowered(lowered: str) -> re2._Regexp | None:
        """The lower-cased pattern compiled case-sensitively; None should RE2 refuse it, so that a
        slip in lower-casing costs speed (the pattern runs as written), never an answer."""
        options = _ASCII_OPTIONS if lowered.isascii() else _LOWERED_OPTIONS
        try:
            return re2.compile(lowered.encode("utf-8", "surrogatepass"), options)
        except re2.error:
            return None

    def _case_folding(self) -> re2._Regexp:
        """The pattern as written, compiled case-insensitively: for text beyond ASCII, where
        case folding pairs letters that lower() leaves apart (ſ and s, K and k)."""
        if self._folding is None:
            self._folding = re2.compile(self._source.encode("utf-8", "surrogatepass"), _OPTIONS)
        return self._folding
