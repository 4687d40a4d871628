"""PowerMTA accounting records (CSV): a bounce (`b`) or transient (`t`) row per recipient.

PowerMTA writes one accounting record per recipient, as CSV, with the record type first: `d`
delivered, `b` bounced, `t` transient failure (a deferral), `r` received, `f` feedback loop. The
fields of a `b` record, in the default order, are type, timeLogged, timeQueued, orig, rcpt,
orcpt, dsnAction, dsnStatus, dsnDiag, dsnMta, bounceCat, srcType, srcMta, dlvType, ...
(PowerMTA User's Guide, "Accounting records"; the same order is listed at
https://mailrelay.com/es/api-documentation/appendix/2). A paste may carry the file's header row,
which names the fields and wins over the default order. `orig` is the sender: only `rcpt`
names the recipient. dsnDiag holds the remote server's reply (`smtp;550 5.1.1 ...`), dsnStatus
the status with PowerMTA's words for it (`5.0.0 (undefined status)`), bounceCat its category.
"""

from __future__ import annotations

import re

from ..incident import Incident, incident_from_text
from ..model import ENHANCED_CODE

DEFAULT_FIELDS = (
    "type", "timeLogged", "timeQueued", "orig", "rcpt", "orcpt",
    "dsnAction", "dsnStatus", "dsnDiag", "dsnMta", "bounceCat",
)  # fmt: skip
# A failed or transient row: its type, then (in the default order) a time such as
# 2026-12-07 10:14:02+0000; under a header row, its type alone. A row is only taken for
# PowerMTA's when its fields line up (see _record).
ROW_TYPE = r"(?m)^(?:b|t|bounce|transient),"
ROW_START = ROW_TYPE + r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d"
HEADER = r"(?m)^type,[a-zA-Z]{1,40},"
TYPES = {"b": "failed", "bounce": "failed", "t": "delayed", "transient": "delayed"}
ACTIONS = ("failed", "delayed")
MAX_RECORDS = 400
MAX_ROW_CHARS = 8000
KIND = "log"


def detect(text: str) -> bool:
    head = text[:20000]
    return bool(re.search(ROW_START, head) or (re.search(HEADER, head) and re.search(ROW_TYPE, head)))


def parse(text: str, explicit: bool) -> list[Incident]:
    import csv  # imported here: only a PowerMTA paste gets this far, and every start-up would pay for it

    fields: tuple[str, ...] = DEFAULT_FIELDS
    header = False
    out: list[Incident] = []
    for line in text.split("\n"):
        if len(out) >= MAX_RECORDS:
            break
        if re.match(HEADER, line):
            fields, header = tuple(next(csv.reader([line.strip()]))), True
            continue
        if not re.match(ROW_TYPE if header else ROW_START, line) or len(line) > MAX_ROW_CHARS:
            continue
        cells = _rejoined(next(csv.reader([line.strip()])))
        incident = _record(dict(zip(fields, cells, strict=False)))
        if incident is not None:
            out.append(incident)
    return out


def _rejoined(cells: list[str]) -> list[str]:
    """The cells with a bracketed remark split by its own comma put back together: PowerMTA
    quotes such a field ("5.7.1 (delivery not authorized, message refused)"), but a copy from a
    viewer or a spreadsheet may have lost the quotes."""
    out: list[str] = []
    open_cell = False
    for cell in cells:
        if open_cell:
            out[-1] += "," + cell
        else:
            out.append(cell)
        open_cell = out[-1].count("(") > out[-1].count(")")
    return out


def _record(row: dict[str, str]) -> Incident | None:
    """The row's failure, when its fields are where PowerMTA puts them: a recipient address in
    rcpt and a status in dsnStatus."""
    rcpt = row.get("rcpt", "").strip()
    status = re.match(ENHANCED_CODE, row.get("dsnStatus", "").strip())
    if "@" not in rcpt or status is None:
        return None
    action = row.get("dsnAction", "").strip().lower()
    action = action if action in ACTIONS else TYPES[row["type"]]
    diagnostic = row.get("dsnDiag", "").strip()
    # "smtp;550 ..." names the kind of diagnostic, as RFC 3464's Diagnostic-Code does
    diagnostic = re.sub(r"^(?:smtp|x-[\w-]{1,40});\s*", "", diagnostic, flags=re.I)
    incident = incident_from_text(diagnostic, "log", True, recipient=rcpt, action=action, structured=True)
    code, found = status.group(0), incident.enhanced_code
    if found is None or (found.endswith(".0.0") and not code.endswith(".0.0")):
        incident.enhanced_code = code
    host = row.get("dsnMta", "").strip().split(" ")[0].rstrip(".").lower()
    if "." in host and incident.remote_mta is None:
        incident.remote_mta = host
    incident.strong_code = True
    return incident
