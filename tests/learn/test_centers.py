"""The centers and programs finder: the shipped data, the host's files, the
filters and the page."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from oncokind_secondop.config import ConfigError
from oncokind_secondop.learn.centers import (
    SHIPPED_FILE,
    Center,
    CentersFileError,
    Directory,
    Program,
    Source,
    find,
    load_directory,
)

from ..fake_host import create_app

URL = "/second-opinion/learn/centers"


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def small_file(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "as_of": "2026-01-15",
        "sources": [{"title": "Host list", "url": "https://portal.example/centers"}],
        "centers": [{"name": "Lakeside Cancer Institute", "city": "Duluth", "state": "MN",
                     "type": "clinical", "remote": True}],
        "programs": [{"name": "Records review", "institution": "Lakeside", "states": ["MN"],
                      "remote": False, "how": "in_person", "source": "https://lakeside.example"}],
    }
    data.update(changes)
    return data


@pytest.fixture
def directory() -> Directory:
    return Directory(
        as_of=date(2026, 1, 1), sources=(Source("NCI", "https://cancercenters.cancer.gov"),),
        centers=(Center("A", "Austin", "TX", "comprehensive"),
                 Center("B", "Boston", "MA", "clinical", remote=True),
                 Center("C", "Houston", "TX", "clinical")),
        programs=(Program("Online", "X", True, "patient", "https://x.example", ("OH",)),
                  Program("Visit", "Y", False, "in_person", "https://y.example", ("TX",))),
    )


def test_shipped_file_is_dated_sourced_and_valid():
    data = json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))
    assert date.fromisoformat(data["as_of"]) <= date.today()
    assert any("cancer.gov" in s["url"] for s in data["sources"])
    loaded = load_directory()
    assert len(loaded.centers) == 68  # 66 centers, Mayo listed once per campus
    assert sum(c.type == "clinical" for c in loaded.centers) == 8
    assert {c.type for c in loaded.centers} == {"comprehensive", "clinical"}
    names = {(c.name, c.state) for c in loaded.centers}
    assert len(names) == len(loaded.centers)  # no duplicates
    institutions = {p.institution for p in loaded.programs}
    assert {"Mayo Clinic", "Cleveland Clinic", "MD Anderson Cancer Center"} <= institutions


def test_shipped_programs_name_no_prices_and_say_cost_varies():
    for program in load_directory().programs:
        assert "$" not in program.notes
        assert program.source.startswith("http")
    assert sum("vary" in p.notes for p in load_directory().programs) >= 3


def test_filter_by_state(directory):
    result = find(directory, state="TX")
    assert [c.name for c in result.centers] == ["A", "C"]
    # remote programs serve every state; in-person ones only their own
    assert [p.name for p in result.programs] == ["Online", "Visit"]
    assert [p.name for p in find(directory, state="MA").programs] == ["Online"]


def test_filter_by_remote(directory):
    result = find(directory, remote_only=True)
    assert [c.name for c in result.centers] == ["B"]
    assert [p.name for p in result.programs] == ["Online"]


def test_filters_combine(directory):
    assert find(directory, state="TX", remote_only=True).centers == ()
    assert [c.name for c in find(directory, state="MA", remote_only=True).centers] == ["B"]
    everything = find(directory)
    assert len(everything.centers) == 3 and len(everything.programs) == 2


def test_page_shows_date_and_source(client):
    html = client.get(URL).get_data(as_text=True)
    assert "List checked on November 23, 2026." in html
    assert 'href="https://cancercenters.cancer.gov"' in html
    assert "Memorial Sloan Kettering Cancer Center" in html
    assert "Cleveland Clinic" in html


def test_page_filters_by_state(client):
    html = client.get(URL, query_string={"state": "PA"}).get_data(as_text=True)
    assert "NCI-designated cancer centers in Pennsylvania" in html
    assert "Fox Chase Cancer Center" in html
    assert "Memorial Sloan Kettering Cancer Center</td>" not in html
    assert '<option value="PA" selected>' in html


def test_page_filters_by_remote(client):
    html = client.get(URL, query_string={"remote": "1"}).get_data(as_text=True)
    assert "Programs you can use from home" in html
    assert "MyConsult online second opinion" in html
    assert "Second opinion visit" not in html  # MD Anderson's in-person entry
    assert 'name="remote" value="1" checked' in html


def test_state_without_centers_still_helps(client):
    html = client.get(URL, query_string={"state": "WY"}).get_data(as_text=True)
    assert "We have no centers listed for this place yet." in html
    assert "MyConsult online second opinion" in html


def test_unknown_state_is_ignored(client):
    html = client.get(URL, query_string={"state": "<script>"}).get_data(as_text=True)
    assert "<script>" not in html
    assert "Fox Chase Cancer Center" in html


def test_host_replaces_the_file(tmp_path):
    path = write(tmp_path / "mine.json", small_file())
    app = create_app(tmp_path, {"SECONDOP_CENTERS_FILE": str(path)})
    html = app.test_client().get(URL).get_data(as_text=True)
    assert "Lakeside Cancer Institute" in html
    assert "Fox Chase Cancer Center" not in html
    assert "January 15, 2026" in html
    assert 'href="https://portal.example/centers"' in html


def test_host_extends_the_file(tmp_path):
    path = write(tmp_path / "extra.json", small_file())
    app = create_app(tmp_path, {"SECONDOP_EXTRA_CENTERS_FILE": path})
    client = app.test_client()
    html = client.get(URL).get_data(as_text=True)
    assert "Lakeside Cancer Institute" in html and "Fox Chase Cancer Center" in html
    assert "January 15, 2026" in html  # the older of the two dates
    assert 'href="https://portal.example/centers"' in html
    assert 'href="https://cancercenters.cancer.gov"' in html
    remote = client.get(URL, query_string={"state": "MN", "remote": "1"}).get_data(as_text=True)
    assert "Lakeside Cancer Institute" in remote


def test_two_apps_keep_their_own_lists(tmp_path):
    path = write(tmp_path / "m.json", small_file())
    mine = create_app(tmp_path / "a", {"SECONDOP_CENTERS_FILE": str(path)})
    shipped = create_app(tmp_path / "b")
    assert "Fox Chase" not in mine.test_client().get(URL).get_data(as_text=True)
    assert "Fox Chase" in shipped.test_client().get(URL).get_data(as_text=True)


@pytest.mark.parametrize("data,where", [
    (small_file(as_of="soon"), "as_of"),
    (small_file(sources=[]), "sources"),
    (small_file(centers=[{"name": "X", "city": "Y", "state": "Texas", "type": "clinical"}]),
     "centers/0/state"),
    (small_file(centers=[{"name": "X", "city": "Y", "state": "TX", "type": "basic"}]),
     "centers/0/type"),
    (small_file(programs=[{"name": "X", "institution": "Y", "remote": "yes", "how": "patient",
                           "source": "https://y.example"}]), "programs/0/remote"),
    ({"centers": []}, "(top level)"),
])
def test_bad_file_stops_start_up_with_a_clear_error(tmp_path, data, where):
    path = write(tmp_path / "bad.json", data)
    with pytest.raises(CentersFileError) as error:
        create_app(tmp_path, {"SECONDOP_CENTERS_FILE": str(path)})
    assert str(path) in str(error.value) and where in str(error.value)
    assert isinstance(error.value, ConfigError)


def test_missing_or_broken_file_is_named(tmp_path):
    with pytest.raises(CentersFileError, match="not found"):
        create_app(tmp_path, {"SECONDOP_EXTRA_CENTERS_FILE": str(tmp_path / "nope.json")})
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CentersFileError, match="not readable JSON"):
        load_directory(broken)


def test_shipped_program_texts_are_marked_for_translation() -> None:
    import json
    from pathlib import Path

    from oncokind_secondop.learn.centers_text import SHIPPED_TEXTS

    data = json.loads((Path(__file__).resolve().parents[2] / "oncokind_secondop" / "data" / "centers.json").read_text())
    expected = [t for p in data["programs"] for t in (p["name"], p["notes"])] + [s["title"] for s in data["sources"]]
    assert [str(t) for t in SHIPPED_TEXTS] == expected
