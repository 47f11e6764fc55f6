"""Every Learn page: reachable from the hub, public by default, login when
the host asks, landmarks and print styles, no patient data, no audit."""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from oncokind_secondop.learn.content import TOPICS

from ..fake_host import create_app

PREFIX = "/second-opinion"
LEARN_PAGES = [f"{PREFIX}/learn/", f"{PREFIX}/learn/self-check", f"{PREFIX}/learn/scripts",
               f"{PREFIX}/learn/records-letter", f"{PREFIX}/learn/centers",
               *(f"{PREFIX}/learn/topics/{t.slug}" for t in TOPICS)]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def crawl(client, start: str) -> set[str]:  # type: ignore[no-untyped-def]
    """Follow same-site links under the prefix, by GET only, from ``start``."""
    seen: set[str] = set()
    queue = [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code == 302 and "/learn/" not in url:
            # Packet and Compare pages send an anonymous visitor to the portal's login.
            assert response.location.startswith("/login"), url
            continue
        assert response.status_code == 200, url
        parser = Links()
        parser.feed(response.get_data(as_text=True))
        for href in parser.hrefs:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith(PREFIX) or "/static/" in parts.path:
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return {urlsplit(u).path for u in seen}


def test_anonymous_visitor_reaches_every_learn_page_from_the_hub_by_links(client):
    reached = crawl(client, f"{PREFIX}/")
    missing = {urlsplit(u).path for u in LEARN_PAGES} - reached
    assert not missing


def test_hub_has_the_learn_card(client):
    html = client.get(f"{PREFIX}/").get_data(as_text=True)
    assert "Learn about second opinions" in html
    assert f'href="{PREFIX}/learn/"' in html


@pytest.mark.parametrize("url", LEARN_PAGES)
def test_each_page_is_public_with_landmarks_and_disclaimer(client, audit_log, url):
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "<main" in html and 'aria-label="You are here"' in html
    assert "For information only." in html
    assert "secondop/learn.css" in html
    assert audit_log == []


def test_unknown_topic_is_404(client):
    assert client.get(f"{PREFIX}/learn/topics/nope").status_code == 404


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_topic_pages_link_onwards(client, topic):
    html = client.get(f"{PREFIX}/learn/topics/{topic.slug}").get_data(as_text=True)
    assert f"<h1>{topic.title}</h1>" in html
    assert 'rel="next"' in html or topic is TOPICS[-1]
    assert 'rel="prev"' in html or topic is TOPICS[0]
    assert f'href="{PREFIX}/learn/"' in html


@pytest.mark.parametrize("slug,phrases", [
    ("getting-your-records", ["30 days", "30 more days, one time only", "send a copy to me",
                              "DICOM images, not viewer-only", "Labs must give you"]),
    ("slides-and-blocks", ["belong to the lab", "recuts", "accession number"]),
    ("when-it-matters-most", ["rare", "change your life", "stage", "biomarker", "transplant",
                              "clinical trial", "confused"]),
    ("what-to-bring", ["slides", "scan files", "operation", "short history", "Caregivers"]),
    ("major-cancer-centers", ["NCI-designated", "not worse care", "close to home"]),
    ("remote-programs", ["MD Anderson, Mayo Clinic and Cleveland Clinic", "insurance"]),
    ("when-opinions-differ", ["agree", "missing piece", "third opinion", "tumor board"]),
])
def test_topics_cover_their_points(client, slug, phrases):
    html = client.get(f"{PREFIX}/learn/topics/{slug}").get_data(as_text=True)
    for phrase in phrases:
        assert phrase in html, phrase


def test_what_to_bring_and_the_self_check_link_the_packet_builder(client):
    html = client.get(f"{PREFIX}/learn/topics/what-to-bring").get_data(as_text=True)
    assert f'href="{PREFIX}/packet/"' in html
    result = client.post(f"{PREFIX}/learn/self-check", data={"situations": ["rare"]})
    assert f'href="{PREFIX}/packet/"' in result.get_data(as_text=True)


def test_secondop_mounted_names_the_mounted_capabilities(app):
    # Replaces endpoint_url_or_none: Learn links into another capability only
    # when secondop_mounted says it is there (tests/test_capabilities.py: Learn alone).
    with app.test_request_context():
        mounted = app.jinja_env.globals["secondop_mounted"]
        assert mounted("learn") and mounted("packet") and mounted("compare")
        assert not mounted("no_such_capability")


@pytest.fixture
def login_app(tmp_path):  # type: ignore[no-untyped-def]
    return create_app(tmp_path, {"SECONDOP_LEARN_REQUIRES_LOGIN": True})


@pytest.mark.parametrize("url", LEARN_PAGES)
def test_login_required_when_the_host_says_so(login_app, url):
    client = login_app.test_client()
    response = client.get(url)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    client.get("/test-login/p-maria")
    assert client.get(url).status_code == 200


def test_login_required_also_covers_posts(login_app):
    response = login_app.test_client().post(f"{PREFIX}/learn/records-letter", data={})
    assert response.status_code == 302


def test_logged_in_user_sees_learn_pages_without_audit(client, auth, audit_log):
    auth.login("c-sam")
    assert client.get(f"{PREFIX}/learn/").status_code == 200
    assert audit_log == []


def test_print_styles_hide_navigation_and_keep_the_letter(client):
    css = client.get(f"{PREFIX}/static/secondop/learn.css").get_data(as_text=True)
    assert "@media print" in css
    print_rules = css[css.index("@media print"):]
    assert ".secondop-no-print" in print_rules and ".secondop-letter" in print_rules
    scripts = client.get(f"{PREFIX}/learn/scripts").get_data(as_text=True)
    assert 'class="secondop-learn-script"' in scripts
