"""A header paste in, a `HeaderReport` out: the chain, the receiver's own results, alignment and
the verdicts, best explanation first. `analyse` is the package's one entry point."""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import checks
from .authresults import AuthField, Result, comment_value, parse_field, split_top_level
from .domains import aligned, clean_domain, from_domain
from .fields import Field, first, read_fields
from .received import Hop, date_field, read_hops
from .trust import Zone, receiving_zone, trusted, written_by_receiver
from .vendors import spam_verdicts
from .verdict import Verdict

# Microsoft's `action=` is what it did on a DMARC failure; the policy it implies
MS_ACTIONS = {"reject": "reject", "oreject": "reject", "quarantine": "quarantine",
              "pct.quarantine": "quarantine", "pct.reject": "reject", "none": "none"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Dkim:
    result: str
    domain: str | None
    selector: str | None


@dataclass(frozen=True, slots=True)
class Auth:
    """The receiving side's results: the topmost trusted result of each method."""

    spf: Result | None = None
    spf_domain: str | None = None
    dkim: tuple[Dkim, ...] = ()
    dmarc: Result | None = None
    dmarc_policy: str | None = None
    arc: Result | None = None
    compauth: Result | None = None
    authserv_id: str | None = None
    ignored: int = 0  # Authentication-Results fields not believed (below the receiver's)


@dataclass(frozen=True, slots=True)
class HeaderReport:
    hops: tuple[Hop, ...]
    auth: Auth
    from_domain: str | None
    spf_aligned: bool | None
    dkim_aligned: bool | None
    verdicts: tuple[Verdict, ...]
    sending_ip: str | None  # the entry hop's client: what SPF and IP reputation judge
    fields: tuple[Field, ...] = ()

    @property
    def domains(self) -> tuple[str, ...]:
        """Domains a live check could look at (SPF, DKIM and DMARC records): From, envelope, d=."""
        names = [self.from_domain, self.auth.spf_domain, *(d.domain for d in self.auth.dkim)]
        return tuple(dict.fromkeys(n for n in names if n))

    @property
    def problems(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.status != "pass")

    def contract(self) -> dict[str, object]:
        """The stable JSON shape of `smtpbot headers --json` (README, "The headers contract")."""
        spf, dmarc = self.auth.spf, self.auth.dmarc
        return {
            "hops": [hop.contract() for hop in self.hops],
            "auth": {
                "spf": {"result": spf.result if spf else None, "domain": self.auth.spf_domain},
                "dkim": [
                    {"result": d.result, "domain": d.domain, "selector": d.selector} for d in self.auth.dkim
                ],
                "dmarc": {
                    "result": dmarc.result if dmarc else None,
                    "policy": self.auth.dmarc_policy,
                    "from_domain": clean_domain(dmarc.prop("header.from")) if dmarc else None,
                },
            },
            "alignment": {
                "from_domain": self.from_domain,
                "spf_aligned": self.spf_aligned,
                "dkim_aligned": self.dkim_aligned,
            },
            "verdicts": [v.contract() for v in self.verdicts],
        }


def analyse(text: str) -> HeaderReport | None:
    """The report for a pasted header block or message; None when it holds no header block with
    a Received or Authentication-Results field."""
    fields = read_fields(text)
    if not any(f.name in ("received", "authentication-results") for f in fields):
        return None
    sent = date_field(_value(first(fields, "date")))
    hops = read_hops(fields, sent)
    parsed = [parse_field(f.index, f.value) for f in fields if f.name == "authentication-results"]
    all_auth = [a for a in parsed if a is not None]
    zone = receiving_zone(fields, hops, all_auth)
    auth = _auth(trusted(all_auth, zone), len(all_auth), fields, zone)
    author = from_domain(_value(first(fields, "from"))) or (
        clean_domain(auth.dmarc.prop("header.from")) if auth.dmarc else None
    )
    spf_aligned = aligned(auth.spf_domain, author)
    dkim_aligned = any(aligned(d.domain, author) for d in auth.dkim) if auth.dkim and author else None
    receiver_fields = [f for f in fields if written_by_receiver(f, zone)]
    report = HeaderReport(
        hops=tuple(hops),
        auth=auth,
        from_domain=author,
        spf_aligned=spf_aligned,
        dkim_aligned=dkim_aligned,
        verdicts=(),
        sending_ip=zone.sending_ip,
        fields=tuple(fields),
    )
    verdicts = [*spam_verdicts(receiver_fields), *checks.verdicts(report, zone)]
    return replace(report, verdicts=checks.ordered(verdicts))


def _value(field: Field | None) -> str | None:
    return field.value if field else None


def _auth(fields: list[AuthField], total: int, all_fields: list[Field], zone: Zone) -> Auth:
    def topmost(method: str) -> Result | None:
        return next((r for f in fields for r in f.results if r.method == method), None)

    spf, dmarc = topmost("spf"), topmost("dmarc")
    spf_domain = None
    if spf is not None:
        spf_domain = clean_domain(spf.prop("smtp.mailfrom", "smtp.helo"))
    else:
        spf, spf_domain = _received_spf(all_fields, zone)
    dkim_field = next((f for f in fields if f.first("dkim")), None)
    dkim = tuple(_dkim(r) for r in dkim_field.results if r.method == "dkim") if dkim_field else ()
    return Auth(
        spf=spf,
        spf_domain=spf_domain,
        dkim=dkim,
        dmarc=dmarc,
        dmarc_policy=_policy(dmarc),
        arc=topmost("arc"),
        compauth=topmost("compauth"),
        authserv_id=fields[0].authserv_id if fields else None,
        ignored=total - len(fields),
    )


def _dkim(result: Result) -> Dkim:
    domain = result.prop("header.d") or result.prop("header.i")
    domain = clean_domain(domain) if domain and domain.lower() != "none" else None
    return Dkim(result.result, domain, result.prop("header.s"))


def _policy(dmarc: Result | None) -> str | None:
    if dmarc is None:
        return None
    policy = (
        comment_value(dmarc, "p")
        or comment_value(dmarc, "policy")
        or dmarc.prop("policy.dmarc")
        or dmarc.extras.get("p")
    )
    if policy is None and dmarc.result == "fail":
        policy = MS_ACTIONS.get(dmarc.extras.get("action", ""))
    return policy.lower() if policy else None


def _received_spf(fields: list[Field], zone: Zone) -> tuple[Result | None, str | None]:
    """SPF from the receiver's Received-SPF field (RFC 7208 section 9.1) when no
    Authentication-Results field gives it: `pass (...) client-ip=...; envelope-from=...`."""
    field = next((f for f in fields if f.name == "received-spf" and written_by_receiver(f, zone)), None)
    if field is None or not field.value.split():
        return None, None
    result = field.value.split()[0].lower()
    keys = {}
    for part in split_top_level(field.value):
        for word in part.split():
            key, eq, val = word.partition("=")
            if eq:
                keys[key.lower()] = val.strip(";")
    domain = clean_domain(keys.get("envelope-from") or keys.get("helo"))
    return Result("spf", result, {"smtp.mailfrom": domain or ""}), domain
