"""Imports in two steps — upload → preview of every row → confirm — and the exports and templates.

Between the steps the uploaded bytes wait in the instance folder under a random name, with who
uploaded them for which project; confirming checks the whole file again inside the transaction.
"""
from __future__ import annotations

import hashlib
import io
import json
import secrets
import time
from pathlib import Path

from flask import abort, current_app, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..htmx import redirect_to, render
from ..permissions import roles
from ..services import imports
from ..services.exports import export as export_xlsx
from ..services.exports import template as template_xlsx
from ..web import actor
from .forms import ImportForm
from .common import ADMINS, bp, scoped_project

KINDS = ("units", "users")
KEEP_SECONDS = 24 * 3600
SHOWN = 2000  # rows listed in a preview; every refused row comes first
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):  # uploads never confirmed are forgotten after a day
        if old.stat().st_mtime < time.time() - KEEP_SECONDS:
            old.unlink(missing_ok=True)
            old.with_suffix(".bin").unlink(missing_ok=True)
    return folder


def _kind_or_404(kind: str) -> str:
    if kind not in KINDS:
        abort(404)
    return kind


def _store(kind: str, project_id: int, filename: str, data: bytes) -> str:
    token = secrets.token_hex(16)
    folder = _folder()
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({
        "kind": kind, "project_id": project_id, "user_id": current_user.id, "filename": filename,
        "sha256": hashlib.sha256(data).hexdigest()}))
    return token


def _load(token: str, kind: str, project_id: int) -> tuple[dict, bytes] | None:
    if not (len(token) == 32 and all(c in "0123456789abcdef" for c in token)):
        return None
    folder = _folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    if (meta.get("kind"), meta.get("project_id"), meta.get("user_id")) != (kind, project_id, current_user.id):
        return None
    if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        return None
    return meta, data


def _forget(token: str) -> None:
    folder = _folder()
    (folder / f"{token}.json").unlink(missing_ok=True)
    (folder / f"{token}.bin").unlink(missing_ok=True)


@bp.route("/projects/<int:project_id>/import/<kind>", methods=["GET", "POST"])
@roles(ADMINS)
def import_file(project_id: int, kind: str):
    project = scoped_project(project_id)
    kind = _kind_or_404(kind)
    form = ImportForm()
    if request.method == "GET":
        return render("admin/import.html", project=project, kind=kind, form=form, plan=None,
                      done=request.args.get("done"))
    if not form.validate_on_submit():
        return render("admin/import.html", project=project, kind=kind, form=form, plan=None, status=422)
    upload = form.file.data
    data = upload.read(imports.MAX_BYTES + 1)
    filename = (upload.filename or "upload")[:200]
    plan = imports.plan_for(kind, project, data, filename)
    token = _store(kind, project.id, filename, data) if plan.valid else None
    return render("admin/import.html", project=project, kind=kind, form=ImportForm(formdata=None), plan=plan,
                  token=token, filename=filename, shown=SHOWN, status=200 if plan.valid else 422)


@bp.route("/projects/<int:project_id>/import/<kind>/confirm", methods=["POST"])
@roles(ADMINS)
def import_confirm(project_id: int, kind: str):
    project = scoped_project(project_id)
    kind = _kind_or_404(kind)
    token = request.form.get("token", "")
    loaded = _load(token, kind, project.id)
    if loaded is None:
        return render("admin/import.html", project=project, kind=kind, form=ImportForm(formdata=None), plan=None,
                      error=_("This upload is no longer waiting: upload the file again."), status=409)
    meta, data = loaded
    try:
        plan = imports.apply_for(kind, actor(), project, data, meta["filename"])
    except imports.ImportRefused as e:  # the database changed since the preview
        _forget(token)
        return render("admin/import.html", project=project, kind=kind, form=ImportForm(formdata=None), plan=e.plan,
                      token=None, filename=meta["filename"], shown=SHOWN, status=422)
    _forget(token)
    return redirect_to(url_for("admin.import_file", project_id=project.id, kind=kind,
                               done=f"{plan.count('add')}-{plan.count('change')}-{plan.count('same')}"))


@bp.route("/import/<kind>/template.xlsx")
@roles(ADMINS)
def import_template(kind: str):
    kind = _kind_or_404(kind)
    names = {"units": "房号导入模板.xlsx", "users": "用户导入模板.xlsx"}
    return send_file(io.BytesIO(template_xlsx(kind)), mimetype=XLSX, as_attachment=True, download_name=names[kind])


@bp.route("/projects/<int:project_id>/export/<kind>.xlsx")
@roles(ADMINS)
def export(project_id: int, kind: str):
    project = scoped_project(project_id)
    kind = _kind_or_404(kind)
    names = {"units": "房号", "users": "用户"}
    return send_file(io.BytesIO(export_xlsx(kind, project)), mimetype=XLSX, as_attachment=True,
                     download_name=f"{project.code}-{names[kind]}.xlsx")
