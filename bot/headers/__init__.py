"""Message header analysis: "why did this land in spam, or arrive late?". No Slack in here.

`analyse(text)` reads a pasted header block and returns a `HeaderReport`; `looks_like_headers`
is the cheap test the engine runs first.
"""

from .detect import looks_like_headers
from .report import HeaderReport, analyse
from .verdict import Verdict

__all__ = ["HeaderReport", "Verdict", "analyse", "looks_like_headers"]
