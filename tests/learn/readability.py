"""Extract a page's main text for reading-level checks.

Only the ``<main>`` element counts, without navigation, scripts, styles or
form controls' hidden values. Headings, list items, table cells, labels and
paragraphs end a sentence even without a full stop, as a reader takes them."""
from __future__ import annotations

from html.parser import HTMLParser

BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "label", "legend",
          "button", "summary", "blockquote", "dt", "dd", "caption", "option", "div", "section",
          "article", "aside", "br"}
# Tables here list proper names (centers, cities): data, not prose to simplify.
SKIP = {"nav", "script", "style", "select", "template", "table"}
END = (".", "!", "?", ":", "”", "\"")


class MainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_main = 0
        self.skipping = 0
        self.units: list[str] = []
        self.current: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        self.current = []
        if text:
            self.units.append(text if text.endswith(END) else text + ".")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.in_main += 1
        if self.in_main and tag in SKIP:
            self.skipping += 1
        if tag in BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if self.in_main and tag in SKIP and self.skipping:
            self.skipping -= 1
        if tag in BLOCKS or tag == "main":
            self._flush()
        if tag == "main":
            self.in_main -= 1

    def handle_data(self, data: str) -> None:
        if self.in_main and not self.skipping:
            self.current.append(data)


def main_text(html: str) -> str:
    parser = MainText()
    parser.feed(html)
    parser.close()
    parser._flush()
    return "\n".join(parser.units)


def scores(text: str) -> tuple[float, float]:
    """(Flesch-Kincaid grade, SMOG index) of English text."""
    import textstat

    textstat.set_lang("en")
    return textstat.flesch_kincaid_grade(text), textstat.smog_index(text)


if __name__ == "__main__":  # python3 -m tests.learn.readability: scores of every Learn page
    import tempfile
    from pathlib import Path

    from ..fake_host import create_app
    from . import conftest  # noqa: F401  (offline cmudict)
    from .test_readability import GETS, POSTS

    client = create_app(Path(tempfile.mkdtemp())).test_client()
    pages = [(url, client.get(url)) for url in GETS]
    pages += [(name, client.post(url, data=data)) for name, (url, data) in POSTS.items()]
    print(f"{'FK':>5} {'SMOG':>5}  page")
    for name, response in pages:
        fk, smog = scores(main_text(response.get_data(as_text=True)))
        print(f"{fk:5.1f} {smog:5.1f}  {name}")
