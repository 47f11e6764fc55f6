"""CSRF on every state change, using the host's Flask-WTF: the package's one
CSRF mechanism (the forms, the blueprint and the upload parser all go
through here).

We never create a ``CSRFProtect``. If the host has one, it checks our
requests before any view runs. If not, :func:`protect_blueprint_request`
(the blueprint's ``before_request``) does the same check. Either way the
request is then marked valid (``g.csrf_valid``, Flask-WTF's own flag), so a
form's ``validate()`` does not check the token a second time.

Streaming upload views (:func:`checks_csrf_itself`) are exempt from that early
check (the host's would spool the whole body to disk before refusing it) and
check the token with a :class:`StreamingCheck` while they read: from the
header before the body, or from the form field when it arrives before the
first file part (a file part that comes first is refused before any of it is
stored).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, current_app, g, request
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

F = TypeVar("F", bound=Callable[..., Any])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
HEADER, FIELD = "X-CSRFToken", "csrf_token"
_STREAMING_VIEWS: set[str] = set()


def checks_csrf_itself(view: F) -> F:
    """Mark a view that validates the CSRF token on its own (streaming uploads)."""
    _STREAMING_VIEWS.add(f"{view.__module__}.{view.__name__}")
    view._secondop_checks_csrf = True  # type: ignore[attr-defined]
    return view


def exempt_streaming_views(app: Flask) -> None:
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        for location in _STREAMING_VIEWS:
            csrf.exempt(location)


def csrf_enabled() -> bool:
    return bool(current_app.config.get("WTF_CSRF_ENABLED", True))


def request_token(fields: Mapping[str, str]) -> str | None:
    """This request's token: the header, else the ``csrf_token`` form field."""
    return request.headers.get(HEADER) or fields.get(FIELD)


def check_token(token: str | None) -> None:
    """Raise ``CSRFError`` (400) unless ``token`` is valid for this session;
    then mark the request valid, as the host's ``CSRFProtect`` would."""
    if not csrf_enabled():
        return
    try:
        validate_csrf(token)
    except ValidationError as exc:
        raise CSRFError(exc.args[0]) from exc
    g.csrf_valid = True


def protect_blueprint_request() -> None:
    """``before_request`` for the blueprint: check state-changing requests
    unless the host's CSRFProtect already did, or the view does it itself."""
    if request.method in SAFE_METHODS or not csrf_enabled():
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, "_secondop_checks_csrf", False):
        return
    if "csrf" in current_app.extensions:
        return  # the host's CSRFProtect ran before us
    check_token(request_token(request.form))


class StreamingCheck:
    """The token check of a view that reads its own body: once per request,
    as early as the token can be known (call :meth:`before_body`, then
    :meth:`check` at each file part and after the last part)."""

    def __init__(self) -> None:
        self.done = not csrf_enabled()

    def before_body(self) -> None:
        """A header token is checked before a single byte is read."""
        if request.headers.get(HEADER):
            self.check({})

    def check(self, fields: Mapping[str, str]) -> None:
        """The header or a ``csrf_token`` field read so far; none is a refusal."""
        if not self.done:
            check_token(request_token(fields))
            self.done = True
