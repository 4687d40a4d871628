"""Build the bounce emails the format tests read: written for these tests from each MTA's
documented template, with example domains and TEST-NET addresses only."""

from __future__ import annotations

from bot.engine import Engine, Finding

BOUNCE_SENDER = "MAILER-DAEMON@mx.example.net"


def message(body: str, subject: str = "Undelivered Mail Returned to Sender", **headers: str) -> str:
    """A whole email: Date, From, To, Subject and Message-ID, any extra header fields (written
    with underscores for hyphens), a blank line and the body."""
    fields = {
        "From": f"Mail Delivery System <{BOUNCE_SENDER}>",
        "To": "sender@example.org",
        "Subject": subject,
        "Date": "Tue, 5 Mar 2024 10:15:00 +0000",
        "Message-ID": "<20240305101500.AB12@mx.example.net>",
    }
    fields.update({name.replace("_", "-"): value for name, value in headers.items()})
    head = "\n".join(f"{name}: {value}" for name, value in fields.items())
    return f"{head}\n\n{body.strip(chr(10))}\n"


def multipart_report(
    text: str, report: str, report_type: str = "delivery-status", original: str = ""
) -> tuple[str, str]:
    """A multipart/report: the readable part, the machine-readable part and, when given, the
    original message's headers."""
    boundary = "=_report_0123"
    ctype = {"delivery-status": "message/delivery-status", "feedback-report": "message/feedback-report"}[
        report_type
    ]
    parts = [
        f"--{boundary}\nContent-Type: text/plain; charset=us-ascii\n\n{text.strip()}\n",
        f"--{boundary}\nContent-Type: {ctype}\n\n{report.strip()}\n",
    ]
    if original:
        parts.append(f"--{boundary}\nContent-Type: text/rfc822-headers\n\n{original.strip()}\n")
    body = "".join(parts) + f"--{boundary}--\n"
    return body, f'multipart/report; report-type={report_type}; boundary="{boundary}"'


def findings(engine: Engine, text: str) -> list[Finding]:
    result = engine.explain(text)
    assert result.findings, f"no finding; notice: {result.notice}"
    return list(result.findings)


def recipients(engine: Engine, text: str) -> list[str | None]:
    return [f.recipient for f in findings(engine, text)]
