"""SECONDOP_CAPABILITIES: a host mounts any subset; Learn alone is a public site.

Only mounted capabilities get routes and hub cards; no page links to an
unmounted one; the blueprint keeps its name and endpoint names; each app
builds its own blueprint in ``init_app``.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine

from oncokind_secondop import ConfigError, SecondOpinion
from oncokind_secondop.capabilities import CAPABILITIES
from oncokind_secondop.config import CAPABILITY_NAMES
from oncokind_secondop.contrib.flask_login import FlaskLoginAuth
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore

from .fake_host import create_app
from .learn.test_pages import LEARN_PAGES, PREFIX, Links, crawl

CARD_TITLES = {
    "learn": "Learn about second opinions",
    "packet": "Build your records packet",
    "compare": "Compare opinions",
}
PACKET_AND_COMPARE_URLS = [f"{PREFIX}/packet/", f"{PREFIX}/packet/new", f"{PREFIX}/packet/1",
                           f"{PREFIX}/packet/1/export/summary.pdf", f"{PREFIX}/compare/",
                           f"{PREFIX}/compare/new", f"{PREFIX}/compare/1"]
# Learn pages that link the packet builder or the worksheet when those are mounted.
CROSS_LINKS = [f"{PREFIX}/learn/topics/what-to-bring", f"{PREFIX}/learn/topics/when-opinions-differ"]


def _endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()}


@pytest.fixture
def learn_app(tmp_path: Path) -> Flask:
    """The fake host with Learn alone and no records= or files= adapter."""
    return create_app(tmp_path, {"SECONDOP_CAPABILITIES": ["learn"]}, stores=False)


def test_default_mounts_all_three(app: Flask) -> None:
    assert app.config["SECONDOP_CAPABILITIES"] == CAPABILITY_NAMES == tuple(CAPABILITIES)
    assert {"secondop.learn_index", "secondop.packet_index", "secondop.packet_export_zip",
            "secondop.compare_index"} <= _endpoints(app)


def test_learn_alone_every_learn_page_renders(learn_app: Flask) -> None:
    client = learn_app.test_client()
    for url in LEARN_PAGES:
        assert client.get(url).status_code == 200, url
    result = client.post(f"{PREFIX}/learn/self-check", data={"situations": ["rare"]})
    assert result.status_code == 200
    letter = client.post(f"{PREFIX}/learn/records-letter", data={"action": "edit"})
    assert letter.status_code == 200
    # and every page is reachable from the hub by links, none of them dead
    reached = crawl(client, f"{PREFIX}/")
    assert {u for u in LEARN_PAGES} <= reached
    assert not any("/packet" in u or "/compare" in u for u in reached)


def test_learn_alone_hub_shows_only_learn(learn_app: Flask) -> None:
    client = learn_app.test_client()
    for who in (None, "p-maria", "c-ana"):
        if who:
            client.get(f"/test-login/{who}")
        html = client.get(f"{PREFIX}/").get_data(as_text=True)
        assert CARD_TITLES["learn"] in html
        assert CARD_TITLES["packet"] not in html and CARD_TITLES["compare"] not in html
    assert client.get(f"{PREFIX}/choose").status_code == 200  # c-ana acts for two people


def test_learn_alone_packet_and_compare_are_404(learn_app: Flask) -> None:
    client = learn_app.test_client()
    client.get("/test-login/p-maria")
    for url in PACKET_AND_COMPARE_URLS:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "We could not find that page" in response.get_data(as_text=True)  # our calm page
    assert client.post(f"{PREFIX}/packet/new").status_code == 404
    assert not {e for e in _endpoints(learn_app) if e.startswith(("secondop.packet", "secondop.compare"))}


def test_learn_alone_does_not_link_unmounted_pages(learn_app: Flask, app: Flask) -> None:
    def hrefs(flask_app: Flask, url: str, **post: object) -> list[str]:
        client = flask_app.test_client()
        response = client.post(url, data=post) if post else client.get(url)
        parser = Links()
        parser.feed(response.get_data(as_text=True))
        return parser.hrefs

    for url in CROSS_LINKS:
        assert not [h for h in hrefs(learn_app, url) if "/packet" in h or "/compare" in h], url
    selfcheck = f"{PREFIX}/learn/self-check"
    assert f"{PREFIX}/packet/" not in hrefs(learn_app, selfcheck, situations=["rare"])
    # the same pages link them when mounted (the check above can fail)
    assert f"{PREFIX}/packet/" in hrefs(app, CROSS_LINKS[0])
    assert f"{PREFIX}/compare/" in hrefs(app, CROSS_LINKS[1])
    assert f"{PREFIX}/packet/" in hrefs(app, selfcheck, situations=["rare"])


def test_learn_alone_state_has_no_stores(learn_app: Flask) -> None:
    state = learn_app.extensions["secondop"]
    assert state.record_store is None and state.file_store is None
    with pytest.raises(RuntimeError, match="records="):
        _ = state.records
    with pytest.raises(RuntimeError, match="files="):
        _ = state.files


def test_learn_alone_cli_says_what_is_missing(learn_app: Flask) -> None:
    runner = learn_app.test_cli_runner()
    sweep = runner.invoke(args=["secondop", "sweep"])
    assert sweep.exit_code == 1 and "Nothing to sweep" in sweep.output
    upgrade = runner.invoke(args=["secondop", "db-upgrade"])
    assert upgrade.exit_code == 1 and "no SQLAlchemy engine" in upgrade.output
    assert "SECONDOP_CAPABILITIES = ['learn']" in runner.invoke(args=["secondop", "config"]).output


def test_compare_without_packet_needs_records_but_not_files(tmp_path: Path) -> None:
    app = Flask("host")
    app.config["SECONDOP_CAPABILITIES"] = ["compare"]
    auth = FlaskLoginAuth(patient_of=lambda user: None)
    with pytest.raises(TypeError, match=r"records= is needed by SECONDOP_CAPABILITIES \['compare'\]"):
        SecondOpinion(app, auth=auth)
    records = SQLAlchemyRecordStore(engine=create_engine(f"sqlite:///{tmp_path / 'c.db'}"))
    SecondOpinion(app, auth=auth, records=records)
    assert "secondop.compare_index" in _endpoints(app)
    assert not {e for e in _endpoints(app) if e.startswith(("secondop.packet", "secondop.learn"))}


@pytest.mark.parametrize("names", [["learn", "packet"], ["packet", "compare"]])
def test_packet_needs_files(tmp_path: Path, names: list[str]) -> None:
    app = Flask("host")
    app.config["SECONDOP_CAPABILITIES"] = names
    records = SQLAlchemyRecordStore(engine=create_engine(f"sqlite:///{tmp_path / 'p.db'}"))
    with pytest.raises(TypeError, match=r"files= is needed by SECONDOP_CAPABILITIES \['packet'\]"):
        SecondOpinion(app, auth=FlaskLoginAuth(patient_of=lambda user: None), records=records)


def test_auth_is_always_needed() -> None:
    app = Flask("host")
    app.config["SECONDOP_CAPABILITIES"] = ["learn"]
    with pytest.raises(TypeError, match="auth="):
        SecondOpinion(app, auth=None)  # type: ignore[arg-type]


def test_packet_and_compare_without_learn(tmp_path: Path) -> None:
    app = create_app(tmp_path, {"SECONDOP_CAPABILITIES": ("compare", "packet")})
    client = app.test_client()
    html = client.get(f"{PREFIX}/").get_data(as_text=True)
    assert CARD_TITLES["packet"] in html and CARD_TITLES["compare"] in html
    assert CARD_TITLES["learn"] not in html
    assert html.index(CARD_TITLES["packet"]) < html.index(CARD_TITLES["compare"])  # hub order
    assert client.get(f"{PREFIX}/learn/").status_code == 404


@pytest.mark.parametrize("value", [["learn", "forum"], ["Learn"], "learn", [], ["learn", "learn"], None])
def test_bad_capabilities_are_refused_at_init_app(tmp_path: Path, value: object) -> None:
    with pytest.raises(ConfigError, match="SECONDOP_CAPABILITIES must be a list of one or more of "
                                          "'learn', 'packet', 'compare'"):
        create_app(tmp_path, {"SECONDOP_CAPABILITIES": value})


def test_each_app_gets_its_own_blueprint(learn_app: Flask, app: Flask) -> None:
    one, two = learn_app, app
    assert one.blueprints["secondop"] is not two.blueprints["secondop"]
    assert one.test_client().get(f"{PREFIX}/compare/").status_code == 404
    two_client = two.test_client()
    two_client.get("/test-login/p-maria")
    assert two_client.get(f"{PREFIX}/compare/").status_code == 200
    # the same endpoint names whatever is mounted
    learn_endpoints = {e for e in _endpoints(one) if e.startswith("secondop.")}
    assert learn_endpoints < {e for e in _endpoints(two) if e.startswith("secondop.")}
    assert {"secondop.hub", "secondop.choose_patient", "secondop.static",
            "secondop.learn_index"} <= learn_endpoints
