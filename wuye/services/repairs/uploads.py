"""Signatures and photos: decoded and re-encoded by Pillow, stored outside static/, addressed by digest.

Nothing the phone sent is stored byte for byte: an image is decoded in full and written again,
so EXIF (the GPS position of the customer's home), text chunks and anything appended after the
image data (HTML after a PNG's IEND) are dropped, and a truncated file or a decompression bomb
is refused before it is kept."""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .. import InvalidInput

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNATURE_MAX_BYTES = 200 * 1024
SIGNATURE_MAX_SIDE = 2400
SIGNATURE_MIN_INK = 30  # pixels with ink: fewer is an empty pad or a stray tap
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MAX_SIDE = 4096
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
PHOTO_QUALITY = 85
THUMB_SIDE = 320  # a gallery tile is ~150 CSS px: twice that for a phone's dense screen
THUMB_QUALITY = 75


class InvalidUpload(InvalidInput):
    pass


@dataclass
class Checked:
    data: bytes  # the re-encoded image: what is stored
    sha256: str
    width: int
    height: int
    content_type: str


def _open(data: bytes, formats: tuple[str, ...], max_side: int, too_big: str) -> Image.Image:
    """Decode the whole image, or refuse it. Pillow's decompression-bomb warning counts as a refusal
    (it is only a warning otherwise, and a bomb's pixels are what would take the server down)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data), formats=formats)
            probe.verify()  # PNG: chunk checksums; catches many corrupt files before decoding
            img = Image.open(io.BytesIO(data), formats=formats)
            w, h = img.size
            if w > max_side or h > max_side:
                raise InvalidUpload(too_big)
            img.load()  # a truncated JPEG or WebP fails only here
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InvalidUpload(_("The image has too many pixels.")) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise InvalidUpload(_("The file is not a readable image.")) from None
    return img


def _encode(img: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)  # no exif=, no pnginfo=, no icc_profile=: none of it is written
    return buf.getvalue()


def _checked(data: bytes, img: Image.Image, content_type: str) -> Checked:
    return Checked(data, hashlib.sha256(data).hexdigest(), img.width, img.height, content_type)


def check_signature(data: bytes | None) -> Checked:
    if not data:
        raise InvalidUpload(_("The signature is missing. Ask the customer to sign."))
    if len(data) > SIGNATURE_MAX_BYTES:
        raise InvalidUpload(_("The signature image is too large."))
    if not data.startswith(PNG_MAGIC):
        raise InvalidUpload(_("A signature must be a PNG image."))
    img = _open(data, ("PNG",), SIGNATURE_MAX_SIDE, _("The signature image has unusual dimensions."))
    w, h = img.size
    if w < 50 or h < 20:
        raise InvalidUpload(_("The signature image has unusual dimensions."))
    rgba = img.convert("RGBA")
    # ink: pixels that stay dark once the image is laid on white paper
    paper = Image.new("RGBA", img.size, (255, 255, 255, 255))
    gray = Image.alpha_composite(paper, rgba).convert("L")
    ink = sum(gray.histogram()[:200])
    if ink < SIGNATURE_MIN_INK:
        raise InvalidUpload(_("The signature is empty. Ask the customer to sign."))
    return _checked(_encode(rgba, "PNG", optimize=True), rgba, "image/png")


def _upright(img: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(img)
    except Exception:  # noqa: BLE001 — a mangled EXIF block costs the orientation, never the upload
        return img


def _photo_pixels(img: Image.Image, fmt: str) -> Image.Image:
    """Upright (the EXIF orientation applied before EXIF goes) and in a mode the format writes."""
    img = _upright(img)
    if fmt == "PNG":
        return img if img.mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16") else img.convert("RGBA")
    if fmt == "WEBP":
        return img if img.mode in ("RGB", "RGBA") else img.convert("RGBA" if "A" in img.getbands() else "RGB")
    return img if img.mode in ("L", "RGB") else img.convert("RGB")  # JPEG: CMYK, YCbCr … → RGB


def check_photo(data: bytes | None) -> Checked:
    if not data:
        raise InvalidUpload(_("Choose a photo."))
    if len(data) > PHOTO_MAX_BYTES:
        raise InvalidUpload(_("The photo is too large."))
    if _another_image_format(data):
        raise InvalidUpload(_("A photo must be JPEG, PNG or WebP."))
    img = _open(data, PHOTO_FORMATS, PHOTO_MAX_SIDE, _("The photo has unusual dimensions."))
    fmt = img.format
    pixels = _photo_pixels(img, fmt)
    options = {"quality": PHOTO_QUALITY} if fmt in ("JPEG", "WEBP") else {"optimize": True}
    return _checked(_encode(pixels, fmt, **options), pixels, f"image/{fmt.lower()}")


def _another_image_format(data: bytes) -> bool:
    """GIF, BMP, TIFF, HEIC/AVIF (by their first bytes): say which formats are taken, not 'unreadable'.
    Only the three formats taken are ever handed to Pillow's decoders."""
    return data[:4] in (b"GIF8", b"II*\x00", b"MM\x00*") or data[:2] == b"BM" or data[4:8] == b"ftyp"


def _root(kind: str) -> Path:
    path = Path(current_app.config.get("WUYE_UPLOADS") or Path(current_app.instance_path) / "uploads") / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_once(path: Path, data: bytes) -> None:
    """Atomic, and safe when two threads write the same digest at once (each its own temp file)."""
    if path.exists():
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:16]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store(kind: str, checked: Checked) -> Path:
    """Write once under its digest; the same bytes twice are one file."""
    path = _root(kind) / checked.sha256
    _write_once(path, checked.data)
    return path


def path_of(kind: str, sha256: str) -> Path:
    return _root(kind) / sha256


def thumbnail_path(kind: str, sha256: str) -> Path:
    return _root(f"{kind}-thumbs") / f"{sha256}-{THUMB_SIDE}.jpg"


def thumbnail(kind: str, sha256: str) -> Path:
    """A small JPEG of a stored image, made the first time it is asked for and kept by digest,
    so a gallery never loads the full-size photos."""
    path = thumbnail_path(kind, sha256)
    if path.exists():
        return path
    with Image.open(path_of(kind, sha256)) as img:
        if img.format == "JPEG":
            img.draft("RGB", (THUMB_SIDE * 2, THUMB_SIDE * 2))  # decode a 1600 px photo at 1/2 or 1/4 scale
        small = _upright(img)
        small.thumbnail((THUMB_SIDE, THUMB_SIDE))
        if small.mode in ("RGBA", "LA", "P"):
            rgba = small.convert("RGBA")
            small = Image.new("RGB", rgba.size, (255, 255, 255))
            small.paste(rgba, mask=rgba.getchannel("A"))
        _write_once(path, _encode(small.convert("RGB"), "JPEG", quality=THUMB_QUALITY, optimize=True))
    return path
