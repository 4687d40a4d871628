"""A bare code or two: `452`, `5.7.1`, `550 5.1.1`, perhaps with a question mark."""

from __future__ import annotations

import re

from ..incident import Incident
from ..model import ENHANCED_CODE
from . import freetext

KIND = "code"
CODE = rf"(?:[245]\d\d|{ENHANCED_CODE})"
# compiled on first use by re (which keeps it): an email is never a bare code
BARE_CODE = rf"^\s*{CODE}(?:\s+{CODE})?\s*\??\s*$"


def detect(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) < 40 and bool(re.match(BARE_CODE, stripped))


def parse(text: str, explicit: bool) -> list[Incident]:
    # a code on its own is asked about on purpose, in any mode
    return freetext.incidents(text.strip(), explicit=True, kind="code")
