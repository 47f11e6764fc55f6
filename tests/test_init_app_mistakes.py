"""Mistakes a host can make when mounting, refused at ``init_app`` with a
message naming the fix (issue 22, item 3), and nothing of the app changed.

Each of these used to pass silently and fail later: a base template that does
not exist (``TemplateNotFound`` on the first page), a layout without a
``head`` block (unstyled pages, dead scripts), unknown keywords (ignored), a
URL prefix whose rules collide with the host's (one page silently hidden).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine

from oncokind_secondop import SecondOpinion
from oncokind_secondop.config import ConfigError
from oncokind_secondop.contrib.flask_login import FlaskLoginAuth
from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore

FULL_LAYOUT = ("<html><head><title>{% block title %}{% endblock %}</title>{% block head %}{% endblock %}"
               "</head><body>{% block content %}{% endblock %}</body></html>")


def _adapters(tmp_path: Path) -> dict[str, object]:
    return {
        "auth": FlaskLoginAuth(patient_of=lambda user: None),
        "records": SQLAlchemyRecordStore(engine=create_engine(f"sqlite:///{tmp_path / 'x.db'}")),
        "files": LocalFileStore(tmp_path / "files"),
    }


def _host(tmp_path: Path, templates: dict[str, str] | None = None, **config: object) -> Flask:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    for name, text in (templates or {}).items():
        (folder / name).write_text(text)
    app = Flask("host", template_folder=str(folder))
    app.config.update(SECRET_KEY="x", **config)
    return app


def _refused(app: Flask, tmp_path: Path, error: type[Exception] = ConfigError, **extra: object) -> str:
    rules_before = sorted(r.rule for r in app.url_map.iter_rules())
    with pytest.raises(error) as caught:
        SecondOpinion().init_app(app, **_adapters(tmp_path), **extra)  # type: ignore[arg-type]
    assert "secondop" not in app.extensions  # a refused mount leaves no trace
    assert sorted(r.rule for r in app.url_map.iter_rules()) == rules_before
    return str(caught.value)


def test_a_base_template_the_loader_cannot_find_is_refused(tmp_path: Path) -> None:
    app = _host(tmp_path, {"layout.html": FULL_LAYOUT}, SECONDOP_BASE_TEMPLATE="layuot.html")
    message = _refused(app, tmp_path)
    assert "SECONDOP_BASE_TEMPLATE" in message and "'layuot.html'" in message
    assert "cannot find" in message and "templates folder" in message and "None" in message


def test_a_layout_without_a_head_block_is_refused_naming_the_block(tmp_path: Path) -> None:
    layout = "<html><head><title>{% block title %}{% endblock %}</title></head><body>{% block content %}{% endblock %}"
    app = _host(tmp_path, {"layout.html": layout}, SECONDOP_BASE_TEMPLATE="layout.html")
    message = _refused(app, tmp_path)
    assert "defines no block 'head'" in message
    assert "{% block head %}{% endblock %}" in message  # the fix, ready to paste
    assert "'title'" not in message and "'content'" not in message


def test_a_layout_without_any_of_the_blocks_names_them_all(tmp_path: Path) -> None:
    app = _host(tmp_path, {"layout.html": "<html><body>{% block main %}{% endblock %}</body></html>"},
                SECONDOP_BASE_TEMPLATE="layout.html")
    message = _refused(app, tmp_path)
    assert "'title', 'head', 'content'" in message


def test_blocks_defined_by_the_layouts_parent_count(tmp_path: Path) -> None:
    """A host layout that extends its own skeleton: the skeleton's blocks are the layout's."""
    app = _host(tmp_path, {"skeleton.html": FULL_LAYOUT,
                           "layout.html": '{% extends "skeleton.html" %}{% block title %}Portal{% endblock %}'},
                SECONDOP_BASE_TEMPLATE="layout.html")
    SecondOpinion(app, **_adapters(tmp_path))  # type: ignore[arg-type]
    assert "secondop" in app.extensions


def test_the_packages_own_standalone_layout_may_be_named(tmp_path: Path) -> None:
    app = _host(tmp_path, SECONDOP_BASE_TEMPLATE="secondop/_standalone.html")
    SecondOpinion(app, **_adapters(tmp_path))  # type: ignore[arg-type]
    assert "secondop" in app.extensions


def test_a_layout_with_every_block_renders_the_styles(tmp_path: Path) -> None:
    app = _host(tmp_path, {"layout.html": FULL_LAYOUT}, SECONDOP_BASE_TEMPLATE="layout.html",
                SECONDOP_CAPABILITIES=["learn"])
    SecondOpinion(app, auth=FlaskLoginAuth(patient_of=lambda user: None))
    page = app.test_client().get("/second-opinion/learn/").get_data(as_text=True)
    assert "secondop/secondop.css" in page.split("</head>")[0]


@pytest.mark.parametrize(("keyword", "setting"), [
    ("url_prefix", "SECONDOP_URL_PREFIX"),
    ("capabilities", "SECONDOP_CAPABILITIES"),
    ("base_template", "SECONDOP_BASE_TEMPLATE"),
])
def test_a_setting_passed_as_a_keyword_is_a_type_error_naming_the_setting(
    tmp_path: Path, keyword: str, setting: str
) -> None:
    message = _refused(_host(tmp_path), tmp_path, TypeError, **{keyword: "/x"})
    assert f"{keyword}=" in message and f"app.config[{setting!r}]" in message
    assert "auth=, records= and files=" in message


def test_an_unknown_keyword_is_a_type_error_listing_the_accepted_ones(tmp_path: Path) -> None:
    message = _refused(_host(tmp_path), tmp_path, TypeError, storage="s3")
    assert "storage=" in message and "takes only auth=, records= and files=" in message
    with pytest.raises(TypeError, match="storage="):
        SecondOpinion(_host(tmp_path), storage="s3", **_adapters(tmp_path))  # type: ignore[arg-type]


def test_init_app_is_documented() -> None:
    doc = SecondOpinion.init_app.__doc__ or ""
    for word in ("auth", "records", "files", "SECONDOP_", "TypeError", "ConfigError"):
        assert word in doc


def test_a_prefix_colliding_with_a_host_rule_names_both_rules(tmp_path: Path) -> None:
    app = _host(tmp_path)
    app.add_url_rule("/care/packet/", "care_packets", lambda: "host")
    message = _refused(_host_with_prefix(app, "/care"), tmp_path)
    assert "'/care/packet/' (secondop.packet_index)" in message
    assert "the host's '/care/packet/' (care_packets)" in message
    assert "Set SECONDOP_URL_PREFIX to a path the host does not use" in message


def test_a_collision_through_differently_named_converters_is_seen(tmp_path: Path) -> None:
    app = _host(tmp_path)
    app.add_url_rule("/second-opinion/packet/<int:id>", "host_packet", lambda id: "host")
    message = _refused(app, tmp_path)
    assert "host_packet" in message and "secondop.packet_detail" in message


def test_an_empty_prefix_colliding_with_the_hosts_home_is_refused(tmp_path: Path) -> None:
    app = _host(tmp_path, SECONDOP_URL_PREFIX="")
    app.add_url_rule("/", "home", lambda: "host home")
    message = _refused(app, tmp_path)
    assert "SECONDOP_URL_PREFIX = ''" in message
    assert "ours '/' (secondop.hub) and the host's '/' (home)" in message


def test_an_empty_prefix_colliding_with_the_hosts_static_files_is_refused(tmp_path: Path) -> None:
    """At the root our stylesheet's URL would be the host's /static/...: one
    of the two would never be served."""
    message = _refused(_host(tmp_path, SECONDOP_URL_PREFIX=""), tmp_path)
    assert "ours '/static/<path:filename>' (secondop.static) and the host's '/static/<path:filename>' (static)" \
        in message


def test_an_empty_prefix_without_a_collision_is_fine(tmp_path: Path) -> None:
    app = Flask("host", static_folder=None)
    app.config.update(SECRET_KEY="x", SECONDOP_URL_PREFIX="")
    app.add_url_rule("/account", "account", lambda: "host")
    SecondOpinion(app, **_adapters(tmp_path))  # type: ignore[arg-type]
    assert app.url_map.bind("localhost").match("/") == ("secondop.hub", {})


def test_a_rule_on_other_methods_is_no_collision(tmp_path: Path) -> None:
    app = _host(tmp_path)
    app.add_url_rule("/second-opinion/", "host_webhook", lambda: "", methods=["PUT"])
    SecondOpinion(app, **_adapters(tmp_path))  # type: ignore[arg-type]
    assert "secondop" in app.extensions


def _host_with_prefix(app: Flask, prefix: str) -> Flask:
    app.config["SECONDOP_URL_PREFIX"] = prefix
    return app
