"""SMS through Aliyun (阿里云短信, dysmsapi SendSms, API version 2017-05-25), signed as its RPC API
documents: the sorted, percent-encoded query string, HMAC-SHA1 with the AccessKey secret + "&".

Environment: WUYE_SMS_ACCESS_KEY_ID, WUYE_SMS_ACCESS_KEY_SECRET, WUYE_SMS_SIGN_NAME (签名) and
WUYE_SMS_TEMPLATES (kind=TemplateCode,… — only kinds with a template are sent by SMS) turn it on;
WUYE_SMS_ENDPOINT (default https://dysmsapi.aliyuncs.com) is overridable; WUYE_SMS_DAILY_CAP
(default 10) messages per phone per local day, as the gateway itself refuses more.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import urllib.parse
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ...clock import now as clock_now
from ...extensions import db
from ...i18n import zone
from ...models import Delivery, DeliveryState
from ...phone import normalize_phone
from .channels import Channel, Later, Message, Permanent, Retry, http_json

VERSION = "2017-05-25"
# Aliyun's codes that mean "later": flow control, throttling, its own failures
RETRYABLE = {"isv.BUSINESS_LIMIT_CONTROL", "Throttling", "Throttling.User", "ServiceUnavailable",
             "isp.SYSTEM_ERROR", "isp.RAM_PERMISSION_DENY_TEMP", "InternalError"}
# and "no more today for this number"
DAY_LIMIT = {"isv.DAY_LIMIT_CONTROL", "isv.MOBILE_COUNT_OVER_LIMIT"}


def percent(value: str) -> str:
    """Aliyun's POP encoding: RFC 3986, space as %20, * as %2A, ~ kept."""
    return urllib.parse.quote(str(value), safe="-_.~")


def sign(params: dict[str, str], secret: str, method: str = "GET") -> str:
    canonical = "&".join(f"{percent(k)}={percent(params[k])}" for k in sorted(params))
    to_sign = f"{method}&{percent('/')}&{percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# one template for both appointment messages, if the company had only one approved
ALIASES = {"resident_appointment": ("resident_appointment_confirmed", "resident_appointment_moved")}


def templates(config: dict) -> dict[str, str]:
    out = {}
    for part in (config.get("WUYE_SMS_TEMPLATES") or "").split(","):
        kind, _sep, code = part.partition("=")
        if kind.strip() and code.strip():
            out[kind.strip()] = code.strip()
    for alias, kinds in ALIASES.items():
        for kind in kinds:
            if alias in out:
                out.setdefault(kind, out[alias])
    return out


class AliyunSmsChannel(Channel):
    name = "sms"

    @classmethod
    def configured(cls, config: dict) -> bool:
        return all(config.get(k) for k in ("WUYE_SMS_ACCESS_KEY_ID", "WUYE_SMS_ACCESS_KEY_SECRET",
                                           "WUYE_SMS_SIGN_NAME")) and bool(templates(config))

    def address(self, user) -> str | None:
        phone = normalize_phone(user.phone)
        return phone if phone and phone.isdigit() else None  # mobiles only

    def wants(self, kind: str) -> bool:
        return kind in templates(self.config)

    def hold_until(self, address: str, at: datetime, tz: str | None = None) -> datetime | None:
        """The per-phone daily cap: the day's delivered messages to this number, counted here."""
        cap = int(self.config.get("WUYE_SMS_DAILY_CAP", 10))
        local = at.astimezone(zone(tz))
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        sent = db.session.scalar(select(func.count()).select_from(Delivery).where(
            Delivery.channel == self.name, Delivery.recipient == address, Delivery.state == DeliveryState.DELIVERED,
            Delivery.delivered_at >= midnight.astimezone(at.tzinfo))) or 0
        if sent < cap:
            return None
        return (midnight + timedelta(days=1)).astimezone(at.tzinfo)

    def params(self, address: str, message: Message, at: datetime | None = None) -> dict[str, str]:
        at = at or clock_now()
        code = templates(self.config)[message.template_kind or message.kind]
        # template variables: short, as Aliyun limits each to a few dozen characters
        variables = message.variables or {"number": message.number, "unit": message.unit, "url": message.url,
                                          "start": message.due}
        variables = {**variables, "unit": variables.get("unit", "")[:20]}
        return {
            "AccessKeyId": self.config["WUYE_SMS_ACCESS_KEY_ID"], "Action": "SendSms", "Format": "JSON",
            "PhoneNumbers": address, "RegionId": self.config.get("WUYE_SMS_REGION") or "cn-hangzhou",
            "SignName": self.config["WUYE_SMS_SIGN_NAME"], "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": secrets.token_hex(16), "SignatureVersion": "1.0",
            "TemplateCode": code, "TemplateParam": json.dumps({k: v for k, v in variables.items() if v},
                                                              ensure_ascii=False, separators=(",", ":")),
            "Timestamp": at.astimezone(zone("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": VERSION,
        }

    def send(self, address: str, message: Message) -> str:
        params = self.params(address, message)
        params["Signature"] = sign(params, self.config["WUYE_SMS_ACCESS_KEY_SECRET"])
        endpoint = (self.config.get("WUYE_SMS_ENDPOINT") or "https://dysmsapi.aliyuncs.com").rstrip("/")
        _, answer = http_json("GET", f"{endpoint}/?{urllib.parse.urlencode(params, quote_via=urllib.parse.quote)}",
                              timeout=float(self.config.get("WUYE_DELIVERY_TIMEOUT", 10)))
        code = answer.get("Code", "")
        if code == "OK":
            return str(answer.get("BizId", ""))
        if code in DAY_LIMIT:
            raise Later(clock_now() + timedelta(hours=1), f"Aliyun {code}")
        if code in RETRYABLE:
            raise Retry(f"Aliyun {code}: {answer.get('Message', '')}")
        raise Permanent(f"Aliyun {code}: {answer.get('Message', '')}")
