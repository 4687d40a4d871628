"""Spell out the strings a phrase-list regular expression (Perl, /x mode) stands for.

bench/reason_phrases_audit.py reads Sisimai's reason modules at run time; some hold their phrases as
one large alternation. This turns such an expression into sample strings a server could send: each
alternative on its own, an optional part both with and without, a repeated part once, and a
wildcard filled with a plain token ("alice", "user@example.com"). It reads only what those lists
use (groups, alternation, classes, escapes, quantifiers); it is a test-input generator, not a
regular-expression engine.
"""

from __future__ import annotations

from itertools import product

MAX_PER_SEQUENCE = 64  # an alternative with many optional parts keeps at most this many spellings
TOKEN = "\x00"  # stands for a run of non-space characters until the spellings are finished
ESCAPES = {"d": "1", "s": " ", "w": "a", "S": "x", "t": " ", "n": " ", "b": "", "A": "", "z": "", "Z": ""}


def strip_comments(text: str) -> str:
    """Drop /x-mode comments and white space outside character classes."""
    out: list[str] = []
    in_class = escaped = in_comment = False
    for ch in text:
        if in_comment:
            in_comment = ch != "\n"
            continue
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif in_class:
            out.append(ch)
            in_class = ch != "]"
        elif ch == "[":
            out.append(ch)
            in_class = True
        elif ch == "#":
            in_comment = True
        elif not ch.isspace():
            out.append(ch)
    return "".join(out)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def take(self) -> str:
        ch = self.peek()
        self.at += 1
        return ch

    def alternation(self) -> list[str]:
        spellings = self.sequence()
        while self.peek() == "|":
            self.take()
            spellings += self.sequence()
        return spellings

    def sequence(self) -> list[str]:
        spellings = [""]
        while self.peek() not in ("", "|", ")"):
            part = self.quantified(self.atom())
            # only a product of two choices can blow up; a single long alternation is kept whole
            keep = max(MAX_PER_SEQUENCE, len(spellings), len(part))
            spellings = [a + b for a, b in product(spellings, part)][:keep]
        return spellings

    def atom(self) -> list[str]:
        ch = self.take()
        if ch == "(":
            if self.peek() == "?":
                while self.take() not in (":", ">", ""):
                    pass  # (?: (?> (?i: all read as a plain group
            inner = self.alternation()
            self.take()  # ")"
            return inner
        if ch == "[":
            return [self.char_class()]
        if ch == "\\":
            escaped = self.take()
            return [ESCAPES.get(escaped, escaped)]
        if ch == ".":
            return ["x"]
        if ch in "^$":
            return [""]
        return [ch]

    def char_class(self) -> str:
        members: list[str] = []
        negated = self.peek() == "^"
        if negated:
            self.take()
        while (ch := self.take()) not in ("]", ""):
            members.append(ESCAPES.get(self.take(), "x") if ch == "\\" else ch)
        if negated:
            return TOKEN
        return " " if " " in members else members[0] if members else ""

    def quantified(self, part: list[str]) -> list[str]:
        ch = self.peek()
        if ch == "?":
            self.take()
            out = ["", *part]
        elif ch == "*":
            self.take()
            out = [p if p == TOKEN else "" for p in part]
        elif ch == "+":
            self.take()
            out = part
        elif ch == "{" and self.text[self.at + 1 : self.at + 2].isdigit():
            close = self.text.index("}", self.at)
            low = int(self.text[self.at + 1 : close].split(",")[0])
            self.at = close + 1
            out = [p * max(low, 1) for p in part]
        else:
            return part
        if self.peek() in ("?", "+"):
            self.take()  # lazy or possessive: the same strings
        return out


def fill_tokens(spelling: str) -> str:
    """Put a plausible word where the expression allowed any run of non-space characters."""
    spelling = spelling.replace(f"{TOKEN}@{TOKEN}", "user@example.com")
    spelling = spelling.replace(f"{TOKEN}@", "user@").replace(f"@{TOKEN}", "@example.com")
    spelling = spelling.replace(f"<{TOKEN}>", "<user@example.com>")
    return spelling.replace(TOKEN, "alice")


def expand(expression: str) -> list[str]:
    """The sample strings one expression spells, in the order its alternatives are written."""
    reader = _Reader(strip_comments(expression))
    return [fill_tokens(s) for s in reader.alternation()]
