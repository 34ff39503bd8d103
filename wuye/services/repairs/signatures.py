"""Signatures bound to what they signed: the content's digest, the checked image stored by its own."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from ...clock import now as clock_now
from ...extensions import db
from ...models import RepairOrder
from ...models.job import Signature
from . import uploads


def digest(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def sign(order: RepairOrder, purpose: str, png: bytes | None, content_digest: str, at: datetime) -> Signature:
    checked = uploads.check_signature(png)
    uploads.store("signatures", checked)
    sig = Signature(order_id=order.id, purpose=purpose, png_sha256=checked.sha256, size_bytes=len(checked.data),
                    width=checked.width, height=checked.height, content_digest=content_digest, signed_at=at,
                    received_at=clock_now())
    db.session.add(sig)
    db.session.flush()
    return sig
