"""The packet services run without a request (issue 14): no service module
imports Flask, Flask-WTF, Flask-Babel or Werkzeug, nor (even through other
package modules) the request-bound ones: the acting patient
(``access``), the app's state (``extension``), the audit (``signals``), or
the views, forms and upload parser. A synthetic package checks that the test
can fail."""

from __future__ import annotations

from pathlib import Path

from ..test_import_graph import PACKAGE_DIR, _write, external_imports, import_graph, reachable

SERVICES = "oncokind_secondop.packet.services"
#: Libraries that need an app or a request.
WEB_LIBRARIES = ("flask", "flask_wtf", "flask_babel", "flask_login", "werkzeug")
#: Package modules that need a request (or are the HTTP layer).
REQUEST_BOUND = (
    "oncokind_secondop.access",
    "oncokind_secondop.extension",
    "oncokind_secondop.signals",
    "oncokind_secondop.blueprint",
    "oncokind_secondop.csrf",
    "oncokind_secondop.form_messages",
    "oncokind_secondop.forms_common",
    "oncokind_secondop.responses",
    "oncokind_secondop.uploads",
    "oncokind_secondop.exports",
    "oncokind_secondop.packet.views",
    "oncokind_secondop.packet.export.views",
    "oncokind_secondop.packet.forms",
    "oncokind_secondop.packet.display",
)


def request_bound(module: str) -> bool:
    return any(module == bound or module.startswith(bound + ".") for bound in REQUEST_BOUND)


def service_modules(graph: dict[str, set[str]]) -> list[str]:
    return sorted(m for m in graph if m == SERVICES or m.startswith(SERVICES + "."))


def test_service_modules_import_no_web_library() -> None:
    files = sorted((PACKAGE_DIR / "packet" / "services").glob("*.py"))
    assert len(files) >= 4  # the package and its modules were read
    for path in files:
        assert not external_imports(path) & set(WEB_LIBRARIES), path.name


def test_service_modules_reach_no_request_bound_module() -> None:
    graph = import_graph(PACKAGE_DIR)
    modules = service_modules(graph)
    assert f"{SERVICES}.children" in modules
    for module in modules:
        bound = sorted(m for m in reachable(graph, module) if request_bound(m))
        assert bound == [], f"{module} imports {bound}"


def test_a_synthetic_service_that_imports_flask_is_caught(tmp_path: Path) -> None:
    package = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/access.py": "from flask import g\n",
        "pkg/services.py": "from .helpers import thing\n",
        "pkg/helpers.py": "thing = 1\ndef later():\n    from .access import g\n",
        "pkg/direct.py": "import werkzeug.exceptions\nfrom flask_babel import gettext\n",
    })
    assert external_imports(package / "direct.py") == {"werkzeug", "flask_babel"}
    assert external_imports(package / "services.py") == set()
    assert reachable(import_graph(package), "pkg.services") == {"pkg.helpers", "pkg.access"}


def test_no_packet_view_module_imports_the_wiring() -> None:
    """Every module of ``packet/views/`` (not only its ``__init__``) stays off
    the blueprint factory: views -> blueprint -> capabilities -> views was a cycle."""
    graph = import_graph(PACKAGE_DIR)
    views = [m for m in graph if m.startswith("oncokind_secondop.packet.views")]
    assert "oncokind_secondop.packet.views.items" in views
    for module in views:
        assert not graph[module] & {"oncokind_secondop.blueprint", "oncokind_secondop.mount",
                                    "oncokind_secondop.capabilities"}, module
