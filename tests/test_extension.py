"""SecondOpinion: app factories, per-app state, two apps in one process."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine

from oncokind_secondop import SecondOpinion, SecondOpState
from oncokind_secondop.contrib.flask_login import FlaskLoginAuth
from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore

from .fake_host import create_app


def _adapters(tmp_path: Path) -> dict[str, object]:
    return {
        "auth": FlaskLoginAuth(patient_of=lambda user: None),
        "records": SQLAlchemyRecordStore(engine=create_engine(f"sqlite:///{tmp_path / 'x.db'}")),
        "files": LocalFileStore(tmp_path / "files"),
    }


def test_factory_form_keeps_state_in_app_extensions(tmp_path: Path) -> None:
    ext = SecondOpinion()
    app = Flask("host")
    state = ext.init_app(app, **_adapters(tmp_path))
    assert isinstance(app.extensions["secondop"], SecondOpState)
    assert app.extensions["secondop"] is state
    assert vars(ext) == {}  # no state on the extension object
    assert app.url_map.bind("localhost").match("/second-opinion/") == ("secondop.hub", {})


def test_constructor_form(tmp_path: Path) -> None:
    app = Flask("host")
    SecondOpinion(app, **_adapters(tmp_path))
    assert "secondop" in app.extensions


def test_init_twice_is_refused(tmp_path: Path) -> None:
    app = Flask("host")
    ext = SecondOpinion(app, **_adapters(tmp_path))
    with pytest.raises(RuntimeError, match="already"):
        ext.init_app(app, **_adapters(tmp_path))


def test_adapters_are_type_checked(tmp_path: Path) -> None:
    adapters = _adapters(tmp_path)
    adapters["files"] = object()
    with pytest.raises(TypeError, match="files="):
        SecondOpinion(Flask("host"), **adapters)


def test_never_creates_login_manager_or_csrf(tmp_path: Path) -> None:
    app = Flask("host")
    SecondOpinion(app, **_adapters(tmp_path))
    assert not hasattr(app, "login_manager")
    assert "csrf" not in app.extensions


def test_host_babel_and_selector_are_kept(tmp_path: Path) -> None:
    from flask_babel import Babel

    app = Flask("host")
    selector = lambda: "es"  # noqa: E731
    Babel(app, locale_selector=selector)
    babel_config = app.extensions["babel"]
    SecondOpinion(app, **_adapters(tmp_path))
    assert app.extensions["babel"] is babel_config
    assert babel_config.locale_selector is selector


def test_two_apps_in_one_process_do_not_see_each_other(tmp_path: Path) -> None:
    one = create_app(tmp_path / "one", {"SECONDOP_URL_PREFIX": "/so", "SECONDOP_BASE_TEMPLATE": None})
    two = create_app(tmp_path / "two", {"SECONDOP_URL_PREFIX": "/opinions"})
    assert one.extensions["secondop"] is not two.extensions["secondop"]
    assert one.extensions["secondop"].files is not two.extensions["secondop"].files

    page_one = one.test_client().get("/so/")
    page_two = two.test_client().get("/opinions/")
    assert page_one.status_code == page_two.status_code == 200
    assert one.test_client().get("/opinions/").status_code == 404
    assert two.test_client().get("/so/").status_code == 404
    # one uses the standalone layout, two the host's
    assert "secondop-standalone" in page_one.get_data(as_text=True)
    assert 'id="fake-host-nav"' in page_two.get_data(as_text=True)
    assert "fake-host-nav" not in page_one.get_data(as_text=True)


def test_static_files_have_their_own_url(client) -> None:
    response = client.get("/second-opinion/static/secondop/secondop.css")
    assert response.status_code == 200
    assert b".secondop" in response.data


def test_cli_group_is_registered(app) -> None:
    assert "secondop" in app.cli.commands
