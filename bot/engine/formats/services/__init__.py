"""Readers of sending services' event payloads, one module per service, tried in this order.

Each module has `PROVIDER` (its name in knowledge/providers.toml) and `read(obj) -> list[Incident]
| None` for one JSON object: None when the object is not that service's event, else one record
per recipient (failed, delayed, complained, or delivered and quiet). The order goes from the
most distinctive layout to the broadest: SES's `notificationType`/`eventType` with its `mail`,
Azure's Event Grid event type, SparkPost's `msys`, Mandrill's `msg`, Postmark's
`RecordType`/`TypeCode`, Resend's `email.*` types, Postal's `Message*` events with a `payload`,
Mailgun's `event-data` or `recipient`, Elastic Email's `EventType` + `To`, SMTP2GO's `rcpt`,
Mailjet's, Brevo's and Mailtrap's marker fields, and SendGrid's bare `event` + `email` last.

Adding a service is one module here, one line in READERS and its samples in
tests/engine/formats/test_jsonbounce*.py and bench/corpus-mta/<service>/.
"""

from __future__ import annotations

from . import (
    azure_email,
    brevo,
    elastic_email,
    mailgun,
    mailjet,
    mailtrap,
    mandrill,
    postal,
    postmark,
    resend,
    sendgrid,
    ses,
    smtp2go,
    sparkpost,
)

READERS = (
    ses,
    azure_email,
    sparkpost,
    mandrill,
    postmark,
    resend,
    postal,
    mailgun,
    elastic_email,
    smtp2go,
    mailjet,
    brevo,
    mailtrap,
    sendgrid,
)
