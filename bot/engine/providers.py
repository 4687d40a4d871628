"""Recognise the provider or product behind a text from host names, tags, code formats and URLs."""

from __future__ import annotations

import re

from .literal_index import LiteralIndex
from .model import Provider

HOST_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789.-"
HOST_CHARS = frozenset(HOST_CHARACTERS)
HOST_REACH = 256  # longer than a host name: the run of host characters is read back in such steps
REGEX_SYNTAX = frozenset("\\[](){}.*+?|^$")


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def leading_literal(pattern: str) -> str:
    """The lower-cased text every match of a code format begins with: `AUP#` of `AUP#[A-Z]{2,6}`,
    `as(` of `AS\\(\\d+\\)`."""
    literal = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern) and not pattern[i + 1].isalnum():
            ch, i = pattern[i + 1], i + 2  # an escaped sign stands for itself
        elif pattern[i] in REGEX_SYNTAX:
            break
        else:
            ch, i = pattern[i], i + 1
        if pattern[i : i + 1] in ("*", "?", "{"):
            break  # a quantifier may leave it out
        literal.append(ch)
    return "".join(literal).lower()


class ProviderIndex:
    """URLs, tags, code formats and host names of every provider, found in one pass over the
    lower-cased text."""

    def __init__(self, providers: list[Provider]) -> None:
        self._by_suffix: dict[str, str] = {}
        urls: dict[str, tuple[int, str]] = {}
        tags: dict[str, str] = {}
        # a code format's regex is compiled on the first text holding its leading string (re
        # keeps it): few texts hold one
        formats: dict[str, list[tuple[str, str]]] = {}
        for provider in providers:
            for code_format in provider.formats:
                formats.setdefault(leading_literal(code_format), []).append((code_format, provider.name))
            for host in provider.hosts:
                self._by_suffix.setdefault(host.lower(), provider.name)
            for url in provider.urls:
                urls.setdefault(url.lower(), (len(urls), provider.name))
            for tag in provider.tags:
                tags.setdefault(tag.lower(), provider.name)
        self._urls = urls
        self._tags = tags
        self._formats = formats
        # one string may be a URL, a tag and a host at once: each kind is read from the same hit
        self._index = LiteralIndex(sorted({*urls, *tags, *formats, *self._by_suffix}))
        self.names = sorted({p.name for p in providers})
        self._blocklists = frozenset(p.name for p in providers if p.blocklist)
        self._operators = frozenset(p.name for p in providers if p.hosts)

    def from_host(self, host: str | None) -> str | None:
        if not host:
            return None
        # the host itself, then each shorter suffix of two labels or more
        suffix = host.lower().strip(".[]")
        while "." in suffix:
            name = self._by_suffix.get(suffix)
            if name:
                return name
            suffix = suffix.split(".", 1)[1]
        return None

    def operator_in(self, text: str) -> str | None:
        """The provider named in the text if it runs mail servers of its own (has host names):
        mail server software (Postfix, qmail) names only the program that wrote a text."""
        name = self.detect(text)
        return name if name in self._operators else None

    def detect(self, text: str) -> str | None:
        """The provider named in the text: by the first URL of the list found anywhere, else by
        the first tag or code format standing as a word, else by the first host name ending in
        a provider's.

        A blocklist is named only when no other provider is: a reply that names one is about
        what the receiving server consulted ("blocked using Spamhaus"), while the server's own
        host names and tags say whose reply it is."""
        lowered = text.lower()
        occurrences = self._index.occurrences(lowered)
        if not occurrences:
            return None  # most texts name no provider
        strings = self._index.strings
        # [URL, tag, host] found so far: for the other providers, then for the blocklists
        found: tuple[list, list] = ([None, None, None], [None, None, None])
        for index, start, end in occurrences:
            string = strings[index]
            if string in self._urls:
                url = found[self._urls[string][1] in self._blocklists]
                url[0] = min(url[0] or self._urls[string], self._urls[string])
            if string in self._tags and self._stands_alone(lowered, start, end):
                tag = found[self._tags[string] in self._blocklists]
                tag[1] = min(
                    tag[1] or (start, -len(string), self._tags[string]),
                    (start, -len(string), self._tags[string]),
                )
            for code_format, name in self._formats.get(string, ()):
                m = re.compile(code_format, re.I).match(lowered, start)
                if m and self._stands_alone(lowered, start, m.end()):
                    tag = found[name in self._blocklists]
                    tag[1] = min(tag[1] or (start, start - m.end(), name), (start, start - m.end(), name))
            if string in self._by_suffix:
                host_start = self._host_start(lowered, start, end)
                if host_start is not None:
                    host = found[self._by_suffix[string] in self._blocklists]
                    host[2] = min(host[2] or (host_start, start, string), (host_start, start, string))
        for url, tag, host in found:
            if url:
                return url[1]
            if tag:
                return tag[2]
            if host:
                return self._by_suffix[host[2]]
        return None

    @staticmethod
    def _stands_alone(text: str, start: int, end: int) -> bool:
        """Not part of a longer word or hyphenated name."""
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        return not (_word_char(before) or before == "-" or _word_char(after) or after == "-")

    @staticmethod
    def _host_start(text: str, start: int, end: int) -> int | None:
        """Where the host name ending in text[start:end] begins, if that string is its last
        labels and the host is not the domain of a mail address."""
        after = text[end] if end < len(text) else " "
        if _word_char(after) or (after == "." and text[end + 1 : end + 2].isalnum()):
            return None  # the host goes on: "google.com.example.net"
        if start and text[start - 1] != "." and text[start - 1] in HOST_CHARS:
            return None  # not label-aligned: "notgoogle.com"
        first = _run_start(text, start)
        before = text[first - 1] if first else " "
        if _word_char(before) or before == "@" or text[first] in ".-":
            return None  # a mail address's domain, glued to a word, or no host name at all
        return first


def _run_start(text: str, end: int) -> int:
    """Where the run of host name characters that ends at `end` begins: stripped off a slice of
    the text at a time (rstrip reads in C what a loop would read one character at a time),
    going further back only while a whole slice is such characters."""
    first = end
    while first:
        lead = max(0, first - HOST_REACH)
        kept = len(text[lead:first].rstrip(HOST_CHARACTERS))
        first = lead + kept
        if kept:
            break
    return first
