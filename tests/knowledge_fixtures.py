"""Knowledge entries as TOML text, for tests that write their own knowledge folder."""

from __future__ import annotations


def entry_toml(
    eid: str,
    *,
    phrases: list[str] | None = None,
    codes: list[str] | None = None,
    reason: str = "rejected",
    examples: list[str] | None = None,
    extra: str = "",
) -> str:
    lines = ["[[entry]]", f'id = "{eid}"', f'title = "Entry {eid}"', f'reason = "{reason}"']
    if codes is not None:
        lines.append("codes = [" + ", ".join(f'"{c}"' for c in codes) + "]")
    if phrases is not None:
        lines.append("phrases = [" + ", ".join(f'"{p}"' for p in phrases) + "]")
    lines += [
        'permanence = "permanent"',
        'retry = "No."',
        'who = "sender"',
        'meaning = "Something specific happened."',
        'sender_fix = ["Do the specific thing."]',
        'references = ["RFC 5321"]',
    ]
    example_list = examples if examples is not None else [f"550 5.7.1 {(phrases or codes or ['x'])[0]}"]
    lines.append("examples = [" + ", ".join(f'"{e}"' for e in example_list) + "]")
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n\n"
