"""The layers of docs/architecture.md, as import-linter contracts
(``[tool.importlinter]`` in pyproject.toml): kept on the package as it is,
and broken by one wrong arrow (so the check can fail)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_every_layer_contract_is_kept() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _copy_with(tmp_path: Path, module: str, line: str) -> Path:
    shutil.copytree(ROOT / "oncokind_secondop", tmp_path / "oncokind_secondop",
                    ignore=shutil.ignore_patterns("__pycache__", "translations", "static", "templates"))
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{line}  # a wrong arrow, on purpose\n")
    return tmp_path


def test_a_service_importing_flask_breaks_the_build(tmp_path: Path) -> None:
    result = _lint(_copy_with(tmp_path, "oncokind_secondop/compare/services.py", "from flask import g"))
    assert result.returncode != 0
    assert "Services run without a request: no web framework imported by them BROKEN" in result.stdout


def test_a_generic_writer_importing_a_capability_breaks_the_build(tmp_path: Path) -> None:
    result = _lint(_copy_with(tmp_path, "oncokind_secondop/exports/pdf.py",
                              "from oncokind_secondop.packet import models"))
    assert result.returncode != 0
    assert "Generic writers and upload checks know no capability and no wiring BROKEN" in result.stdout


def test_a_model_importing_its_views_breaks_the_build(tmp_path: Path) -> None:
    result = _lint(_copy_with(tmp_path, "oncokind_secondop/packet/models.py",
                              "from oncokind_secondop.packet.views import common"))
    assert result.returncode != 0
    assert "Inside the packet: views and exports over services over models BROKEN" in result.stdout
