"""Private files: residents' photos and export files, under random names, served only by a
view that has checked the user's right to the record (GB/T 22239-2019 L2 访问控制, PIPL).

Nothing under ``MEDIA_ROOT`` has a public URL. Each app's view finds the record through its
``access`` module (404 for anyone else) and hands the file to ``serve``. In production
nginx sends the bytes: with ``YISHI_ACCEL_REDIRECT=/protected/`` the view answers with an
``X-Accel-Redirect`` header only, and nginx serves ``MEDIA_ROOT`` from an ``internal``
location (README, "Deployment"). Public notice attachments go through a view too, which
checks only that the notice is on the board.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase


def random_name(folder: str, filename: str) -> str:
    """``folder/<32 random hex>.<ext>``: the stored name tells nothing about the resident
    or the record, and cannot be guessed."""
    ext = PurePosixPath(filename or "").suffix.lower()[:10]
    if not ext[1:].isalnum():
        ext = ""
    return f"{folder.strip('/')}/{uuid.uuid4().hex}{ext}"


def serve(file: FieldFile, *, content_type: str, filename: str | None = None,
          as_attachment: bool = False, private: bool = True) -> HttpResponseBase:
    """The file's bytes (or nginx's redirect to them) for a user already checked."""
    prefix = getattr(settings, "YISHI_ACCEL_REDIRECT", "")
    if prefix:
        name = file.name or ""
        if not name or not file.storage.exists(name):
            raise Http404
        response: HttpResponseBase = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(prefix.rstrip("/") + "/" + name)
        if filename or as_attachment:
            kind = "attachment" if as_attachment else "inline"
            response["Content-Disposition"] = (
                f"{kind}; filename*=UTF-8''{quote(filename or PurePosixPath(name).name)}")
    else:
        try:
            handle = file.open("rb")
        except (OSError, ValueError) as exc:  # gone from the disk, or no file at all
            raise Http404 from exc
        response = FileResponse(handle, content_type=content_type, filename=filename or "",
                                as_attachment=as_attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=3600"
    return response
