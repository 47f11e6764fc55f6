"""The README documents every setting and the two commands it promises."""
from __future__ import annotations

from pathlib import Path

from oncokind_secondop.config import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_setting_is_in_the_config_table() -> None:
    for key in SETTINGS:
        assert f"| `{key}` |" in README, key


def test_the_two_commands_exist() -> None:
    root = Path(__file__).resolve().parent.parent
    for command in ("bin/demo", "bin/test"):
        assert command in README
        assert (root / command).stat().st_mode & 0o111
