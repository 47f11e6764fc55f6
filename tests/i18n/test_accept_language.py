"""The browser's language by default (issue 22, item 4).

A host with no locale selector (no Flask-Babel at all, or one set up without
``locale_selector=``) used to show every page in English. Now the browser's
``Accept-Language`` picks among the shipped languages; a host's own selector
still wins; ``SECONDOP_NEGOTIATE_LOCALE = False`` keeps English.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.support import Translations
from flask import Flask
from flask_babel import Babel

from oncokind_secondop import SecondOpinion
from oncokind_secondop.contrib.flask_login import FlaskLoginAuth
from oncokind_secondop.i18n import DOMAIN, PACKAGE_TRANSLATIONS, SHIPPED_LOCALES, shipped_locale_for

ROOT = Path(__file__).resolve().parents[2]
PROBE = "For information only."  # in the footer of every page


def _translated(locale: str) -> str:
    if locale == "en":
        return PROBE
    text = Translations.load(str(PACKAGE_TRANSLATIONS), [locale], DOMAIN).gettext(PROBE)
    assert text != PROBE, f"no {locale} translation of the probe"
    return str(text)


def _learn_only_host(*, babel: str = "none", **config: object) -> Flask:
    """A host as the trial's: its own login, no Flask-Login set-up, Learn alone."""
    app = Flask("plain_host", static_folder=None)
    app.config.update(SECRET_KEY="x", SECONDOP_CAPABILITIES=["learn"], **config)
    if babel == "plain":
        Babel(app)
    elif babel == "selector":
        Babel(app, locale_selector=lambda: "ko")
    SecondOpinion(app, auth=FlaskLoginAuth(patient_of=lambda user: None))
    return app


def _learn(app: Flask, accept: str | None) -> str:
    headers = {"Accept-Language": accept} if accept is not None else {}
    response = app.test_client().get("/second-opinion/learn/", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_shipped_locales_are_the_catalogs_in_the_source_tree() -> None:
    sources = {p.name for p in (ROOT / "translations").iterdir() if p.is_dir()}
    assert set(SHIPPED_LOCALES) == sources | {"en"}


@pytest.mark.parametrize(("accept", "locale"), [
    ("en-US,en;q=0.9", "en"),
    ("es-MX,es;q=0.9,en;q=0.5", "es"),
    ("ar-EG", "ar"),
    ("ko-KR,ko;q=0.9", "ko"),
    ("vi-VN,vi;q=0.9", "vi"),
    ("zh-CN,zh;q=0.9", "zh_Hans"),
    ("tl", "tl"),
])
def test_each_shipped_locale_is_chosen_from_the_browser(accept: str, locale: str) -> None:
    for babel in ("none", "plain"):  # no Flask-Babel, or one without a selector
        page = _learn(_learn_only_host(babel=babel), accept)
        assert _translated(locale) in page, (babel, accept)


@pytest.mark.parametrize(("tag", "locale"), [
    ("zh", "zh_Hans"), ("zh-CN", "zh_Hans"), ("zh-SG", "zh_Hans"), ("zh-Hans", "zh_Hans"),
    ("zh-Hans-CN", "zh_Hans"), ("zh_Hans", "zh_Hans"),
    ("zh-TW", None), ("zh-HK", None), ("zh-Hant", None), ("zh-Hant-TW", None),
    ("fil", "tl"), ("fil-PH", "tl"), ("tl", "tl"), ("tl-PH", "tl"),
    ("es-419", "es"), ("ES", "es"), ("en-GB", "en"), ("fr-FR", None), ("", None),
])
def test_browser_tags_map_to_a_shipped_locale(tag: str, locale: str | None) -> None:
    assert shipped_locale_for(tag) == locale


def test_filipino_browser_gets_tagalog_and_simplified_chinese_headers_get_chinese() -> None:
    app = _learn_only_host()
    assert _translated("tl") in _learn(app, "fil-PH,fil;q=0.9")
    assert _translated("zh_Hans") in _learn(app, "zh")
    assert _translated("zh_Hans") in _learn(app, "zh-Hans-CN")


def test_traditional_chinese_passes_to_the_next_language() -> None:
    app = _learn_only_host()
    assert _translated("vi") in _learn(app, "zh-TW,vi;q=0.5")
    assert PROBE in _learn(app, "zh-HK")


def test_the_browsers_order_of_preference_counts() -> None:
    app = _learn_only_host()
    assert _translated("es") in _learn(app, "fr;q=1.0, ko;q=0.8, es;q=0.9")  # es (0.9) before ko
    assert _translated("ko") in _learn(app, "fr, ko;q=0.9, es;q=0.8")
    assert PROBE in _learn(app, "fr, de")  # nothing shipped fits: English
    assert PROBE in _learn(app, None)
    assert PROBE in _learn(app, "es;q=0")  # "not Spanish"


def test_the_page_says_its_language() -> None:
    page = _learn(_learn_only_host(), "ar")
    assert re.search(r'<div class="secondop" lang="ar" dir="rtl"', page)


def test_a_hosts_selector_wins() -> None:
    app = _learn_only_host(babel="selector")
    assert _translated("ko") in _learn(app, "es")
    assert app.extensions["babel"].locale_selector() == "ko"


def test_the_setting_off_keeps_english() -> None:
    for babel in ("none", "plain"):
        app = _learn_only_host(babel=babel, SECONDOP_NEGOTIATE_LOCALE=False)
        page = _learn(app, "es")
        assert PROBE in page and _translated("es") not in page
        assert app.extensions["babel"].locale_selector is None
