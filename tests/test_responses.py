"""Download headers: RFC 6266 names in any script, with a readable ASCII fallback."""
from __future__ import annotations

import pytest

from oncokind_secondop.responses import content_disposition


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("report.pdf", "report.pdf"),
        ("mañana.pdf", "manana.pdf"),
        ("의료기록-요청.pdf", "download.pdf"),
        ("第二意见资料包.zip", "download.zip"),
        ("تقرير.pdf", "download.pdf"),
        ('x"y.pdf', "x_y.pdf"),
        ("..", "download"),
        ("\u202egpj.exe", "gpj.exe"),
    ],
)
def test_ascii_fallback_is_readable(name: str, fallback: str) -> None:
    header = content_disposition(name)
    assert header.startswith(f'attachment; filename="{fallback}"; filename*=UTF-8\'\'')
    assert "\u202e" not in header and '"' not in header.split("filename*")[1]
