"""The built wheel carries templates, static files, migrations and compiled catalogs."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds a wheel (about 10 s)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    # Build from a copy holding only tracked files: what a clean clone would build.
    source = tmp_path_factory.mktemp("src")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, target)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
                   cwd=source, check=True, capture_output=True)
    (path,) = out.glob("*.whl")
    return zipfile.ZipFile(path)


def test_wheel_ships_templates_static_migrations_and_typing(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for required in (
        "oncokind_secondop/py.typed",
        "oncokind_secondop/templates/secondop/_layout.html",
        "oncokind_secondop/templates/secondop/_standalone.html",
        "oncokind_secondop/templates/secondop/hub.html",
        "oncokind_secondop/static/secondop/secondop.css",
        "oncokind_secondop/migrations/env.py",
        "oncokind_secondop/migrations/script.py.mako",
        "oncokind_secondop/migrations/versions/0001_base.py",
    ):
        assert required in names, required
    assert not any(name.startswith(("tests/", "example_host/")) for name in names)


def test_wheel_ships_compiled_catalogs_for_every_language(wheel: zipfile.ZipFile) -> None:
    languages = sorted(p.parent.parent.name for p in (ROOT / "translations").glob("*/LC_MESSAGES/oncokind_secondop.po"))
    assert "es" in languages
    for lang in languages:
        name = f"oncokind_secondop/translations/{lang}/LC_MESSAGES/oncokind_secondop.mo"
        assert name in wheel.namelist(), name
        assert len(wheel.read(name)) > 500


def test_every_template_in_the_tree_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    package = ROOT / "oncokind_secondop"
    tracked = subprocess.run(["git", "ls-files", "oncokind_secondop/templates", "oncokind_secondop/static",
                              "oncokind_secondop/data"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in tracked.stdout.split():
        assert name in wheel.namelist(), name
    assert package.exists()
