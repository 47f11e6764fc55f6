"""PDFs with WeasyPrint, never fetching anything over HTTP.

WeasyPrint resolves ``<link>`` and ``<img>`` URLs through a ``url_fetcher``.
Ours answers only for the blueprint's own static files (read straight from
the package, or the host's override of them) and refuses everything else, so
rendering a PDF never calls the app, the network or an arbitrary file.
"""
from __future__ import annotations

import base64
import functools
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template, url_for

STATIC_ROOT = (Path(__file__).resolve().parent.parent / "static").resolve()
BASE_URL = "secondop-pdf://local/"


class PdfFetchRefused(ValueError):
    """A PDF template asked for something outside the package's static files."""


def _static_resource(url: str) -> tuple[bytes, str]:
    """The bytes and type of one of the blueprint's static files; refuse anything else."""
    parts = urlsplit(url)
    static_prefix = url_for("secondop.static", filename="")
    path = unquote(parts.path)
    if parts.scheme not in ("secondop-pdf", "") or not path.startswith(static_prefix):
        raise PdfFetchRefused(f"PDF resources must be package static files, not {url!r}")
    target = (STATIC_ROOT / path[len(static_prefix):]).resolve()
    if STATIC_ROOT not in target.parents or not target.is_file():
        raise PdfFetchRefused(f"no such static file: {path!r}")
    mime, _ = mimetypes.guess_type(target.name)
    return target.read_bytes(), mime or "application/octet-stream"


@functools.cache
def _fetcher_class() -> type:
    """Built on first use: importing WeasyPrint is slow, and pages that never
    render a PDF should not pay for it at start-up."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticURLFetcher(URLFetcher):  # type: ignore[misc]  # the library ships no types
        """Answers only for the package's static files (and inline ``data:``
        URLs); anything else raises :class:`PdfFetchRefused`."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if urlsplit(url).scheme == "data":
                return super().fetch(url, headers)  # inline data: no I/O
            data, mime = _static_resource(url)
            return URLFetcherResponse(url, data, {"Content-Type": mime})

    return StaticURLFetcher


def static_url_fetcher() -> Any:
    """A fetcher that never calls the app, the network or an arbitrary file."""
    return _fetcher_class()(allowed_protocols=("data", "secondop-pdf"))


@dataclass(frozen=True)
class Embedded:
    """A small file to embed in an archival PDF as an associated file
    (PDF/A-3 ``/AF``), e.g. a machine-readable manifest."""

    name: str
    data: bytes
    mimetype: str
    description: str
    created: datetime
    # ISO 32000-2 7.11.3: "Data" is information the visible pages present.
    relationship: str = "Data"


def _attachments(embedded: Sequence[Embedded]) -> list[Any]:
    """New WeasyPrint ``Attachment`` objects for one render: an Attachment
    holds its source and checksum, so one must never serve two documents.
    A ``data:`` URL carries the media type (WeasyPrint would guess it from
    the name: ``application/json`` for a FHIR bundle)."""
    from weasyprint import Attachment

    return [
        Attachment(
            url=f"data:{item.mimetype};base64,{base64.b64encode(item.data).decode('ascii')}",
            url_fetcher=static_url_fetcher(),  # inline data only: no I/O
            name=item.name,
            description=item.description,
            created=item.created,
            modified=item.created,
            relationship=item.relationship,
        )
        for item in embedded
    ]


def render_pdf(template: str, *, embedded: Sequence[Embedded] = (),
               url_fetcher: Any = None, **context: Any) -> bytes:
    """Render a Jinja template to a tagged PDF: PDF/UA-1, or PDF/A-3b (still
    tagged: ``pdf_tags``) when files are ``embedded``, since PDF/UA-1 has
    no associated files and PDF/A-3 is the archival form that allows them.

    Use inside a request (the locale, ``url_for`` and the acting patient come
    from it). Pages are small summaries; stored files never go inside."""
    from weasyprint import HTML

    html = render_template(template, secondop_pdf=True, **context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher or static_url_fetcher())
    current_app.logger.debug("rendering PDF from %s", template)  # template name only: no patient data
    if embedded:
        return cast(bytes, document.write_pdf(
            pdf_variant="pdf/a-3b", pdf_tags=True, attachments=_attachments(embedded)))
    return cast(bytes, document.write_pdf(pdf_variant="pdf/ua-1"))
