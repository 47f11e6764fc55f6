"""The ``SECONDOP_*`` settings: defaults, and validation at start-up.

Every key is declared here once with its default and a checker. ``init_app``
refuses an unknown ``SECONDOP_`` key or a bad value with an error that names
the key, so a typo fails when the portal starts, not when a patient clicks.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PREFIX = "SECONDOP_"


class ConfigError(ValueError):
    """A ``SECONDOP_*`` setting is unknown or has a bad value."""


@dataclass(frozen=True)
class Setting:
    default: Any
    check: Callable[[Any], bool]
    expected: str
    doc: str


def _is_prefix(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("/") and not value.endswith("/") or value == ""


def _is_optional_str(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value != "")


def _is_positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_path_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, (str, Path)) for v in value)


def _is_optional_path(value: Any) -> bool:
    return value is None or isinstance(value, (str, Path))


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


#: The capabilities a host can mount (``SECONDOP_CAPABILITIES``), in hub order.
#: "share" (a packet shared with the receiving team) has no hub card; it needs "packet".
CAPABILITY_NAMES = ("learn", "packet", "compare", "share")


def _is_capability_list(value: Any) -> bool:
    # A bare string is refused: "learn" would otherwise read as five letters.
    return (isinstance(value, (list, tuple, set, frozenset)) and len(value) > 0
            and all(isinstance(v, str) and v in CAPABILITY_NAMES for v in value)
            and len(set(value)) == len(value)
            and ("share" not in value or "packet" in value))


SETTINGS: dict[str, Setting] = {
    "SECONDOP_URL_PREFIX": Setting(
        "/second-opinion", _is_prefix, "a path starting with '/' and not ending with '/'",
        "Where the blueprint is mounted.",
    ),
    "SECONDOP_CAPABILITIES": Setting(
        CAPABILITY_NAMES, _is_capability_list,
        "a list of one or more of " + ", ".join(repr(n) for n in CAPABILITY_NAMES)
        + " ('share' only with 'packet')",
        "Which capabilities get routes and a hub card; Learn alone needs no records= or files=. "
        "Leave out 'share' to switch off sharing a packet with the receiving team.",
    ),
    "SECONDOP_BASE_TEMPLATE": Setting(
        None, _is_optional_str, "a template name or None",
        "Host layout that secondop/_layout.html extends; None uses the standalone layout.",
    ),
    "SECONDOP_I18N_MODE": Setting(
        "isolated", lambda v: v in ("isolated", "merged"), "'isolated' or 'merged'",
        "'isolated': our own gettext domain. 'merged': also add our catalogs to the host's Babel.",
    ),
    "SECONDOP_TRANSLATION_DIRECTORIES": Setting(
        (), _is_path_list, "a list of folder paths",
        "Extra catalog folders searched after ours (their strings win): host overrides.",
    ),
    "SECONDOP_MAX_UPLOAD_BYTES": Setting(
        2 * 1024**3, _is_positive_int, "a positive integer (bytes)",
        "Largest accepted upload, per file. Larger answers 413 and writes nothing.",
    ),
    "SECONDOP_ZIP_MAX_ENTRIES": Setting(
        10_000, _is_positive_int, "a positive integer",
        "Most files (and folders) one uploaded ZIP of DICOM scans may hold.",
    ),
    "SECONDOP_ZIP_MAX_TOTAL_BYTES": Setting(
        8 * 1024**3, _is_positive_int, "a positive integer (bytes)",
        "Largest total size, once unpacked, of the files inside one uploaded ZIP.",
    ),
    "SECONDOP_ZIP_MAX_RATIO": Setting(
        100, _is_positive_int, "a positive integer",
        "Largest unpacked-to-packed size ratio in an uploaded ZIP (refuses zip bombs).",
    ),
    "SECONDOP_DICOM_MAX_ELEMENTS": Setting(
        250_000, _is_positive_int, "a positive integer",
        "Most elements (items included) one uploaded DICOM file may hold; bounds its check.",
    ),
    "SECONDOP_ZIP_MAX_DICOM_ELEMENTS": Setting(
        5_000_000, _is_positive_int, "a positive integer",
        "Most DICOM elements all the files of one uploaded ZIP may hold together.",
    ),
    "SECONDOP_PDF_MAX_OBJECTS": Setting(
        50_000, _is_positive_int, "a positive integer",
        "Most objects one uploaded PDF may hold; each is read and checked for active content.",
    ),
    "SECONDOP_LEARN_REQUIRES_LOGIN": Setting(
        False, _is_bool, "True or False", "Whether the Learn pages need a logged-in user.",
    ),
    "SECONDOP_CENTERS_FILE": Setting(
        None, _is_optional_path, "a path to a JSON file or None",
        "Replaces the shipped centers and programs data file.",
    ),
    "SECONDOP_EXTRA_CENTERS_FILE": Setting(
        None, _is_optional_path, "a path to a JSON file or None",
        "Entries added to the centers and programs data file.",
    ),
    "SECONDOP_CONTENT_SECURITY_POLICY": Setting(
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'self'; form-action 'self'",
        _is_str, "a Content-Security-Policy string ('' to leave it to the host)",
        "CSP sent with every page of the blueprint.",
    ),
    "SECONDOP_REFERRER_POLICY": Setting(
        "same-origin", _is_str, "a Referrer-Policy value ('' to leave it to the host)",
        "Referrer-Policy sent with every page of the blueprint.",
    ),
    "SECONDOP_RECORDS_REQUEST_DAYS": Setting(
        30, _is_positive_int, "a positive integer (days)",
        "Days a facility has to answer a records request before it shows as overdue.",
    ),
    # Limits a real patient never meets; they bound what one account can make an export
    # or a page cost (issue 13). At a limit the patient is told what it is; nothing is lost.
    "SECONDOP_MAX_PACKETS_PER_PATIENT": Setting(
        20, _is_positive_int, "a positive integer", "Most records packets one patient can have.",
    ),
    "SECONDOP_MAX_WORKSHEETS_PER_PATIENT": Setting(
        20, _is_positive_int, "a positive integer", "Most comparison worksheets one patient can have.",
    ),
    "SECONDOP_MAX_OPINIONS_PER_WORKSHEET": Setting(
        6, _is_positive_int, "a positive integer", "Most opinions one worksheet can compare.",
    ),
    "SECONDOP_MAX_TIMELINE_EVENTS": Setting(
        200, _is_positive_int, "a positive integer", "Most timeline events in one packet.",
    ),
    "SECONDOP_MAX_RECORDS_REQUESTS": Setting(
        40, _is_positive_int, "a positive integer", "Most records requests (facilities) in one packet.",
    ),
    "SECONDOP_MAX_SLIDE_RECORDS": Setting(
        40, _is_positive_int, "a positive integer", "Most slide and block records in one packet.",
    ),
    "SECONDOP_MAX_DOCUMENTS_PER_ITEM": Setting(
        50, _is_positive_int, "a positive integer", "Most uploaded files under one checklist item.",
    ),
    "SECONDOP_MAX_SHARES_PER_PACKET": Setting(
        20, _is_positive_int, "a positive integer",
        "Most shares one packet can have (ended ones count until the patient deletes them).",
    ),
    "SECONDOP_SHARE_DAYS": Setting(
        14, _is_positive_int, "a positive integer (days)",
        "How long a new share lasts unless the patient picks another time.",
    ),
    "SECONDOP_SHARE_MAX_DAYS": Setting(
        90, _is_positive_int, "a positive integer (days)",
        "The longest a patient can make a share last.",
    ),
    "SECONDOP_SHARE_MAX_ATTEMPTS": Setting(
        5, _is_positive_int, "a positive integer",
        "Wrong access codes that lock a share (the patient sees it locked and can make a new one).",
    ),
    "SECONDOP_MAX_TEXT_CHARS": Setting(
        5000, _is_positive_int, "a positive integer (characters)",
        "Longest text in any multi-line field (notes, details, plans).",
    ),
    "SECONDOP_SUPPORT_CONTACT": Setting(
        None, _is_optional_str, "a short text or None",
        "Who patients can contact at the hospital; shown in the footer of every page.",
    ),
    "SECONDOP_NEGOTIATE_LOCALE": Setting(
        True, _is_bool, "True or False",
        "With no locale selector of the host's, show the pages in the browser's language "
        "(Accept-Language) when a shipped one fits; False keeps them English.",
    ),
}


def validate_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Return every ``SECONDOP_*`` setting with defaults filled in; raise on
    an unknown key or a bad value."""
    unknown = sorted(k for k in config if k.startswith(PREFIX) and k not in SETTINGS)
    if unknown:
        raise ConfigError(
            f"Unknown setting {unknown[0]!r}. Known SECONDOP_ settings: "
            + ", ".join(sorted(SETTINGS))
        )
    resolved: dict[str, Any] = {}
    for key, setting in SETTINGS.items():
        value = config.get(key, setting.default)
        if not setting.check(value):
            raise ConfigError(f"{key} must be {setting.expected}; got {value!r}")
        resolved[key] = value
    if resolved["SECONDOP_SHARE_DAYS"] > resolved["SECONDOP_SHARE_MAX_DAYS"]:
        raise ConfigError("SECONDOP_SHARE_DAYS must not be more than SECONDOP_SHARE_MAX_DAYS; got "
                          f"{resolved['SECONDOP_SHARE_DAYS']!r} > {resolved['SECONDOP_SHARE_MAX_DAYS']!r}")
    return resolved
