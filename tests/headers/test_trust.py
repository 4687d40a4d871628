"""Which Authentication-Results to believe: only the receiving side's, never a sender's forgery."""

from __future__ import annotations

from bot.headers.report import analyse

MX_HOP = (
    "Received: from mail.sender.example (mail.sender.example [203.0.113.5])\n"
    "\tby mx.example.org (Postfix) with ESMTPS id 1A\n"
    "\tfor <a@example.org>; Tue, 3 Nov 2026 10:00:05 +0000\n"
)
SENDER_HOP = (
    "Received: from app.sender.example (app.sender.example [10.0.0.2])\n"
    "\tby mail.sender.example (Postfix) with ESMTP id 9Z; Tue, 3 Nov 2026 10:00:01 +0000\n"
)
TAIL = (
    "From: Bank <alerts@bank.example>\nTo: a@example.org\nSubject: hi\n"
    "Date: Tue, 3 Nov 2026 10:00:00 +0000\nMessage-ID: <1@x>\n"
)
REAL = (
    "Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=bank.example; "
    "dmarc=fail header.from=bank.example\n"
)
FORGED = (
    "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=bank.example; "
    "dkim=pass header.d=bank.example header.s=s1; dmarc=pass header.from=bank.example\n"
)


def check(report, name: str) -> str:
    return next(v.status for v in report.verdicts if v.check == name)


def test_a_forged_field_below_the_senders_own_hop_is_ignored() -> None:
    report = analyse(MX_HOP + REAL + SENDER_HOP + FORGED + TAIL)
    assert report.auth.spf.result == "fail" and report.auth.dmarc.result == "fail"
    assert report.auth.dkim == () and report.auth.ignored == 1
    assert check(report, "forged_results") == "warn"
    assert report.sending_ip == "203.0.113.5"


def test_a_forged_field_cannot_outrank_the_receivers_own_above_it() -> None:
    # a sender that talks straight to the MX has no hop of its own: its field sits right under
    # the MX's Received field, where milters write, but below the receiver's own result
    report = analyse(MX_HOP + REAL + FORGED + TAIL)
    assert report.auth.spf.result == "fail" and report.auth.dmarc.result == "fail"


def test_a_field_from_another_authserv_id_in_the_receivers_zone_is_ignored() -> None:
    other = "Authentication-Results: verifier.sender.example; dmarc=pass header.from=bank.example\n"
    report = analyse(MX_HOP + REAL + other + TAIL)
    assert report.auth.dmarc.result == "fail" and report.auth.ignored == 1


def test_a_spoofed_helo_naming_the_receiver_does_not_move_the_entry_hop() -> None:
    spoofed = MX_HOP.replace(
        "from mail.sender.example (mail.sender.example", "from mx.example.org (unknown.sender.example"
    )
    report = analyse(spoofed + REAL + SENDER_HOP + FORGED + TAIL)
    assert report.auth.dmarc.result == "fail" and report.sending_ip == "203.0.113.5"


def test_microsoft_results_without_an_authserv_id_are_read() -> None:
    header = (
        "Authentication-Results: spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=example.com; "
        "dkim=pass (signature was verified) header.d=example.com;dmarc=pass action=none "
        "header.from=example.com;compauth=pass reason=100\n"
        "Received: from mail.example.com (192.0.2.10) by X1.mail.protection.outlook.example (10.1.1.1) "
        "with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.1 via "
        "Frontend Transport; Tue, 3 Nov 2026 15:01:05 +0000\n" + TAIL.replace("bank.example", "example.com")
    )
    report = analyse(header)
    assert report.auth.authserv_id is None
    assert (report.auth.spf.result, report.auth.spf_domain) == ("pass", "example.com")
    assert report.auth.compauth.result == "pass" and report.auth.compauth.reason == "100"
    assert report.spf_aligned and report.dkim_aligned and report.hops[0].tls is True


def test_received_spf_answers_when_no_results_field_does() -> None:
    header = (
        "Received-SPF: Softfail (mailfrom) identity=mailfrom; client-ip=203.0.113.5; helo=x; "
        "envelope-from=alerts@bank.example; receiver=a@example.org\n" + MX_HOP + TAIL
    )
    report = analyse(header)
    assert (report.auth.spf.result, report.auth.spf_domain) == ("softfail", "bank.example")
    forged_spf = MX_HOP + SENDER_HOP + header.split("\n", 1)[0] + "\n" + TAIL
    assert analyse(forged_spf).auth.spf is None  # written below the receiver's hop


def test_a_paste_of_results_alone_trusts_the_topmost_run_of_one_authserv_id() -> None:
    other = "Authentication-Results: relay.other.example; spf=pass smtp.mailfrom=bank.example\n"
    report = analyse(REAL + other + FORGED + TAIL)
    assert report.auth.dmarc.result == "fail" and report.auth.ignored == 2


def test_the_sending_ip_is_the_address_the_receiver_saw_not_the_one_claimed() -> None:
    yahoo = (
        "Received: from 127.0.0.1  (EHLO mail.sender.example) (203.0.113.9)\n"
        "  by mta1.mail.yahoo.example with SMTPS; Tue, 3 Nov 2026 10:00:05 +0000\n"
    )
    report = analyse(REAL + yahoo + TAIL)
    assert report.sending_ip == "203.0.113.9" and report.hops[0].from_host == "mail.sender.example"


def test_spf_judged_at_a_filtering_service_says_so(monkeypatch) -> None:
    from bot.headers import trust

    monkeypatch.setattr(trust, "GATEWAY_ORGS", frozenset({"filter.example"}))
    header = (
        "Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=example.com\n"
        "Received: from in-1.filter.example (in-1.filter.example [198.51.100.170])\n"
        "\tby mx.example.org (Postfix) with ESMTPS id 1; Tue, 3 Nov 2026 10:00:05 +0000\n"
        "Received: from mail.example.com (mail.example.com [192.0.2.10])\n"
        "\tby in-1.filter.example with ESMTPS id 2; Tue, 3 Nov 2026 10:00:03 +0000\n" + TAIL
    )
    report = analyse(header)
    spf = next(v for v in report.verdicts if v.check == "spf")
    assert report.sending_ip == "198.51.100.170" and spf.status == "fail"
    assert "filter.example, a filtering service" in spf.fix
