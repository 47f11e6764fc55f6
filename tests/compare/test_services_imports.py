"""Compare's service modules run without a request (issue 14): they import
nothing from Flask and none of the package's request-bound modules, directly
or through another package module."""

from __future__ import annotations

from pathlib import Path

from ..test_import_graph import PACKAGE_DIR, external_imports, import_graph, reachable

SERVICE_MODULES = ("oncokind_secondop.compare.services", "oncokind_secondop.compare.comparison")

#: Third-party packages bound to a request or an app.
FLASK_PACKAGES = frozenset({"flask", "flask_wtf", "flask_babel", "flask_login", "werkzeug", "wtforms"})

#: Package modules that need a request, an app or the view layer.
REQUEST_BOUND = frozenset(
    f"oncokind_secondop.{name}"
    for name in ("access", "extension", "signals", "blueprint", "csrf", "form_messages", "forms_common",
                 "responses", "routes", "capabilities", "mount", "compare.forms", "compare.views")
)

#: Package modules a service may reach although they import Flask at module
#: level, and why that needs no request: ``i18n`` for the fields' lazy labels
#: (``_l`` formats nothing until rendered); ``adapters`` for the
#: ``RecordStore`` type (it imports only ``flask.typing``, for
#: ``AuthAdapter.login_redirect``'s annotation). The store itself comes in as
#: an argument: ``contrib.sqlalchemy`` is never reached.
ALLOWED_FLASK_IMPORTERS = frozenset({"oncokind_secondop.i18n", "oncokind_secondop.adapters"})


def _module_path(name: str) -> Path:
    relative = Path(*name.split(".")[1:])
    path = PACKAGE_DIR / relative.with_suffix(".py")
    return path if path.exists() else PACKAGE_DIR / relative / "__init__.py"


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """``start`` and every package module it reaches."""
    return reachable(graph, start) | {start}


def test_service_modules_import_nothing_from_flask() -> None:
    for name in SERVICE_MODULES:
        assert not external_imports(_module_path(name)) & FLASK_PACKAGES, name


def test_service_modules_reach_no_request_bound_module() -> None:
    graph = import_graph(PACKAGE_DIR)
    for name in SERVICE_MODULES:
        reached = _reachable(graph, name)
        assert not reached & REQUEST_BOUND, (name, sorted(reached & REQUEST_BOUND))
        flask_importers = {m for m in reached if external_imports(_module_path(m)) & FLASK_PACKAGES}
        assert flask_importers <= ALLOWED_FLASK_IMPORTERS, (name, sorted(flask_importers))


def test_the_check_sees_a_flask_import() -> None:
    """The checks can fail: the views import Flask and reach access/signals."""
    views = "oncokind_secondop.compare.views.worksheets"
    assert "flask" in external_imports(_module_path(views))
    assert {"oncokind_secondop.access", "oncokind_secondop.signals"} <= _reachable(import_graph(PACKAGE_DIR), views)
