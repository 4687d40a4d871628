"""`Authentication-Results` fields (RFC 8601) read with the `authres` library, one result at a time.

A field is first cut at its top-level semicolons by a linear scanner (comments and quoted strings
respected), then each result is given to authres on its own: one malformed result does not cost
the others, Microsoft's fields (which leave out the authserv-id) read like anyone's, and the
comments authres drops (Gmail's `(p=REJECT sp=NONE dis=NONE)`) and Microsoft's `action=` stay
available. Which of the fields to believe is trust.py's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .received import scan

MAX_RESULTS = 40
MAX_COMMENT_DEPTH = 6  # deeper nesting is no real header's, and authres parses comments recursively
METHODS_WITHOUT_ID = ("spf=", "dkim=", "dmarc=", "compauth=", "arc=", "auth=")


@dataclass(frozen=True, slots=True)
class Result:
    """One method's result: `dkim=pass header.d=example.com header.s=s1`."""

    method: str
    result: str
    properties: dict[str, str] = field(default_factory=dict)  # "header.d" -> "example.com"
    reason: str | None = None
    comments: tuple[str, ...] = ()
    extras: dict[str, str] = field(default_factory=dict)  # key=value words outside RFC 8601's grammar

    def prop(self, *names: str) -> str | None:
        return next((self.properties[n] for n in names if self.properties.get(n)), None)


@dataclass(frozen=True, slots=True)
class AuthField:
    index: int  # position of the field in the header, 0 the topmost
    authserv_id: str | None
    results: tuple[Result, ...]

    def first(self, method: str) -> Result | None:
        return next((r for r in self.results if r.method == method), None)


def split_top_level(value: str, separator: str = ";") -> list[str]:
    """`value` cut at separators outside comments and quoted strings."""
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    escaped = False
    for i, ch in enumerate(value):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif ch == separator and depth == 0:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return [p.strip() for p in parts]


def _depth(text: str) -> int:
    deepest = depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")" and depth:
            depth -= 1
    return deepest


def parse_field(index: int, value: str) -> AuthField | None:
    """One Authentication-Results value (or an ARC-Authentication-Results one without `i=`)."""
    parts = split_top_level(value)
    head = parts[0]
    if head.lower().startswith(METHODS_WITHOUT_ID) or "=" in _words(head):
        authserv_id, resinfos = None, parts  # Microsoft 365 writes no authserv-id
    else:
        words = _words(head).split()
        authserv_id, resinfos = (words[0].lower() if words else None), parts[1:]
    results = []
    for resinfo in resinfos[:MAX_RESULTS]:
        result = parse_result(resinfo)
        if result is not None:
            results.append(result)
    if authserv_id is None and not results:
        return None
    return AuthField(index, authserv_id, tuple(results))


def _words(text: str) -> str:
    return " ".join(text for kind, text in scan(text) if kind == "word")


def parse_result(resinfo: str) -> Result | None:
    """One `method=result props...` part; None when it is empty, `none` or unreadable."""
    if not resinfo or resinfo.lower() == "none" or _depth(resinfo) > MAX_COMMENT_DEPTH:
        return None
    import authres  # loaded on first use: only a header paste needs it

    try:
        parsed = authres.AuthenticationResultsHeader.parse_value("x; " + resinfo).results
    except (authres.AuthResError, ValueError, RecursionError):
        parsed = []
    tokens = scan(resinfo)
    comments = tuple(" ".join(text.split()) for kind, text in tokens if kind == "comment")
    extras = {}
    for kind, text in tokens[1:]:
        key, eq, val = text.partition("=")
        if kind == "word" and eq and "." not in key and key.isalpha():
            extras[key.lower()] = val.strip(";").lower()
    if not parsed:
        method, eq, result = (tokens[0][1] if tokens else "").partition("=")
        if not eq or not result.strip() or not method.replace("-", "").isalnum():
            return None
        return Result(method.lower(), result.lower(), comments=comments, extras=extras)
    one = parsed[0]
    properties = {f"{p.type.lower()}.{p.name.lower()}": str(p.value) for p in one.properties}
    return Result(
        method=str(one.method).lower(),
        result=str(one.result).lower(),
        properties=properties,
        reason=str(one.reason) if one.reason else None,
        comments=comments,
        extras=extras,
    )


def comment_value(result: Result, key: str) -> str | None:
    """`key=value` from a result's comments: `p` from Gmail's `(p=REJECT sp=NONE dis=NONE)`."""
    for comment in result.comments:
        for word in comment.replace(",", " ").split():
            name, eq, value = word.partition("=")
            if eq and name.lower() == key:
                return value.strip(";").lower()
    return None
