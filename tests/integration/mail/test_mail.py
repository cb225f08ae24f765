"""tourstack.mail: message nesting, the outbox, and SMTP against a real aiosmtpd server."""

from __future__ import annotations

import email
import email.policy

import pytest
from pydantic import SecretStr

from tests.fakes.smtp import free_port, smtp_server
from tourstack.mail import (
    Attachment,
    Delivery,
    InlineImage,
    MailDeliveryError,
    OutboxTransport,
    SmtpTransport,
    compose,
    transport_from_settings,
)
from tourstack.settings import Settings

PNG = b"\x89PNG\r\n\x1a\nfake"


def _message(**kw):
    args = dict(
        subject="Daily KPIs – 30 Jun",
        sender="Tourstack <reports@tourstack.example>",
        to=["ceo@example.com", "cfo@example.com"],
        html='<p>Revenue <img src="cid:trend"></p>',
        text="Revenue",
        inline_images=[InlineImage("trend", PNG)],
        attachments=[Attachment("kpis.pdf", b"%PDF-1.7 x", "application/pdf")],
    )
    args.update(kw)
    return compose(**args)


def test_compose_nesting():
    msg = _message()
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "application/pdf",
    ]
    image = next(p for p in msg.walk() if p.get_content_type() == "image/png")
    assert image["Content-ID"] == "<trend>"
    assert image.get_content_disposition() == "inline"
    assert image.get_content() == PNG
    pdf = next(p for p in msg.walk() if p.get_content_type() == "application/pdf")
    assert pdf.get_filename() == "kpis.pdf" and pdf.get_content_disposition() == "attachment"
    assert msg["Message-ID"].endswith("@tourstack.example>")
    assert msg["To"] == "ceo@example.com, cfo@example.com"


def test_compose_without_images_or_attachments_is_plain_alternative():
    msg = _message(inline_images=(), attachments=())
    assert [p.get_content_type() for p in msg.walk()] == ["multipart/alternative", "text/plain", "text/html"]


def test_compose_rejects_bad_input():
    with pytest.raises(ValueError):
        _message(to=[])
    with pytest.raises(ValueError):
        _message(inline_images=[InlineImage("a", PNG), InlineImage("a", PNG)])


def test_outbox_writes_eml(tmp_path):
    msg = _message()
    delivery = OutboxTransport(tmp_path / "outbox").send(msg)
    assert delivery.via == "outbox" and delivery.message_id == msg["Message-ID"]
    assert delivery.recipients == ("ceo@example.com", "cfo@example.com")
    assert delivery.path.parent == tmp_path / "outbox" and delivery.path.name.endswith("-daily-kpis-30-jun.eml")
    parsed = email.message_from_bytes(delivery.path.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == msg["Subject"]
    second = OutboxTransport(tmp_path / "outbox").send(msg)
    assert second.path != delivery.path


def test_smtp_delivers_to_real_server():
    with smtp_server() as server:
        msg = _message()
        delivery = SmtpTransport(server.host, server.port, security="none", timeout=5).send(msg)
    assert isinstance(delivery, Delivery) and delivery.via == "smtp" and delivery.path is None
    assert delivery.recipients == ("ceo@example.com", "cfo@example.com")
    [got] = server.received
    assert got.rcpt_tos == ["ceo@example.com", "cfo@example.com"]
    assert got.message["Subject"] == "Daily KPIs – 30 Jun"
    assert got.message["Message-ID"] == msg["Message-ID"]
    html = got.message.get_body(("html",)).get_content()
    assert 'src="cid:trend"' in html


def test_smtp_login_and_bad_password_never_leaks():
    secret = "s3cr3t-Pa55"
    with smtp_server(credentials=("reports", secret)) as server:
        ok = SmtpTransport(
            server.host, server.port, username="reports", password=SecretStr(secret), security="none", timeout=5
        )
        ok.send(_message())
        bad = SmtpTransport(server.host, server.port, username="reports", password="wrong-" + secret, security="none", timeout=5)
        with pytest.raises(MailDeliveryError) as info:
            bad.send(_message())
    assert len(server.received) == 1 and server.logins == ["reports", "reports"]
    assert "login" in str(info.value) and "535" in str(info.value)
    assert secret not in str(info.value) and secret not in repr(bad)
    assert info.value.__cause__ is None and info.value.__context__ is None or secret not in repr(info.value.__context__)


def test_smtp_server_down_is_a_clear_temporary_error():
    port = free_port()
    with pytest.raises(MailDeliveryError) as info:
        SmtpTransport("127.0.0.1", port, security="none", timeout=2).send(_message())
    assert f"127.0.0.1:{port}" in str(info.value) and "connection" in str(info.value)
    assert info.value.temporary


def test_smtp_refused_recipients_and_data():
    with smtp_server(refuse_rcpt="550 5.1.1 mailbox unavailable") as server:
        with pytest.raises(MailDeliveryError, match="refused every recipient") as info:
            SmtpTransport(server.host, server.port, security="none", timeout=5).send(_message())
        assert not info.value.temporary
    with smtp_server(data_reply="451 4.3.0 try again later") as server:
        with pytest.raises(MailDeliveryError, match="451") as info:
            SmtpTransport(server.host, server.port, security="none", timeout=5).send(_message())
        assert info.value.temporary and server.received == []


def test_starttls_against_plain_server_fails_cleanly():
    with smtp_server() as server:
        with pytest.raises(MailDeliveryError, match="connection"):
            SmtpTransport(server.host, server.port, security="starttls", timeout=5).send(_message())


def test_transport_from_settings(tmp_path):
    outbox = transport_from_settings(Settings(home=tmp_path, _env_file=None))
    assert isinstance(outbox, OutboxTransport) and outbox.outbox_dir == tmp_path / "outbox"
    smtp = transport_from_settings(
        Settings(home=tmp_path, smtp_host="mail.example", smtp_security="ssl", smtp_password=SecretStr("x"))
    )
    assert isinstance(smtp, SmtpTransport) and smtp.port == 465 and smtp.security == "ssl"


def test_long_subject_survives_a_round_trip(tmp_path):
    subject = "[DATA STALE] Tourstack daily briefing - Tue 30 Jun 2026: revenue INR 4,500.75"
    delivery = OutboxTransport(tmp_path).send(_message(subject=subject))
    parsed = email.message_from_bytes(delivery.path.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == subject
