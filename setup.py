"""Compile the gettext catalogs into the package while building, so a wheel
never ships English only (the classic extension bug: .mo files left behind)."""
import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithCatalogs(build_py):
    def run(self) -> None:
        spec = importlib.util.spec_from_file_location("_catalogs", ROOT / "oncokind_secondop" / "_catalogs.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.compile_catalogs(ROOT / "translations", ROOT / "oncokind_secondop" / "translations")
        super().run()


setup(cmdclass={"build_py": BuildPyWithCatalogs})
