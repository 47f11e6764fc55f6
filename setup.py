"""Compile the gettext catalogs into the package while building, so a wheel
never ships English only (the classic extension bug: .mo files left behind)."""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogs(build_py):
    def run(self) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(__file__).parent
        target = root / "oncokind_secondop" / "translations"
        for po_path in sorted((root / "translations").glob("*/LC_MESSAGES/oncokind_secondop.po")):
            lang = po_path.parent.parent.name
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
            out = target / lang / "LC_MESSAGES" / "oncokind_secondop.mo"
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("wb") as fh:
                write_mo(fh, catalog)
        super().run()


setup(cmdclass={"build_py": BuildPyWithCatalogs})
