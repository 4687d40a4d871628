"""Live diagnosis: read the DNS behind a bounce (MX, SPF, DMARC, DKIM, PTR, DNSBLs, MTA-STS).

Plain Python with no Slack in it: a target in, a `Diagnosis` out. `Diagnoser` runs the checks;
`targets` turns a domain, an IP, an address or a pasted bounce into what to check.
"""

from .model import CHECKS, STATUSES, CheckResult, Diagnosis, Subjects
from .runner import MODES, DiagnoseConfig, Diagnoser

__all__ = [
    "CHECKS",
    "MODES",
    "STATUSES",
    "CheckResult",
    "DiagnoseConfig",
    "Diagnoser",
    "Diagnosis",
    "Subjects",
]
