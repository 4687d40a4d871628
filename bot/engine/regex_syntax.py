"""A small parser for the regex syntax that RE2 and Python's `re` read alike.

Knowledge patterns run under RE2 and the engine's GuardedPattern regexes under `re`; both are
read here only to learn what every match must contain and how long it can be (pattern_literals).
The parser knows the syntax the two engines share: characters and escaped punctuation, \\d \\w \\s
and their negations, \\b \\B \\A \\z \\Z, \\t \\n and the other control escapes, \\xHH, classes
with ranges and negation, `.`, `^`, `$`, groups (...) (?:...) (?P<name>...) and flags (?i) (?i:...),
`|`, and the repeats ? * + {m} {m,} {m,n} with their lazy forms. Anything else, or anything the
two engines read differently ({,n}, [[:alpha:]], look-around, back-references, \\p, \\Q), is
refused with a PatternError: a caller then knows nothing about the pattern, which is safe.

The tree has the shape Python's own parser gives, simplifications included, so that the strings
found on it are those tests/data/pattern_literals_snapshot.json records: a non-capturing group
without flags is spliced into the sequence around it, alternatives that all start with the same
character, class or anchor have it moved out in front, and an alternation of single characters
is one class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_REPEAT_COUNT = 1000  # RE2's own limit; `re` allows more, but no pattern here needs it
MAX_NESTING = 100  # groups within groups; keeps the recursion far from Python's limit
FLAG_LETTERS = "ims"  # the inline flags both engines know, none of which changes the text matched
CLASS_ESCAPES = frozenset("dDsSwW")
ANCHOR_ESCAPES = frozenset("bBAzZ")
REPEAT_SIGNS = frozenset("*+?")
COUNTED_REPEAT = re.compile(r"\{(?P<least>[0-9]*)(?P<comma>,?)(?P<most>[0-9]*)\}")
CONTROL_ESCAPES = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


class PatternError(ValueError):
    """The pattern uses syntax this parser does not read, or is malformed."""


@dataclass(frozen=True, slots=True)
class Literal:
    """One character that matches itself."""

    char: str


@dataclass(frozen=True, slots=True)
class CharClass:
    """One character out of a class. Each member is a character ("a"), a range ("a-z") or a class
    escape ("\\\\d"); `.` is the negated class with no members."""

    members: tuple[str, ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class Anchor:
    """A position test that matches no characters: ^ $ \\b \\B \\A \\z \\Z."""

    spelling: str


@dataclass(frozen=True, slots=True)
class Group:
    """A capturing group, or a group with inline flags: its items in sequence."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Alternation:
    """Alternatives, each a sequence of items."""

    options: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True, slots=True)
class Repeat:
    """Its items in sequence, at least `least` and at most `most` times (None: no limit)."""

    items: tuple[Node, ...]
    least: int
    most: int | None


Node = Literal | CharClass | Anchor | Group | Alternation | Repeat


@dataclass(frozen=True, slots=True)
class _Spliced:
    """A plain (?:...) group while its sequence is read: a repeat takes its items, and the
    sequence then takes them in its place."""

    items: tuple[Node, ...]


def parse_regex(source: str) -> tuple[Node, ...]:
    """The items of `source` in sequence; PatternError when the syntax is not one read here."""
    reader = _Reader(source)
    items = reader.alternation(0)
    if reader.pos < len(source):
        raise reader.error("unbalanced parenthesis")
    return items


class _Reader:
    """Recursive descent over the source, one character of look-ahead at a time."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0

    def error(self, what: str) -> PatternError:
        return PatternError(f"{what} at position {self.pos}")

    def peek(self, ahead: int = 0) -> str:
        at = self.pos + ahead
        return self.source[at] if at < len(self.source) else ""

    def take(self, expected: str) -> bool:
        if self.source.startswith(expected, self.pos):
            self.pos += len(expected)
            return True
        return False

    def advance(self) -> str:
        self.pos += 1
        return self.source[self.pos - 1]

    def next_char(self, unterminated: str) -> str:
        char = self.peek()
        if not char:
            raise self.error(unterminated)
        self.pos += 1
        return char

    def alternation(self, depth: int) -> tuple[Node, ...]:
        options = [self.sequence(depth)]
        while self.take("|"):
            options.append(self.sequence(depth))
        return options[0] if len(options) == 1 else _simplified(options)

    def sequence(self, depth: int) -> tuple[Node, ...]:
        items: list[Node | _Spliced | None] = []  # None: inline flags, which nothing may repeat
        while (char := self.peek()) and char not in "|)":
            if char in REPEAT_SIGNS or (char == "{" and self.counted_repeat()):
                previous = items[-1] if items else None
                items[-1] = self.repeat(previous)
            else:
                items.append(self.atom(depth))
        flat: list[Node] = []
        for item in items:
            if isinstance(item, _Spliced):
                flat.extend(item.items)
            elif item is not None:
                flat.append(item)
        return tuple(flat)

    def counted_repeat(self) -> re.Match[str] | None:
        """The {m}, {m,} or {m,n} starting here; None when the `{` is a character to both engines."""
        found = COUNTED_REPEAT.match(self.source, self.pos)
        if found is None or found[0] == "{}":
            return None
        if not found["least"]:  # RE2 reads {,n} as text, `re` as {0,n}
            raise self.error("a repeat without a lower bound")
        return found

    def repeat(self, previous: Node | _Spliced | None) -> Repeat:
        if previous is None or isinstance(previous, (Anchor, Repeat)):
            raise self.error("nothing to repeat")
        least, most = self.repeat_counts()
        self.take("?")  # lazy: the same characters can match
        if self.peek() in REPEAT_SIGNS or (self.peek() == "{" and self.counted_repeat()):
            raise self.error("a repeat of a repeat")
        items = previous.items if isinstance(previous, _Spliced) else (previous,)
        return Repeat(items, least, most)

    def repeat_counts(self) -> tuple[int, int | None]:
        counted = self.counted_repeat() if self.peek() == "{" else None
        if counted is None:
            return {"*": (0, None), "+": (1, None), "?": (0, 1)}[self.advance()]
        self.pos = counted.end()
        written = counted["least"], counted["most"] or ("" if counted["comma"] else counted["least"])
        if any(len(count) > len(str(MAX_REPEAT_COUNT)) for count in written):
            raise self.error(f"a repeat count over {MAX_REPEAT_COUNT}")
        least, most = int(written[0]), int(written[1]) if written[1] else None
        if max(least, most or 0) > MAX_REPEAT_COUNT:
            raise self.error(f"a repeat count over {MAX_REPEAT_COUNT}")
        if most is not None and most < least:
            raise self.error("a repeat's maximum is below its minimum")
        return least, most

    def atom(self, depth: int) -> Node | _Spliced | None:
        char = self.advance()
        if char == "(":
            return self.group(depth + 1)
        if char == "[":
            return self.char_class()
        if char == ".":
            return CharClass((), negated=True)
        if char in "^$":
            return Anchor(char)
        if char == "\\":
            return self.escape()
        return Literal(char)

    def group(self, depth: int) -> Node | _Spliced | None:
        if depth > MAX_NESTING:
            raise self.error("groups nested too deeply")
        spliced = False
        if self.take("?"):
            if self.take("P<"):
                name = self.source[self.pos : max(self.pos, self.source.find(">", self.pos))]
                if not (name.isidentifier() and name.isascii()):
                    raise self.error("a bad group name")
                self.pos += len(name) + 1
            elif self.take(":"):
                spliced = True
            elif self.inline_flags():
                if self.take(")"):
                    return None  # flags for the rest of the pattern; none changes what is read
                if not self.take(":"):
                    raise self.error("an unknown inline flag")
            else:
                raise self.error("look-around, a back-reference or another (? form not read here")
        items = self.alternation(depth)
        if not self.take(")"):
            raise self.error("a group without its )")
        return _Spliced(items) if spliced else Group(items)

    def inline_flags(self) -> bool:
        start = self.pos
        while self.peek() and self.peek() in FLAG_LETTERS + "-":
            self.pos += 1
        return self.pos > start

    def escape(self) -> Node:
        char = self.next_char("a trailing backslash")
        if char in CLASS_ESCAPES:
            return CharClass(("\\" + char,), negated=False)
        if char in ANCHOR_ESCAPES:
            return Anchor("\\" + char)
        return Literal(self.escaped_char(char))

    def escaped_char(self, char: str) -> str:
        """The character that an escape other than a class or an anchor stands for."""
        if char in CONTROL_ESCAPES:
            return CONTROL_ESCAPES[char]
        if char == "x":
            digits = self.source[self.pos : self.pos + 2]
            if len(digits) < 2 or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise self.error("\\x without two hex digits")
            self.pos += 2
            return chr(int(digits, 16))
        if char.isascii() and char.isalnum():
            raise self.error(f"the escape \\{char}, which is not read here")
        return char

    def char_class(self) -> CharClass | Literal:
        negated = self.take("^")
        members: list[str] = []
        while True:
            char = self.next_char("an unterminated character set")
            if char == "]" and members:  # a `]` first in the class is a member
                break
            if char == "[" and self.peek() == ":":
                raise self.error("a [:class:], which RE2 and re read differently")
            first = self.class_item(char)
            if not self.take("-"):
                members.append(first)
                continue
            char = self.next_char("an unterminated character set")
            if char == "]":
                members += [first, "-"]
                break
            last = self.class_item(char)
            if len(first) != 1 or len(last) != 1 or last < first:
                raise self.error("a bad character range")
            members.append(f"{first}-{last}")
        unique = tuple(dict.fromkeys(members))
        if len(unique) == 1 and len(unique[0]) == 1 and not negated:
            return Literal(unique[0])
        return CharClass(unique, negated)

    def class_item(self, char: str) -> str:
        """A class member: one character, or a class escape such as "\\\\d"."""
        if char != "\\":
            return char
        char = self.next_char("a trailing backslash")
        if char in CLASS_ESCAPES:
            return "\\" + char
        if char == "b":  # a backspace to `re`, an error to RE2
            raise self.error("\\b in a class")
        return self.escaped_char(char)


def _simplified(options: list[tuple[Node, ...]]) -> tuple[Node, ...]:
    """An alternation as Python's parser leaves it: a character, class or anchor that starts
    every option moved out in front, and options of single characters made one class."""
    prefix: list[Node] = []
    while all(options) and isinstance(options[0][0], (Literal, CharClass, Anchor)):
        if any(option[0] != options[0][0] for option in options):
            break
        prefix.append(options[0][0])
        options = [option[1:] for option in options]
    members: list[str] = []
    for option in options:
        if len(option) != 1:
            break
        item = option[0]
        if isinstance(item, Literal):
            members.append(item.char)
        elif isinstance(item, CharClass) and not item.negated:
            members.extend(item.members)
        else:
            break
    else:
        return (*prefix, CharClass(tuple(dict.fromkeys(members)), negated=False))
    return (*prefix, Alternation(tuple(options)))
