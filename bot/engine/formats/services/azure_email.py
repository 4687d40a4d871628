"""Azure Communication Services email delivery reports, as Event Grid delivers them.

Event type `Microsoft.Communication.EmailDeliveryReportReceived` (`eventType` in the Event Grid
schema, `type` in the CloudEvents one), with `data` holding `sender`, `recipient`, `status`
(Delivered, Expanded, Bounced, Suppressed, Quarantined, FilteredSpam, Failed; anything but
Delivered is a failure) and `deliveryStatusDetails.statusMessage`, the receiving server's reply
or Azure's own words: https://learn.microsoft.com/azure/event-grid/communication-services-email-events
and https://learn.microsoft.com/javascript/api/@azure/eventgrid-system-events/acsemaildeliveryreportreceivedeventdata.
Read as "<statusMessage>\nAzure Communication Services email <status>".
"""

from __future__ import annotations

from ...incident import Incident
from .record import ACCEPTED, as_dict, delivered, failure, not_an_error, scalar

PROVIDER = "Azure Communication Services"
EVENT_TYPE = "Microsoft.Communication.EmailDeliveryReportReceived"
# A distribution list the service expanded into its members: each member gets its own report.
QUIET = {"Expanded": ACCEPTED}


def read(obj: dict) -> list[Incident] | None:
    if EVENT_TYPE not in (scalar(obj.get("eventType")), scalar(obj.get("type"))):
        return None
    data = as_dict(obj.get("data"))
    recipient, status = data.get("recipient"), scalar(data.get("status")) or ""
    words = scalar(as_dict(data.get("deliveryStatusDetails")).get("statusMessage")) or ""
    if status in QUIET:
        return [not_an_error(PROVIDER, status.lower(), recipient, QUIET[status])]
    if status == "Delivered":
        return [delivered(words or "250 Azure Communication Services email delivered", recipient)]
    # the report comes once the service has given up: every other status is final
    return [failure(f"{words}\n{PROVIDER} email {status}".strip(), recipient, "failed")]
