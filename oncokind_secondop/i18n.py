"""The package's own gettext domain (``oncokind_secondop``).

Python code uses ``_`` / ``_l`` / ``ngettext`` from here; templates use the
Jinja globals ``_s`` and ``_sn``. The host's ``_`` and its catalogs stay
untouched, and the locale always comes from the host's Flask-Babel selector.

Catalog folders are searched in order, later ones winning: the package's own
compiled catalogs first, then ``SECONDOP_TRANSLATION_DIRECTORIES`` (host
overrides).
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from babel import Locale
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from flask import current_app, has_app_context, has_request_context, request
from flask_babel import Domain, get_locale
from flask_babel import format_date as _format_date
from flask_babel import format_datetime as _format_datetime

DOMAIN = "oncokind_secondop"
PACKAGE_TRANSLATIONS = Path(__file__).parent / "translations"


class SecondOpDomain(Domain):  # type: ignore[misc]  # the library ships no types
    """A Flask-Babel domain whose folders and cache are per application, so
    two apps in one process with different overrides never mix catalogs."""

    def __init__(self) -> None:
        super().__init__(translation_directories=[str(PACKAGE_TRANSLATIONS)], domain=DOMAIN)

    @property
    def translation_directories(self) -> list[str]:
        if has_app_context() and "secondop" in current_app.extensions:
            return list(current_app.extensions["secondop"].translation_directories)
        return [str(PACKAGE_TRANSLATIONS)]

    def get_translations_cache(self, ctx: Any) -> dict[Any, Any]:
        if has_app_context() and "secondop" in current_app.extensions:
            return cast(dict[Any, Any], current_app.extensions["secondop"].translations_cache)
        return cast(dict[Any, Any], self.cache)

    def get_translations(self) -> Translations | NullTranslations:
        if not has_app_context() or "babel" not in current_app.extensions:
            return NullTranslations()
        return cast(Translations | NullTranslations, super().get_translations())


domain = SecondOpDomain()



def gettext(string: str, **variables: Any) -> str:
    """Our domain's translation of ``string`` (English outside an app)."""
    return str(domain.gettext(string, **variables))


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Our domain's plural form for ``num`` (``%(num)s`` is set too)."""
    return str(domain.ngettext(singular, plural, num, **variables))


lazy_gettext = domain.lazy_gettext
lazy_ngettext = domain.lazy_ngettext
_ = gettext
_l = lazy_gettext


#: The locales the package ships catalogs for (English is the source).
SHIPPED_LOCALES = ("en", "es", "ar", "ko", "vi", "zh_Hans", "tl")

# Chinese written in Traditional characters (Taiwan, Hong Kong, Macau): no catalog
# ships, so these tags are passed over, not shown Simplified.
_TRADITIONAL_CHINESE = frozenset({"hant", "tw", "hk", "mo"})


def shipped_locale_for(tag: str) -> str | None:
    """The shipped locale for one browser language tag, or None.

    ``es-MX`` -> ``es``; ``zh``, ``zh-CN``, ``zh-SG``, ``zh-Hans`` ->
    ``zh_Hans`` (but not ``zh-TW``/``zh-HK``/``zh-Hant``); ``fil``/``tl``
    (Filipino is the standard form of Tagalog) -> ``tl``."""
    parts = tag.strip().lower().replace("_", "-").split("-")
    language, rest = parts[0], set(parts[1:])
    if language in ("fil", "tl"):
        return "tl"
    if language == "zh":
        return None if rest & _TRADITIONAL_CHINESE else "zh_Hans"
    return language if language in SHIPPED_LOCALES else None


def negotiate_locale() -> str | None:
    """A Flask-Babel locale selector: the first language of the browser's
    ``Accept-Language`` (in its order of preference) that a shipped catalog
    serves. None (the default locale) outside a request or with no fit.
    ``SecondOpinion.init_app`` installs it only when the host has no
    selector of its own and ``SECONDOP_NEGOTIATE_LOCALE`` is on."""
    if not has_request_context():
        return None
    for tag, quality in request.accept_languages:  # best first
        if quality <= 0 or tag == "*":
            continue
        found = shipped_locale_for(tag)
        if found is not None:
            return found
    return None


def current_locale() -> Locale:
    if has_app_context() and "babel" in current_app.extensions:
        locale = get_locale()
        if locale is not None:
            return cast(Locale, locale)
    return Locale("en")


def text_direction() -> str:
    """'rtl' for Arabic and other right-to-left locales, else 'ltr'."""
    return "rtl" if current_locale().text_direction == "rtl" else "ltr"


def html_lang() -> str:
    """The BCP 47 tag for the ``lang`` attribute (``zh-Hans``, ``es``...)."""
    locale = current_locale()
    parts = [locale.language]
    if locale.script:
        parts.append(locale.script)
    if locale.territory:
        parts.append(locale.territory)
    return "-".join(parts)


def format_date(value: date | datetime | None, format: str = "medium") -> str:
    return "" if value is None else str(_format_date(value, format))


def format_month_year(value: date | None) -> str:
    """A month and year in the reader's order ("marzo de 2026", "2026年3月"): a
    CLDR skeleton, because a fixed pattern like "MMMM y" is English word order."""
    if value is None:
        return ""
    from babel.dates import format_skeleton

    return str(format_skeleton("yMMMM", value, locale=current_locale()))


def format_datetime(value: datetime | None, format: str = "medium") -> str:
    return "" if value is None else str(_format_datetime(value, format))


def format_number(value: float | int) -> str:
    # current_locale(), not Flask-Babel's format_decimal: outside a request (checks
    # run by a task or a CLI) Flask-Babel passes locale=None, which Babel before
    # 2.17 refuses with a TypeError.
    return str(format_decimal(value, locale=current_locale()))


def format_file_size(size: int) -> str:
    """A byte count for people: "1.5 MB" in the reader's number format."""
    units = [(1024**3, _("%(size)s GB")), (1024**2, _("%(size)s MB")), (1024, _("%(size)s KB"))]
    for factor, label in units:
        if size >= factor:
            return label % {"size": format_number(round(size / factor, 1))}
    return ngettext("%(count)s byte", "%(count)s bytes", size, count=format_number(size))


def jinja_helpers() -> dict[str, Any]:
    """Globals the package's templates use (registered per app)."""
    return {
        "_s": gettext,
        "_sn": ngettext,
        "secondop_dir": text_direction,
        "secondop_lang": html_lang,
        "secondop_date": format_date,
        "secondop_datetime": format_datetime,
        "secondop_month_year": format_month_year,
        "secondop_number": format_number,
        "secondop_filesize": format_file_size,
    }
