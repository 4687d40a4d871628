"""Whether a bounce keeps its answer when it reaches us encoded, wrapped or pasted another way.

    .venv/bin/python bench/bounce_variants.py              # agreement per form
    .venv/bin/python bench/bounce_variants.py --misses 5   # and the first five disagreements of each
    .venv/bin/python bench/bounce_variants.py --limit 40   # the first 40 emails of each corpus

Real bounces differ from ours in ways that do not change what they say: line endings, transfer
encodings, folding, charsets, where the report sits in the MIME tree, how a person pasted it into
Slack. For every email of the corpora, smtpbot's own answer on the original (per finding: recipient,
reason, status, reply code, hard/soft) is compared with its answers on each form below (made by
bench/bounce_forms.py and bench/bounce_pastes.py). Forms that keep everything the email says
must keep the answer; the pasted forms lose the header block (a recipient or a cause may be
named only there) and are scored apart.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import bounce_forms  # noqa: E402  (bench/ is on the path only from here)
import bounce_pastes  # noqa: E402

from bot.engine import Engine  # noqa: E402
from bot.engine.model import Explanation  # noqa: E402
from bot.slack.mrkdwn import message_text  # noqa: E402

CORPORA = (
    REPO.parent / "shared" / "corpus" / "sisimai-dev",
    REPO / "bench" / "corpus-mta",
    REPO / "bench" / "corpus-heldout",
)
FIELDS = ("recipients", "reason", "status", "reply", "hard/soft")


@dataclass(frozen=True, slots=True)
class Form:
    """A rewrite, how the engine gets its result, and whether it keeps all the email says."""

    make: Callable[[str], bytes | str | None]
    via: str  # "file": the bytes, as `smtpbot explain --files`; "paste": the text, as the CLI's
    # stdin; "slack": a message event's text, through the Slack layer as the bot reads it
    lossless: bool = True


FORMS: dict[str, Form] = {
    "crlf": Form(bounce_forms.crlf, "file"),
    "trailing-space": Form(bounce_forms.trailing_space, "file"),
    "header-lower": Form(bounce_forms.each_block(bounce_forms.lower_names), "file"),
    "header-upper": Form(bounce_forms.each_block(bounce_forms.upper_names), "file"),
    "unfolded": Form(bounce_forms.each_block(bounce_forms.unfold), "file"),
    "refolded": Form(bounce_forms.each_block(bounce_forms.refold), "file"),
    "quoted-printable": Form(bounce_forms.transfer_encoded("quoted-printable"), "file"),
    "base64": Form(bounce_forms.transfer_encoded("base64"), "file"),
    "html-only": Form(bounce_forms.html_report, "file"),
    "iso-8859-1": Form(bounce_forms.declared("iso-8859-1"), "file"),
    "windows-1252": Form(bounce_forms.declared("windows-1252"), "file"),
    "utf-8": Form(bounce_forms.declared("utf-8"), "file"),
    "forwarded": Form(bounce_forms.forwarded, "file"),
    "slack-source": Form(bounce_pastes.slack_source, "slack"),
    # the header block is gone: its To, Subject and X-Failed-Recipients may have been the only
    # place a recipient or a cause was named
    "pasted-body": Form(bounce_pastes.pasted, "paste", lossless=False),
    "slack-pasted": Form(bounce_pastes.slack_pasted, "slack", lossless=False),
    "slack-fenced": Form(bounce_pastes.slack_fenced, "slack", lossless=False),
}


@dataclass(frozen=True, slots=True)
class Answer:
    """The findings of one explanation as (recipient, reason, status, reply code, bounce)."""

    findings: tuple[tuple[str, str, str, str, str], ...]

    @classmethod
    def of(cls, explanation: Explanation) -> Answer:
        return cls(
            tuple(
                (
                    (f.recipient or "").lower(),
                    f.reason,
                    f.enhanced_code or "",
                    f.reply_code or "",
                    f.bounce,
                )
                for f in explanation.findings
            )
        )

    def field(self, name: str) -> object:
        """One field of the answer: every finding's recipient, or the first finding's other fields."""
        if name == "recipients":
            return frozenset(f[0] for f in self.findings if f[0])
        first = self.findings[0] if self.findings else ("", "", "", "", "")
        return first[FIELDS.index(name)]

    def __str__(self) -> str:
        if not self.findings:
            return "(no finding)"
        return "; ".join(" ".join(x or "-" for x in f) for f in self.findings[:4])


@dataclass(frozen=True, slots=True)
class Check:
    email: str
    form: str
    want: Answer
    got: Answer
    shown: str = ""  # the variant's text as the engine read it, lower case (lossy forms only)

    @property
    def holds(self) -> bool:
        return self.got == self.want

    def holds_for(self, name: str) -> bool:
        return self.got.field(name) == self.want.field(name)

    @property
    def holds_what_is_shown(self) -> bool:
        """The answer is the same in every field whose value the text still holds: a recipient,
        status or reply code that the paste does not contain anywhere cannot be read from it.
        Reason and hard/soft are not written out as such and always count."""
        want, got = self.want, self.got
        if self.holds:
            return True
        if want.field("reason") != got.field("reason") or want.field("hard/soft") != got.field("hard/soft"):
            return False
        for name in ("status", "reply"):
            value = str(want.field(name))
            if got.field(name) != value and (not value or value in self.shown):
                return False
        wanted, found = want.field("recipients"), got.field("recipients")
        assert isinstance(wanted, frozenset) and isinstance(found, frozenset)
        shown = {r for r in wanted if r in self.shown}
        # when a recipient is not shown, the paste may name another in its place (the alias or
        # the returned message's addressee); every recipient it shows must still be found
        return shown <= found and (found <= wanted or shown != wanted)


def emails(corpora: Sequence[Path], limit: int | None = None) -> list[Path]:
    """Every email file of each corpus (not the sending services' JSON payloads)."""
    out = []
    for corpus in corpora:
        found = sorted(corpus.rglob("*.eml"))
        out.extend(found[:limit] if limit else found)
    return out


def answer(engine: Engine, variant: bytes | str, via: str = "file") -> Answer:
    """The engine's answer on a file's bytes or a pasted text; a Slack message's text goes
    through the Slack layer first, as the bot hands it to the engine."""
    return Answer.of(engine.explain(engine_input(variant, via), "explicit"))


def engine_input(variant: bytes | str, via: str) -> bytes | str:
    return message_text({"type": "message", "text": variant}) if via == "slack" else variant


def checks(engine: Engine, paths: Sequence[Path], forms: Sequence[str] | None = None) -> list[Check]:
    names = list(forms or FORMS)
    out = []
    for path in paths:
        data = path.read_bytes()
        want = answer(engine, data)
        text = data.replace(b"\r\n", b"\n").decode("latin-1")
        for name in names:
            form = FORMS[name]
            variant = form.make(text)
            if variant is None:
                continue
            got = answer(engine, variant, form.via)
            shown = "" if form.lossless else str(engine_input(variant, form.via)).lower()
            out.append(Check(_label(path), name, want, got, shown))
    return out


def _label(path: Path) -> str:
    for corpus in CORPORA:
        if path.is_relative_to(corpus):
            return f"{corpus.name}/{path.relative_to(corpus)}"
    return str(path)


def share(hits: int, total: int) -> str:
    return f"{100.0 * hits / total:5.1f}%" if total else "    -"


def table(found: Sequence[Check]) -> list[str]:
    by_form: dict[str, list[Check]] = {name: [] for name in FORMS}
    for c in found:
        by_form[c.form].append(c)
    width = max(len(name) for name in by_form) + 2
    head = f"{'form':<{width}}{'emails':>7}  {'same':>6}" + "".join(f"  {f:>10}" for f in FIELDS)
    lines = [head]
    for lossless in (True, False):
        if not lossless:
            lines.append("without the header block (lossy: a recipient or cause may be named only there;")
            shown = "'as shown': the same in every field whose value the paste still holds)"
            lines.append(f"{shown:<{len(head)}}  {'as shown':>8}")
        rows = [(n, cs) for n, cs in by_form.items() if FORMS[n].lossless is lossless and cs]
        for name, cs in rows:
            cells = "".join(f"  {share(sum(c.holds_for(f) for c in cs), len(cs)):>10}" for f in FIELDS)
            row = f"{name:<{width}}{len(cs):>7}  {share(sum(c.holds for c in cs), len(cs))}{cells}"
            if not lossless:
                row += f"    {share(sum(c.holds_what_is_shown for c in cs), len(cs))}"
            lines.append(row)
    return lines


def disagreements(found: Sequence[Check], per_form: int) -> list[str]:
    lines: list[str] = []
    for name in FORMS:
        missed = [c for c in found if c.form == name and not c.holds]
        for c in missed[:per_form]:
            shown = "" if FORMS[name].lossless or not c.holds_what_is_shown else " (not in the paste)"
            lines.append(f"{name} {c.email}{shown}\n    want {c.want}\n    got  {c.got}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--misses", type=int, default=0, metavar="N", help="first N disagreements per form")
    parser.add_argument("--limit", type=int, default=None, help="first N emails of each corpus")
    parser.add_argument("--form", action="append", choices=list(FORMS), help="only these forms")
    parser.add_argument("corpus", nargs="*", type=Path, help="folders of emails (default: the three corpora)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = emails(args.corpus or [c for c in CORPORA if c.is_dir()], args.limit)
    found = checks(Engine.load(), paths, args.form)
    print(f"{len(paths)} emails, {len(found)} variants, {time.perf_counter() - started:.0f} s")
    print("\n".join(table(found)))
    if args.misses:
        print("\n" + "\n".join(disagreements(found, args.misses)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
