"""Web Push (VAPID, pywebpush) to the technician's installed phone view.

On unless WUYE_PUSH=0: the VAPID key pair is generated once into the instance folder (vapid.pem;
two processes starting together keep the first writer's), WUYE_PUSH_SUBJECT (mailto: or https:)
names us to the push services. Each device's subscription is a row; a delivery's address is
`sub:<id>`, so a phone with two browsers gets the notice on both. The push service's 404/410
means the subscription is gone: it is deleted and the delivery fails for good.
"""
from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import current_app
from sqlalchemy import delete, select

from ...database import transaction
from ...extensions import db
from ...models import PushSubscription
from .. import InvalidInput
from .channels import Channel, Message, Permanent, Retry

KEY_FILE = "vapid.pem"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def key_path() -> Path:
    return Path(current_app.instance_path) / KEY_FILE


def ensure_keys() -> Path:
    """The VAPID private key, generated once (link into place: the first writer wins)."""
    from py_vapid import Vapid
    path = key_path()
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    v = Vapid()
    v.generate_keys()
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    tmp.write_bytes(v.private_pem())
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path


def public_key() -> str:
    """The applicationServerKey the phone subscribes with: the uncompressed P-256 point, base64url."""
    from py_vapid import Vapid
    v = Vapid.from_file(str(ensure_keys()))
    raw = v.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return _b64(raw)


def _key_ok(value: str, min_len: int, max_len: int) -> bool:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        return False
    return min_len <= len(raw) <= max_len


def save_subscription(user, data: dict) -> PushSubscription:
    """A device's subscription (from PushSubscription.toJSON()), for this user — a device that
    changed hands (another technician signed in on it) now belongs to the new one."""
    from flask_babel import gettext as _
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    keys = data.get("keys") if isinstance(data, dict) else None
    p256dh, auth = (keys.get("p256dh"), keys.get("auth")) if isinstance(keys, dict) else (None, None)
    if not (isinstance(endpoint, str) and endpoint.startswith(("https://", "http://")) and len(endpoint) <= 1000
            and isinstance(p256dh, str) and isinstance(auth, str) and len(p256dh) <= 200 and len(auth) <= 100
            and _key_ok(p256dh, 65, 65) and _key_ok(auth, 16, 16)):
        raise InvalidInput(_("This browser sent a subscription that cannot be used."))
    with transaction():
        row = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
        if row is None:
            row = PushSubscription(endpoint=endpoint, user_id=user.id, p256dh=p256dh, auth=auth)
            db.session.add(row)
        else:
            row.user_id, row.p256dh, row.auth = user.id, p256dh, auth
    return row


class WebPushChannel(Channel):
    name = "push"

    @classmethod
    def configured(cls, config: dict) -> bool:
        return bool(config.get("WUYE_PUSH", True))

    def address(self, user) -> str | None:
        found = self.addresses(user)
        return found[0] if found else None

    def addresses(self, user) -> list[str]:
        if not user.id:
            return []
        return [f"sub:{i}" for i in db.session.scalars(
            select(PushSubscription.id).where(PushSubscription.user_id == user.id).order_by(PushSubscription.id))]

    def payload(self, message: Message) -> dict:
        return {"title": message.text.split("\n", 1)[0][:120], "body": message.unit or message.number,
                "url": message.url, "tag": f"{message.kind}:{message.number}", "urgent": message.urgent}

    def send(self, address: str, message: Message) -> str:
        from pywebpush import WebPushException, webpush
        from requests.exceptions import RequestException
        sub = db.session.get(PushSubscription, int(address.removeprefix("sub:")))
        if sub is None:
            raise Permanent("the push subscription was removed")
        info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
        sub_id = sub.id
        db.session.rollback()
        try:
            response = webpush(info, data=json.dumps(self.payload(message), ensure_ascii=False),
                               vapid_private_key=str(ensure_keys()),
                               vapid_claims={"sub": self.config.get("WUYE_PUSH_SUBJECT") or "mailto:admin@localhost"},
                               timeout=float(self.config.get("WUYE_DELIVERY_TIMEOUT", 10)),
                               ttl=int(self.config.get("WUYE_PUSH_TTL", 3600)))
        except WebPushException as e:
            status = e.response.status_code if e.response is not None else None
            if status in (404, 410):
                with transaction():
                    db.session.execute(delete(PushSubscription).where(PushSubscription.id == sub_id))
                raise Permanent(f"push subscription gone ({status}), removed") from e
            if status is None or status == 429 or status >= 500:
                raise Retry(f"push service {status}: {e}") from e
            raise Permanent(f"push service {status}: {e}") from e
        except RequestException as e:
            raise Retry(f"push network: {e}") from e
        return response.headers.get("Location", "") or f"push-{response.status_code}"
