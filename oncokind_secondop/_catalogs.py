"""Compile the catalog sources (top-level ``translations/*.po``) into the
package (``oncokind_secondop/translations/*/LC_MESSAGES/*.mo``).

Imports nothing but Babel, so ``setup.py`` can load this file by path while
building a wheel (before Flask is installed)."""
from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "oncokind_secondop"

# Babel resolves some language codes to another locale: "tl" (Tagalog) parses as
# fil_PH, so gettext looks for "fil_PH"/"fil". The catalog is kept under its
# familiar code and compiled under the alias too.
ALIASES = {"tl": ("fil",)}


def compile_catalogs(source: Path, target: Path, *, only_if_stale: bool = False,
                     domain: str = DOMAIN) -> list[Path]:
    """Write one ``.mo`` per ``<source>/<lang>/LC_MESSAGES/<domain>.po``; return them."""
    written: list[Path] = []
    for po_path in sorted(source.glob(f"*/LC_MESSAGES/{domain}.po")):
        lang = po_path.parent.parent.name
        for code in (lang, *ALIASES.get(lang, ())):
            out = target / code / "LC_MESSAGES" / f"{domain}.mo"
            if only_if_stale and out.exists() and out.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=lang, domain=domain)
            out.parent.mkdir(parents=True, exist_ok=True)
            partial = out.with_name(f".{out.name}.{os.getpid()}.tmp")
            with partial.open("wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
            os.replace(partial, out)  # concurrent workers never read a half-written catalog
            written.append(out)
    return written


if __name__ == "__main__":  # python oncokind_secondop/_catalogs.py
    root = Path(__file__).resolve().parent.parent
    for path in compile_catalogs(root / "translations", root / "oncokind_secondop" / "translations"):
        print(f"compiled {path.relative_to(root)}")
