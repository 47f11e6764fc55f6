"""Our gettext domain beside the host's: isolated, merged, overridden."""
from __future__ import annotations

from pathlib import Path

from flask import render_template_string
from flask_babel import refresh

from oncokind_secondop.i18n import format_file_size, gettext, html_lang, text_direction

from .fake_host import HERE, create_app


def test_spanish_page_from_the_package_catalog(client) -> None:
    html = client.get("/second-opinion/?lang=es").get_data(as_text=True)
    assert "Cómo obtener una segunda opinión" in html
    assert "Solo para información." in html
    assert 'lang="es"' in html


def test_host_strings_stay_translated_beside_ours(client) -> None:
    html = client.get("/second-opinion/?lang=es").get_data(as_text=True)
    assert "Inicio del anfitrión" in html  # the host's own catalog, via the host's _


def test_isolated_domain_keeps_our_string_on_a_clash(app) -> None:
    with app.test_request_context("/?lang=es"):
        assert gettext("Second opinion") == "Segunda opinión"
        assert render_template_string("{{ _('Second opinion') }}") == "Segunda opinión (texto del anfitrión)"


def test_merged_mode_adds_our_strings_to_the_host_domain(tmp_path: Path) -> None:
    app = create_app(tmp_path, {"SECONDOP_I18N_MODE": "merged"})
    with app.test_request_context("/?lang=es"):
        # the host's _ now knows our strings...
        assert render_template_string("{{ _('For information only.') }}") == "Solo para información."
        # ...but on a clash the host's own string wins
        assert render_template_string("{{ _('Second opinion') }}") == "Segunda opinión (texto del anfitrión)"
        assert render_template_string("{{ _('Home') }}") == "Inicio del anfitrión"


def test_host_override_directory_wins(tmp_path: Path) -> None:
    app = create_app(tmp_path, {"SECONDOP_TRANSLATION_DIRECTORIES": [str(HERE / "overrides")]})
    html = app.test_client().get("/second-opinion/?lang=es").get_data(as_text=True)
    assert "Su segunda opinión en Hospital Ejemplo" in html
    assert "Solo para información." in html  # everything else still ours


def test_two_apps_keep_separate_catalog_overrides(tmp_path: Path) -> None:
    plain = create_app(tmp_path / "a")
    custom = create_app(tmp_path / "b", {"SECONDOP_TRANSLATION_DIRECTORIES": [str(HERE / "overrides")]})
    for _ in range(2):  # warm both caches
        assert "Su segunda opinión" in custom.test_client().get("/second-opinion/?lang=es").get_data(as_text=True)
        assert "Su segunda opinión" not in plain.test_client().get("/second-opinion/?lang=es").get_data(as_text=True)


def test_unknown_locale_falls_back_to_english(client) -> None:
    html = client.get("/second-opinion/?lang=fr").get_data(as_text=True)
    assert "Getting a second opinion" in html


def test_direction_and_lang_helpers(app) -> None:
    with app.test_request_context("/?lang=ar"):
        assert text_direction() == "rtl"
        assert html_lang() == "ar"
    with app.test_request_context("/?lang=zh_Hans"):
        refresh()  # pytest-flask keeps one app context (and its cached locale) per test
        assert text_direction() == "ltr"
        assert html_lang() == "zh-Hans"


def test_file_sizes_follow_the_locale(app) -> None:
    with app.test_request_context("/?lang=es"):
        assert format_file_size(1536 * 1024) == "1,5 MB"
        assert format_file_size(1) == "1 byte"
    with app.test_request_context("/?lang=en"):
        refresh()
        assert format_file_size(3 * 1024**3) == "3 GB"
        assert format_file_size(10) == "10 bytes"


def test_tagalog_resolves_through_babels_fil_alias(app) -> None:
    """Babel parses "tl" as fil_PH; the tl catalog must still be found."""
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    with (root / "translations" / "tl" / "LC_MESSAGES" / "oncokind_secondop.po").open("rb") as fh:
        catalog = read_po(fh)
    message = next(m for m in catalog if isinstance(m.id, str) and m.id and m.string and m.string != m.id)
    with app.test_request_context("/?lang=tl"):
        refresh()
        assert gettext(message.id) == message.string
