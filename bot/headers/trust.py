"""Which header fields the receiving side wrote, and so which results to believe.

Servers add fields on top of what they receive, so the header reads newest first, and anything
below the point where the message entered the receiving organisation came from the sender, who
may have written `Authentication-Results: mx.google.com; dmarc=pass` itself. We decide so:

1. The receiving organisation starts as the organisational domain of the topmost Received
   field's `by` host (the server that wrote the last hop).
2. Walking the Received chain from the top, a hop is inside when it has no `from`, comes from an
   internal address or localhost, or its `from` host belongs to the receiving organisation or to
   its own `by` host's organisation; each inside hop's hosts join the organisation. A filtering
   service (Proofpoint, Mimecast ...) in front of the receiver is not inside: it is where the
   receiver's checks saw the message come from, whichever side runs it (see GATEWAY_ORGS).
   The first other hop is the entry hop, and its `from` address is the sending IP. The chain
   alone decides this: a sender can write fields, not the receiver's hops.
3. Trusted are the fields above the entry hop's Received field, and those directly below it down
   to the next Received field: milters (OpenDKIM, OpenDMARC) insert their results there, under
   the receiving MTA's own Received field. An Authentication-Results field counts only if its
   authserv-id is the first trusted field's, belongs to the receiving organisation, or is missing
   (Microsoft 365 writes none).
4. For each method the topmost trusted result wins; a forged field can only sit lower.
5. When the entry hop comes from a relay whose Authentication-Results field is the topmost
   trusted one (a filtering gateway such as Proofpoint in front of a mailbox server that writes
   none of its own), the relay joins the receiving side and the walk goes on: its results are
   about the hop below it. Where the receiver writes no results at all, a sender that talks
   straight to it can therefore pass its own field off as a gateway's: there is nothing better
   to compare it with, and the answer says whose results it read (the authserv-id).

A paste without Received fields trusts the topmost Authentication-Results fields that share the
first one's authserv-id, up to the first one that does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from .authresults import AuthField
from .domains import org_domain
from .fields import Field
from .received import Hop, is_internal_ip

# Filtering services that relay mail for their customers, inbound or outbound (Proofpoint,
# Mimecast, Broadcom Email Security.cloud, Cisco Secure Email, Barracuda, Trend Micro): when the
# entry hop comes from one, the receiver's SPF judged the service's IP, not the author's server.
GATEWAY_ORGS = frozenset(
    {"pphosted.com", "ppe-hosted.com", "mimecast.com", "messagelabs.com", "iphmx.com",
     "barracudanetworks.com", "tmes.trendmicro.com", "trendmicro.com"}
)  # fmt: skip
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


@dataclass(frozen=True, slots=True)
class Zone:
    receiver_orgs: frozenset[str]
    entry: Hop | None  # the hop on which the message entered the receiving side
    trusted_below: int  # fields at indexes below this were written by the receiving side

    @property
    def sending_ip(self) -> str | None:
        return self.entry.from_ip if self.entry else None

    @property
    def gateway(self) -> str | None:
        """The filtering service the message entered the receiving side from, if any."""
        org = _from_org(self.entry) if self.entry else None
        return org if org in GATEWAY_ORGS else None


def receiving_zone(fields: list[Field], hops: list[Hop], auth: list[AuthField]) -> Zone:
    zone = _walk(fields, hops, auth, set())
    relay = _from_org(zone.entry) if zone.entry else None
    in_zone = [a for a in auth if a.index < zone.trusted_below]
    if relay and in_zone and org_domain(in_zone[0].authserv_id) == relay:
        # the relay the message came from wrote results about its own hop (a filtering gateway in
        # front of the mailbox server): it is part of the receiving side, and so is its hop
        return _walk(fields, hops, auth, {relay})
    return zone


def _walk(fields: list[Field], hops: list[Hop], auth: list[AuthField], orgs: set[str]) -> Zone:
    newest_first = list(reversed(hops))
    if newest_first:
        orgs.update(o for o in (org_domain(newest_first[0].by_host),) if o)
    entry = None
    for hop in newest_first:
        if _inside(hop, orgs):
            orgs.update(o for o in (org_domain(hop.by_host), _from_org(hop)) if o)
            continue
        entry = hop
        break
    if entry is None:
        # no hop came from outside: either no chain at all, or all of it internal
        limit = _first_id_run_end(auth) if not hops else len(fields)
        return Zone(frozenset(orgs), None, limit)
    received_below = [f.index for f in fields if f.name == "received" and f.index > entry.field_index]
    limit = received_below[0] if received_below else len(fields)
    return Zone(frozenset(orgs), entry, limit)


def _from_org(hop: Hop) -> str | None:
    return next((o for o in map(org_domain, hop.from_names) if o), None)


def _inside(hop: Hop, orgs: set[str]) -> bool:
    if hop.from_host is None and not hop.from_ip:
        return True  # a hop without `from` is a hand-over inside one server
    if (hop.from_host or "") in LOCAL_NAMES or is_internal_ip(hop.from_ip):
        return True
    names = {o for o in map(org_domain, hop.from_names) if o}
    return bool(names & (orgs | {org_domain(hop.by_host)}))


def _first_id_run_end(auth: list[AuthField]) -> int:
    if not auth:
        return 0
    first_id = auth[0].authserv_id
    for field in auth[1:]:
        if field.authserv_id != first_id:
            return field.index
    return auth[-1].index + 1


def trusted(auth: list[AuthField], zone: Zone) -> list[AuthField]:
    """The Authentication-Results fields the receiving side wrote, topmost first."""
    in_zone = [f for f in auth if f.index < zone.trusted_below]
    first_id = in_zone[0].authserv_id if in_zone else None
    first_org = org_domain(first_id)
    orgs = zone.receiver_orgs | {first_org} if first_org else zone.receiver_orgs
    kept = []
    for field in in_zone:
        if field.authserv_id in (None, first_id) or org_domain(field.authserv_id) in orgs:
            kept.append(field)
    return kept


def written_by_receiver(field: Field, zone: Zone) -> bool:
    return field.index < zone.trusted_below
