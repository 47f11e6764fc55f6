"""CSRF on every state change, using the host's Flask-WTF.

We never create a ``CSRFProtect``. If the host has one, it checks our forms
too. If not, the blueprint checks the token itself (form field
``csrf_token`` or header ``X-CSRFToken``). Streaming upload views are exempt
from the host's early check (which would spool the whole body to disk before
refusing it) and check the token themselves: from the header, or from the
form field when it arrives before the first file part (a file part that comes
first is refused before any of it is stored).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

F = TypeVar("F", bound=Callable[..., Any])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
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


def check_token(token: str | None) -> None:
    """Raise ``CSRFError`` (400) unless ``token`` is valid for this session."""
    if not csrf_enabled():
        return
    try:
        validate_csrf(token)
    except ValidationError as exc:
        raise CSRFError(exc.args[0]) from exc


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
    token = request.headers.get("X-CSRFToken") or request.form.get("csrf_token")
    check_token(token)
