"""Every catalog under ``translations/`` is complete, current and well formed.

Fails on: an untranslated message (or an empty plural form), a fuzzy flag, a
stale catalog (its msgids differ from a fresh extraction of the sources with
``bin/catalogs``'s own keywords), placeholders that differ from the msgid, a
missing "awaiting review" marker, and a plural count that is not the
locale's. The committed ``.pot`` must equal a fresh extraction too.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "translations"
POT = SOURCES / "oncokind_secondop.pot"
DOMAIN = "oncokind_secondop"
# The six languages of issue 5 (English is the source language, no catalog).
REQUIRED_LANGUAGES = {"es", "zh_Hans", "vi", "ko", "tl", "ar"}
REVIEW_MARKER = "awaiting review by a qualified medical translator"
# %(name)s, %s, %d... but not the literal %%.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifxXr]")


def catalog_paths() -> list[Path]:
    return sorted(SOURCES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def load(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=path.parent.parent.name, domain=DOMAIN)


def ids(catalog: Catalog) -> set[tuple[str, ...] | str]:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


# The number ngettext chooses the form by (``num``, or ``count`` where a message names it).
COUNT_PLACEHOLDERS = {"%(count)s", "%(count)d", "%(num)s", "%(num)d"}


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


@pytest.fixture(scope="module")
def fresh_pot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Extract the sources exactly as ``bin/catalogs extract`` does, into a temp file."""
    target = tmp_path_factory.mktemp("pot") / f"{DOMAIN}.pot"
    subprocess.run([str(ROOT / "bin" / "catalogs"), "extract"], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHON": sys.executable, "POT": str(target)}, capture_output=True)
    return target


# --- the language set: expected to fail until the six catalogs are merged -----------------------

def test_REQUIRED_the_six_languages_of_issue_5_have_catalogs() -> None:
    present = {p.parent.parent.name for p in catalog_paths()}
    assert REQUIRED_LANGUAGES <= present, f"missing catalogs: {sorted(REQUIRED_LANGUAGES - present)}"


# --- the template ------------------------------------------------------------------------------

def _without_date(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith('"POT-Creation-Date:')]


def test_committed_pot_equals_a_fresh_extraction(fresh_pot: Path) -> None:
    assert _without_date(POT) == _without_date(fresh_pot), "stale .pot: run bin/catalogs update"


# --- each catalog ------------------------------------------------------------------------------

@pytest.fixture(params=catalog_paths(), ids=lambda p: p.parent.parent.name)
def catalog(request: pytest.FixtureRequest) -> Catalog:
    return load(request.param)


def test_catalog_is_current_with_the_sources(catalog: Catalog, fresh_pot: Path) -> None:
    with fresh_pot.open("rb") as fh:
        template = read_po(fh)
    missing, obsolete = ids(template) - ids(catalog), ids(catalog) - ids(template)
    assert not missing, f"{len(missing)} new source strings not in the catalog, e.g. {sorted(map(str, missing))[:5]}"
    assert not obsolete, f"{len(obsolete)} strings no longer in the sources, e.g. {sorted(map(str, obsolete))[:5]}"


def test_every_message_is_translated(catalog: Catalog) -> None:
    empty = [m.id for m in catalog if m.id and (
        not m.string or (not isinstance(m.string, str) and not all(m.string)))]
    assert not empty, f"{len(empty)} untranslated, e.g. {empty[:5]}"


def test_no_fuzzy_messages(catalog: Catalog) -> None:
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_placeholders_match_the_msgid(catalog: Catalog) -> None:
    wrong = []
    for m in catalog:
        if not m.id or not m.string:
            continue
        if isinstance(m.id, str):
            if placeholders(m.string) != placeholders(m.id):
                wrong.append((m.id, m.string))
            continue
        wanted = placeholders(m.id[0]) | placeholders(m.id[1])
        for form in filter(None, m.string):
            # A form for particular numbers may say the count in words ("Una razón",
            # Arabic "يومان"), never add, rename or drop another placeholder.
            got = placeholders(form)
            if not got <= wanted or (wanted - COUNT_PLACEHOLDERS) - got:
                wrong.append((m.id, form))
        if m.string[-1] and placeholders(m.string[-1]) != wanted:
            wrong.append((m.id, m.string[-1]))  # the general ("other") form keeps the number
    assert not wrong, f"{len(wrong)} with wrong placeholders, e.g. {wrong[:3]}"


def test_catalog_is_marked_as_awaiting_medical_review(catalog: Catalog) -> None:
    header = " ".join([catalog.header_comment or "", *map(str, catalog.mime_headers)])
    assert REVIEW_MARKER in " ".join(header.split()).lower(), f"no \"{REVIEW_MARKER}\" in the header"


def test_plural_count_is_the_locales(catalog: Catalog) -> None:
    expected = get_plural(catalog.locale).num_plurals
    assert catalog.num_plurals == expected, f"Plural-Forms says {catalog.num_plurals}, {catalog.locale} has {expected}"
    wrong = [m.id for m in catalog if m.pluralizable and m.string and len(m.string) != expected]
    assert not wrong, f"plural messages without {expected} forms: {wrong[:5]}"


def test_the_checks_can_fail(tmp_path: Path, fresh_pot: Path) -> None:
    """A broken catalog trips each check (so none of them passes vacuously)."""
    with fresh_pot.open("rb") as fh:
        template = read_po(fh)
    broken = Catalog(locale="ko", domain=DOMAIN)
    first, *_ = [m for m in template if m.id and isinstance(m.id, str) and "%(" in m.id]
    broken.add(first.id, "번역 %(wrong)s", flags={"fuzzy"})
    broken.add("Nobody says this", "")
    assert placeholders(broken[first.id].string) != placeholders(first.id)
    assert broken[first.id].fuzzy
    assert ids(broken) - ids(template) == {"Nobody says this"}
    assert REVIEW_MARKER not in (broken.header_comment or "").lower()
