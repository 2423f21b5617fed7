"""The e-mail transport: SMTP through ``aiosmtplib`` (asyncio-native, so a slow mail server never blocks the loop).

Attachments (a purchase order's CSV and PDF) go as MIME parts after the text.
A connection per message: the channel sends a handful a day per store, and a fresh
connection has no state to go stale between sends.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from server.settings import Settings
from tools.repos import MailerError, OutgoingMail

#: seconds for each SMTP step: a person may be waiting on `growth email test`
TIMEOUT_S = 30.0


class SmtpMailer:
    def __init__(self, *, host: str, port: int, username: str = "", password: str = "", starttls: bool = True,
                 timeout_s: float = TIMEOUT_S) -> None:
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout_s = timeout_s

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpMailer:
        return cls(host=settings.smtp_host, port=settings.smtp_port, username=settings.smtp_username,
                   password=settings.smtp_password.get_secret_value() if settings.smtp_password else "",
                   starttls=settings.smtp_starttls)

    async def send(self, mail: OutgoingMail) -> None:
        msg = EmailMessage()
        msg["From"] = mail.sender
        msg["To"] = ", ".join(mail.recipients)
        msg["Subject"] = mail.subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = mail.message_id
        msg.set_content(mail.text)
        for a in mail.attachments:
            maintype, _, subtype = a.content_type.partition("/")
            msg.add_attachment(a.content, maintype=maintype, subtype=subtype or "octet-stream", filename=a.filename)
        try:
            refused, _ = await aiosmtplib.send(
                msg, sender=mail.sender, recipients=list(mail.recipients), hostname=self.host, port=self.port,
                username=self.username or None, password=self.password or None, start_tls=self.starttls,
                timeout=self.timeout_s)
        except aiosmtplib.SMTPException as exc:
            raise MailerError(f"{type(exc).__name__}: {exc}") from None
        except OSError as exc:
            raise MailerError(f"cannot reach {self.host}:{self.port}: {exc.strerror or exc}") from None
        if refused:
            # some recipients were taken and others not: reported as a failure so the operator sees which
            raise MailerError("refused: " + "; ".join(f"{r.code} {r.message}" for r in refused.values()))
