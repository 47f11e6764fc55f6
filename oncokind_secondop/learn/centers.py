"""The centers and programs finder's data: load, check, merge, filter.

The shipped file ``oncokind_secondop/data/centers.json`` is dated and sourced.
A host replaces it with ``SECONDOP_CENTERS_FILE`` or adds entries with
``SECONDOP_EXTRA_CENTERS_FILE``. Both are checked against :data:`SCHEMA` when
the blueprint is registered (start-up), so a bad file stops the portal with a
message naming the file and the faulty field, not a patient's page.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

import jsonschema
from flask import current_app
from flask.sansio.app import App

from ..config import ConfigError
from ..i18n import _l

#: Places a visitor can pick in the finder (USPS codes), shown by name.
US_STATES: dict[str, object] = {
    "AL": _l("Alabama"),
    "AK": _l("Alaska"),
    "AZ": _l("Arizona"),
    "AR": _l("Arkansas"),
    "CA": _l("California"),
    "CO": _l("Colorado"),
    "CT": _l("Connecticut"),
    "DE": _l("Delaware"),
    "DC": _l("District of Columbia"),
    "FL": _l("Florida"),
    "GA": _l("Georgia"),
    "HI": _l("Hawaii"),
    "ID": _l("Idaho"),
    "IL": _l("Illinois"),
    "IN": _l("Indiana"),
    "IA": _l("Iowa"),
    "KS": _l("Kansas"),
    "KY": _l("Kentucky"),
    "LA": _l("Louisiana"),
    "ME": _l("Maine"),
    "MD": _l("Maryland"),
    "MA": _l("Massachusetts"),
    "MI": _l("Michigan"),
    "MN": _l("Minnesota"),
    "MS": _l("Mississippi"),
    "MO": _l("Missouri"),
    "MT": _l("Montana"),
    "NE": _l("Nebraska"),
    "NV": _l("Nevada"),
    "NH": _l("New Hampshire"),
    "NJ": _l("New Jersey"),
    "NM": _l("New Mexico"),
    "NY": _l("New York"),
    "NC": _l("North Carolina"),
    "ND": _l("North Dakota"),
    "OH": _l("Ohio"),
    "OK": _l("Oklahoma"),
    "OR": _l("Oregon"),
    "PA": _l("Pennsylvania"),
    "PR": _l("Puerto Rico"),
    "RI": _l("Rhode Island"),
    "SC": _l("South Carolina"),
    "SD": _l("South Dakota"),
    "TN": _l("Tennessee"),
    "TX": _l("Texas"),
    "UT": _l("Utah"),
    "VT": _l("Vermont"),
    "VA": _l("Virginia"),
    "WA": _l("Washington"),
    "WV": _l("West Virginia"),
    "WI": _l("Wisconsin"),
    "WY": _l("Wyoming"),
}

SHIPPED_FILE = Path(__file__).resolve().parent.parent / "data" / "centers.json"
EXTENSION_KEY = "secondop.learn.centers"

_STATE = {"type": "string", "pattern": "^[A-Z]{2}$"}
_SOURCE = {
    "type": "object",
    "required": ["title", "url"],
    "properties": {"title": {"type": "string", "minLength": 1},
                   "url": {"type": "string", "pattern": "^https?://"}},
}

#: The shape of a centers file. An extra file may leave out ``as_of`` and
#: ``sources`` only if it adds no entries (it then changes nothing).
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["as_of", "sources", "centers", "programs"],
    "properties": {
        "as_of": {"type": "string", "format": "date"},
        "sources": {"type": "array", "minItems": 1, "items": _SOURCE},
        "note": {"type": "string"},
        "centers": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "city", "state", "type"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "city": {"type": "string", "minLength": 1},
                    "state": _STATE,
                    "type": {"enum": ["comprehensive", "clinical"]},
                    "remote": {"type": "boolean"},
                    "url": {"type": "string", "pattern": "^https?://"},
                },
            },
        },
        "programs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "institution", "remote", "how", "source"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "institution": {"type": "string", "minLength": 1},
                    "states": {"type": "array", "items": _STATE},
                    "remote": {"type": "boolean"},
                    "how": {"enum": ["patient", "doctor", "in_person"]},
                    "notes": {"type": "string"},
                    "source": {"type": "string", "pattern": "^https?://"},
                },
            },
        },
    },
}


class CentersFileError(ConfigError):
    """A centers data file is missing, not JSON, or not the expected shape
    (a configuration error: it stops the portal at start-up)."""


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Center:
    name: str
    city: str
    state: str
    type: str  # "comprehensive" or "clinical" (NCI designation)
    remote: bool = False
    url: str | None = None


@dataclass(frozen=True)
class Program:
    name: str
    institution: str
    remote: bool
    how: str  # "patient": you ask yourself; "doctor": your doctor asks; "in_person"
    source: str
    states: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Directory:
    as_of: date
    sources: tuple[Source, ...]
    centers: tuple[Center, ...]
    programs: tuple[Program, ...]
    note: str = ""

    @property
    def states(self) -> list[str]:
        """Every state that has at least one center or in-person program."""
        found = {c.state for c in self.centers}
        found.update(s for p in self.programs for s in p.states)
        return sorted(found)


@dataclass(frozen=True)
class FinderResult:
    centers: tuple[Center, ...]
    programs: tuple[Program, ...]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CentersFileError(f"Centers file not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CentersFileError(f"Centers file {path} is not readable JSON: {exc}") from None
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise CentersFileError(f"Centers file {path} is not valid at {where}: {error.message}")
    return cast(dict[str, Any], data)


def _build(data: Mapping[str, Any]) -> Directory:
    return Directory(
        as_of=date.fromisoformat(data["as_of"]),
        sources=tuple(Source(s["title"], s["url"]) for s in data["sources"]),
        centers=tuple(Center(**c) for c in data["centers"]),
        programs=tuple(Program(**{**p, "states": tuple(p.get("states", ()))})
                       for p in data["programs"]),
        note=data.get("note", ""),
    )


def load_directory(main: Path | str | None = None, extra: Path | str | None = None) -> Directory:
    """The shipped file (or ``main``), extended by ``extra``.

    Extra entries come after the main ones; the "as of" date becomes the
    older of the two (the list is only as fresh as its stalest part) and
    both files' sources are shown."""
    base = _build(_read(Path(main) if main else SHIPPED_FILE))
    if extra is None:
        return base
    more = _build(_read(Path(extra)))
    sources = base.sources + tuple(s for s in more.sources if s not in base.sources)
    return Directory(
        as_of=min(base.as_of, more.as_of), sources=sources,
        centers=base.centers + more.centers, programs=base.programs + more.programs,
        note=" ".join(n for n in (base.note, more.note) if n),
    )


def init_directory(app: App) -> Directory:
    """Load and check the configured files once per app (called at start-up).
    The ``current_app`` proxy does as well as the app: only its config and
    extensions are used."""
    directory = load_directory(app.config.get("SECONDOP_CENTERS_FILE"),
                               app.config.get("SECONDOP_EXTRA_CENTERS_FILE"))
    app.extensions[EXTENSION_KEY] = directory
    return directory


def current_directory() -> Directory:
    directory = current_app.extensions.get(EXTENSION_KEY)
    if directory is None:  # blueprint registered before this module was imported
        directory = init_directory(current_app)
    return directory


def find(directory: Directory, *, state: str | None = None,
         remote_only: bool = False) -> FinderResult:
    """Centers in ``state`` (all states when None) and the programs a person
    there can use. Remote programs serve people wherever they live, so the
    state narrows only centers and in-person programs. ``remote_only`` keeps
    what can be done from home."""
    def center_ok(c: Center) -> bool:
        return (state is None or c.state == state) and (c.remote or not remote_only)

    def program_ok(p: Program) -> bool:
        if remote_only and not p.remote:
            return False
        return p.remote or state is None or state in p.states

    return FinderResult(centers=tuple(c for c in directory.centers if center_ok(c)),
                        programs=tuple(p for p in directory.programs if program_ok(p)))


