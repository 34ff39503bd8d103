"""Email by SMTP: escalations and the managers' daily digest.

Environment: WUYE_SMTP_HOST and WUYE_SMTP_FROM turn it on; WUYE_SMTP_PORT (25), WUYE_SMTP_SECURITY
(none, starttls or ssl), WUYE_SMTP_USER / WUYE_SMTP_PASSWORD. The address is the one the user gives
on their message settings page. The Message-ID we set is the gateway id.
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import DeliveryAddress
from .channels import Channel, Message, Permanent, Retry


class EmailChannel(Channel):
    name = "email"

    @classmethod
    def configured(cls, config: dict) -> bool:
        return bool(config.get("WUYE_SMTP_HOST") and config.get("WUYE_SMTP_FROM"))

    def address(self, user) -> str | None:
        return db.session.scalar(select(DeliveryAddress.address).where(
            DeliveryAddress.user_id == user.id, DeliveryAddress.channel == self.name)) if user.id else None

    def build(self, address: str, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.config["WUYE_SMTP_FROM"]
        mail["To"] = address
        first = message.text.split("\n", 1)[0]
        mail["Subject"] = ("[" + (message.urgent_word or _("Urgent")) + "] " if message.urgent else "") + first[:120]
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(domain=self.config["WUYE_SMTP_FROM"].rpartition("@")[2] or "wuye")
        lines = [message.text]
        for label, value in ((_("Number"), message.number), (_("Unit"), message.unit), (_("Due"), message.due)):
            if value:
                lines.append(f"{label}: {value}")
        if message.url:
            lines.append(message.url)
        mail.set_content("\n".join(lines))
        return mail

    def send(self, address: str, message: Message) -> str:
        mail = self.build(address, message)
        host, port = self.config["WUYE_SMTP_HOST"], int(self.config.get("WUYE_SMTP_PORT") or 25)
        security = (self.config.get("WUYE_SMTP_SECURITY") or "none").lower()
        timeout = float(self.config.get("WUYE_DELIVERY_TIMEOUT", 10))
        try:
            if security == "ssl":
                smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
            with smtp:
                if security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if self.config.get("WUYE_SMTP_USER"):
                    smtp.login(self.config["WUYE_SMTP_USER"], self.config.get("WUYE_SMTP_PASSWORD") or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as e:
            codes = [code for code, _msg in e.recipients.values()]
            raise (Permanent if all(c >= 500 for c in codes) else Retry)(f"SMTP refused {address}: {codes}") from e
        except smtplib.SMTPResponseException as e:
            raise (Permanent if e.smtp_code >= 500 else Retry)(f"SMTP {e.smtp_code}: {e.smtp_error!r}") from e
        except (smtplib.SMTPException, OSError) as e:
            raise Retry(f"SMTP: {e}") from e
        return mail["Message-ID"]
