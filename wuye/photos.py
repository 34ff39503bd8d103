"""Photos of a repair order on the pages that show them, and the answer that serves one.

Served like signatures: each blueprint first finds the order the way it always does (the
technician's own job, the desk's project, the resident's link), and only a photo of that order
is sent — never cached, never sniffed, never embedded by another site."""
from __future__ import annotations

from flask import Response, abort, send_file
from sqlalchemy import bindparam, select

from .database import prepared
from .extensions import db
from .models import RepairOrder
from .models.job import Photo
from .services.repairs import uploads

KINDS = ("before", "after")  # what the resident sees: the work's result, nothing else taken on site
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
SIZES = "any(full, thumb)"  # the URL converter of every photo route


@prepared
def _photos_statement():
    return select(Photo).where(Photo.order_id == bindparam("order_id")).order_by(Photo.taken_at, Photo.id)


def photos_of(order: RepairOrder, kinds: tuple[str, ...] | None = None) -> list[Photo]:
    if kinds is None:  # every photo of the order: the job and order pages, built once
        return list(db.session.scalars(_photos_statement(), {"order_id": order.id}))
    query = select(Photo).where(Photo.order_id == order.id, Photo.kind.in_(kinds))
    return list(db.session.scalars(query.order_by(Photo.taken_at, Photo.id)))


def by_kind(photos: list[Photo]) -> list[tuple[str, list[Photo]]]:
    """Before first, then after: the order a gallery and the printed sheet show them in."""
    groups = [(k, [p for p in photos if p.kind == k]) for k in KINDS]
    others = [p for p in photos if p.kind not in KINDS]
    return [(k, ps) for k, ps in groups if ps] + ([("other", others)] if others else [])


def photo_response(order: RepairOrder, photo_id: int, size: str,
                   kinds: tuple[str, ...] | None = None) -> Response:
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.order_id != order.id or (kinds is not None and photo.kind not in kinds):
        abort(404)
    try:
        if size == "thumb":
            path, mimetype = uploads.thumbnail("photos", photo.sha256), "image/jpeg"
        else:
            path, mimetype = uploads.path_of("photos", photo.sha256), photo.content_type
            if mimetype not in IMAGE_TYPES or not path.is_file():
                abort(404)
    except OSError:  # the stored file is gone or unreadable: as if there were no photo
        abort(404)
    name = f"{order.number}-{photo.kind}-{photo.id}{'-thumb' if size == 'thumb' else ''}.{IMAGE_TYPES[mimetype]}"
    response = send_file(path, mimetype=mimetype, max_age=0, conditional=False, etag=False,
                         download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
