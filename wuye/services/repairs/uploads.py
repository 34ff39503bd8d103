"""Signatures and photos: checked by their bytes, stored outside static/, addressed by digest."""
from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from .. import InvalidInput

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNATURE_MAX_BYTES = 200 * 1024
SIGNATURE_MAX_SIDE = 2400
SIGNATURE_MIN_INK = 30  # pixels with ink: fewer is an empty pad or a stray tap
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MAX_SIDE = 4096


class InvalidUpload(InvalidInput):
    pass


@dataclass
class Checked:
    data: bytes
    sha256: str
    width: int
    height: int
    content_type: str


def _open(data: bytes):
    try:
        img = Image.open(io.BytesIO(data))
        img.verify()  # catches truncated or corrupt files
        return Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidUpload(_("The file is not a readable image.")) from None


def check_signature(data: bytes | None) -> Checked:
    if not data:
        raise InvalidUpload(_("The signature is missing. Ask the customer to sign."))
    if len(data) > SIGNATURE_MAX_BYTES:
        raise InvalidUpload(_("The signature image is too large."))
    if not data.startswith(PNG_MAGIC):
        raise InvalidUpload(_("A signature must be a PNG image."))
    img = _open(data)
    if img.format != "PNG":
        raise InvalidUpload(_("A signature must be a PNG image."))
    w, h = img.size
    if w > SIGNATURE_MAX_SIDE or h > SIGNATURE_MAX_SIDE or w < 50 or h < 20:
        raise InvalidUpload(_("The signature image has unusual dimensions."))
    # ink: pixels that stay dark once the image is laid on white paper
    paper = Image.new("RGBA", img.size, (255, 255, 255, 255))
    gray = Image.alpha_composite(paper, img.convert("RGBA")).convert("L")
    ink = sum(gray.histogram()[:200])
    if ink < SIGNATURE_MIN_INK:
        raise InvalidUpload(_("The signature is empty. Ask the customer to sign."))
    return Checked(data, hashlib.sha256(data).hexdigest(), w, h, "image/png")


def check_photo(data: bytes | None) -> Checked:
    if not data:
        raise InvalidUpload(_("Choose a photo."))
    if len(data) > PHOTO_MAX_BYTES:
        raise InvalidUpload(_("The photo is too large."))
    img = _open(data)
    if img.format not in ("JPEG", "PNG", "WEBP"):
        raise InvalidUpload(_("A photo must be JPEG, PNG or WebP."))
    w, h = img.size
    if w > PHOTO_MAX_SIDE or h > PHOTO_MAX_SIDE:
        raise InvalidUpload(_("The photo has unusual dimensions."))
    return Checked(data, hashlib.sha256(data).hexdigest(), w, h, f"image/{img.format.lower()}")


def _root(kind: str) -> Path:
    path = Path(current_app.config.get("WUYE_UPLOADS") or Path(current_app.instance_path) / "uploads") / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(kind: str, checked: Checked) -> Path:
    """Write once under its digest; the same bytes twice are one file."""
    path = _root(kind) / f"{checked.sha256}"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(checked.data)
        os.replace(tmp, path)
    return path


def path_of(kind: str, sha256: str) -> Path:
    return _root(kind) / sha256
