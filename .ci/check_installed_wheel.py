"""Run from a folder holding only a copy of example_host/: the package must
come from the installed wheel, and serve its templates, static files and
Spanish catalog from there."""
from __future__ import annotations

import sys
from pathlib import Path

import oncokind_secondop

installed = Path(oncokind_secondop.__file__).resolve()
assert "site-packages" in installed.parts, f"package imported from {installed}, not the wheel"

from example_host import create_app  # noqa: E402

app = create_app()
client = app.test_client()
page = client.get("/second-opinion/", headers={"Accept-Language": "es"})
html = page.get_data(as_text=True)
assert page.status_code == 200, page.status_code
assert "Cómo obtener una segunda opinión" in html, "Spanish strings missing from the installed wheel"
assert "Solo para información." in html
css = client.get("/second-opinion/static/secondop/secondop.css")
assert css.status_code == 200 and b".secondop" in css.data, "static files missing from the wheel"
login = client.get("/second-opinion/choose")
assert login.status_code == 302 and login.location.startswith("/login"), login.location
print(f"installed wheel OK: {installed.parent}")
sys.exit(0)
