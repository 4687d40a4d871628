"""Recognise the provider or product behind a text from host names, tags and URLs."""

from __future__ import annotations

import re

from .model import Provider
from .text import HOST_RE


class ProviderIndex:
    def __init__(self, providers: list[Provider]) -> None:
        self._by_suffix: dict[str, str] = {}
        self._urls: list[tuple[str, str]] = []
        tags: dict[str, str] = {}
        for provider in providers:
            for host in provider.hosts:
                self._by_suffix.setdefault(host, provider.name)
            for url in provider.urls:
                self._urls.append((url, provider.name))
            for tag in provider.tags:
                tags.setdefault(tag.lower(), provider.name)
        self._tags = tags
        self._tag_re = (
            re.compile(
                r"(?<![\w-])(" + "|".join(map(re.escape, sorted(tags, key=len, reverse=True))) + r")(?![\w-])"
            )
            if tags
            else None
        )
        self.names = sorted({p.name for p in providers})

    def from_host(self, host: str | None) -> str | None:
        if not host:
            return None
        labels = host.lower().strip(".[]").split(".")
        for i in range(len(labels) - 1):
            name = self._by_suffix.get(".".join(labels[i:]))
            if name:
                return name
        return None

    def detect(self, text: str) -> str | None:
        """The first provider named in the text by URL, tag or host name, in that order."""
        lowered = text.lower()
        for url, name in self._urls:
            if url in lowered:
                return name
        if self._tag_re:
            m = self._tag_re.search(lowered)
            if m:
                return self._tags[m.group(1)]
        for m in HOST_RE.finditer(text):
            name = self.from_host(m.group(1))
            if name:
                return name
        return None
