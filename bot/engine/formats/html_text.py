"""An HTML part as the text a mail client shows: lines where the markup breaks them.

A bounce sent as HTML only (Outlook, web mail gateways, some providers' notices) carries the same
report as a plain-text one: the recipients, each on a line, and the server's reply. Read as
plain text with its tags taken out, its source line breaks and indentation would stand where
the formats look for lines (a recipient's line, a folded reply, a paragraph's end), and its
`<br>` and `<p>` breaks would be lost. So the text is laid out as a browser lays it out: runs
of white space in the source are one space, block tags break lines (a paragraph leaves a blank
line), inline tags leave nothing, `<pre>` keeps its own lines, and `&nbsp;` is a plain space.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..normalize import lower_keeping_positions

# Tags longer than this are no tags; `[^<>]` also stops each try at the next `<`, so a text full
# of unclosed `<` is read once. Each kind of tag is one substitution with a fixed replacement:
# a callback per tag would cost a Python call for each of a page's hundreds of tags. Only an
# HTML part needs these: they are sources, compiled on first use by re (which keeps them).
PARAGRAPH_TAG = r"(?i)</?(?:p|h[1-6]|blockquote|pre)\b[^<>]{0,2000}>"
LINE_TAG = r"(?i)</?(?:br|div|tr|li|table|tbody|ul|ol|hr|center|dd|dt)\b[^<>]{0,2000}>"
CELL_TAG = r"(?i)<(?:td|th)\b[^<>]{0,2000}>"
ANY_TAG = r"</?[a-zA-Z!][^<>]{0,2000}>"
# Elements whose content is never shown, and comments: (start, end) marks, found by plain search.
HIDDEN = (("<head>", "</head>"), ("<style", "</style>"), ("<script", "</script>"), ("<!--", "-->"))
BLANK_LINES = r"\n{3,}"
# where a <pre> block's own line breaks and spaces stand while the rest is laid out
PRE_BREAK, PRE_SPACE = "\ue000", "\ue001"


def visible_text(source: str) -> str:
    """The text of an HTML document laid out in lines, entities decoded."""
    import html  # its entity table is large and only an HTML body needs it

    # lower-cased once: taking a run out of both keeps their positions in step
    lowered = lower_keeping_positions(source)
    for start, end in HIDDEN:
        source, lowered = _without(source, lowered, start, end, _keep_nothing)
    source, _ = _without(source, lowered, "<pre", "</pre>", _keep_pre_lines)
    if "\xa0" in source:
        source = source.replace("\xa0", "&nbsp;")  # a no-break space is no white space to collapse
    # runs of white space are one space: str.split's white space is HTML's and a little more
    # (U+3000), which the formats fold as white space anyway
    laid_out = " ".join(source.split())
    laid_out = re.sub(PARAGRAPH_TAG, "\n\n", laid_out)
    laid_out = re.sub(ANY_TAG, "", re.sub(CELL_TAG, " ", re.sub(LINE_TAG, "\n", laid_out)))
    # no line starts or ends with the blanks around a tag (a line that starts with one would read
    # as a folded continuation); a <pre> block's own blanks are kept
    laid_out = "\n".join(line.strip(" ") for line in laid_out.split("\n"))
    laid_out = laid_out.replace(PRE_BREAK, "\n").replace(PRE_SPACE, " ")
    # the tags go before the entities, so that an escaped "&lt;a@example.com&gt;" becomes the
    # angle address a report lists, not a tag; a no-break space is a space to every reader
    text = html.unescape(re.sub(BLANK_LINES, "\n\n", laid_out)).replace("\xa0", " ")
    return text.strip("\n ") + "\n"


def _without(source: str, lowered: str, start: str, end: str, keep: Callable[[str], str]) -> tuple[str, str]:
    """The source with each run from `start` to `end` (any case) given to `keep`, and its
    lower-cased copy (lower_keeping_positions) changed alike; an element never closed runs to
    the end. Plain string search: one pass over the text."""
    if start not in lowered:
        return source, lowered
    out, out_lowered, pos = [], [], 0
    opening = lowered.find(start)
    while opening >= 0:
        closing = lowered.find(end, opening + len(start))
        stop = len(source) if closing < 0 else closing + len(end)
        out.append(source[pos:opening] + keep(source[opening:stop]))
        out_lowered.append(lowered[pos:opening] + keep(lowered[opening:stop]))
        pos = stop
        opening = lowered.find(start, stop) if closing >= 0 else -1
    out.append(source[pos:])
    out_lowered.append(lowered[pos:])
    return "".join(out), "".join(out_lowered)


def _keep_nothing(run: str) -> str:
    return ""


def _keep_pre_lines(run: str) -> str:
    return run.replace("\n", PRE_BREAK).replace(" ", PRE_SPACE).replace("\t", PRE_SPACE)
