"""企业微信 group robots (群机器人): one webhook per department, for escalations, in markdown with
the order number, unit, deadline and a link.

Environment: WUYE_WECOM_ROBOTS=CS=key,ENG=key (department code = the webhook's key) turns it on;
WUYE_WECOM_ROBOT_API (default https://qyapi.weixin.qq.com) is overridable. A robot takes 20
messages a minute: more are held for the next minute, and what is due together for one group is
sent as one message (batched, never dropped).
"""
from __future__ import annotations

import secrets
import urllib.parse
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...extensions import db
from ...models import Delivery, DeliveryState
from .channels import Channel, Message, Permanent, Retry, http_json
from .rules import ESCALATIONS

PER_MINUTE = 20
RETRYABLE = {-1, 45009, 45033}
MAX_BYTES = 4000  # a robot's markdown is at most 4096 bytes


def robots(config: dict) -> dict[str, str]:
    out = {}
    for part in (config.get("WUYE_WECOM_ROBOTS") or "").split(","):
        code, _sep, key = part.partition("=")
        if code.strip() and key.strip():
            out[code.strip().upper()] = key.strip()
    return out


class WeComRobotChannel(Channel):
    name = "wecom_robot"
    batches = True

    @classmethod
    def configured(cls, config: dict) -> bool:
        return bool(robots(config))

    def address(self, user) -> str | None:
        dept = user.department.code.upper() if user.department is not None else ""
        return dept if dept in robots(self.config) else None

    def address_for(self, user, params: dict) -> str | None:
        """The group of the department responsible for the order or complaint (the notice names it);
        a notice that names none goes to the recipient's own department's group."""
        dept = (params.get("department") or "").upper()
        if dept:
            return dept if dept in robots(self.config) else None
        return self.address(user)

    def wants(self, kind: str) -> bool:
        return kind in ESCALATIONS

    def group_key(self, address: str, kind: str, params: dict) -> str:
        """One message per escalation step in a group, however many of its people are told."""
        return f"{kind}:{params.get('number')}:{params.get('deadline', '')}:{params.get('level', '')}@{address}"[:200]

    def hold_until(self, address: str, at: datetime, tz: str | None = None) -> datetime | None:
        since = at - timedelta(minutes=1)
        recent = list(db.session.scalars(select(Delivery.delivered_at).where(
            Delivery.channel == self.name, Delivery.recipient == address, Delivery.state == DeliveryState.DELIVERED,
            Delivery.delivered_at > since).order_by(Delivery.delivered_at).limit(PER_MINUTE)))
        # several rows sent as one message share one gateway id: count messages, not rows
        sent = db.session.scalar(select(func.count(func.distinct(Delivery.gateway_id))).where(
            Delivery.channel == self.name, Delivery.recipient == address, Delivery.state == DeliveryState.DELIVERED,
            Delivery.delivered_at > since)) or 0
        if sent < PER_MINUTE or not recent:
            return None
        return recent[0] + timedelta(minutes=1)

    def markdown(self, message: Message) -> str:
        lines = [f"**{message.text}**"]
        if message.number:
            lines.append(f"> {_('Number')}: {message.number}")
        if message.unit:
            lines.append(f"> {_('Unit')}: {message.unit}")
        if message.due:
            lines.append(f"> {_('Due')}: {message.due}")
        if message.url:
            lines.append("[" + _("Open") + f"]({message.url})")
        return "\n".join(lines)

    def send(self, address: str, message: Message) -> str:
        return self.send_many(address, [message])

    def send_many(self, address: str, messages: list[Message]) -> str:
        content = "\n\n".join(self.markdown(m) for m in messages)
        while len(content.encode()) > MAX_BYTES and "\n\n" in content:
            content = content[:content.rindex("\n\n")]
        key = robots(self.config).get(address)
        if not key:
            raise Permanent(f"no robot for {address}")
        api = (self.config.get("WUYE_WECOM_ROBOT_API") or "https://qyapi.weixin.qq.com").rstrip("/")
        _status, answer = http_json("POST", f"{api}/cgi-bin/webhook/send?key={urllib.parse.quote(key)}",
                                    {"msgtype": "markdown", "markdown": {"content": content}},
                                    timeout=float(self.config.get("WUYE_DELIVERY_TIMEOUT", 10)))
        code = answer.get("errcode", 0)
        if code in RETRYABLE:
            raise Retry(f"WeCom robot {code}: {answer.get('errmsg', '')}")
        if code != 0:
            raise Permanent(f"WeCom robot {code}: {answer.get('errmsg', '')}")
        return answer.get("msgid") or f"robot-{secrets.token_hex(8)}"  # the webhook answers no id: ours, per message


def responsible_department(subject) -> str | None:
    """The code of the department a repair order or a complaint is the business of: an order's
    technician's (工程部), else the desk's that took it; a complaint's responsible department (顾客投诉处理
    记录表), else its handler's, else the first it was forwarded to, else customer service's (客服部,
    its first owner, B1)."""
    from ...models import Complaint, RepairOrder
    if isinstance(subject, RepairOrder):
        people = [subject.technician, subject.dispatched_by, subject.created_by]
        depts = [p.department for p in people if p is not None]
    elif isinstance(subject, Complaint):
        depts = [subject.responsible_department, subject.handler.department if subject.handler else None,
                 subject.departments[0] if subject.departments else None,
                 subject.registered_by.department if subject.registered_by else None,
                 subject.received_by.department if subject.received_by else None]
    else:
        return None
    return next((d.code for d in depts if d is not None), None)
