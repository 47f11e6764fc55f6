"""SECONDOP_* settings: defaults, and clear start-up errors that name the key."""
from __future__ import annotations

from pathlib import Path

import pytest

from oncokind_secondop.config import SETTINGS, ConfigError, validate_config

from .fake_host import create_app


def test_defaults_are_filled_in() -> None:
    resolved = validate_config({})
    assert resolved["SECONDOP_URL_PREFIX"] == "/second-opinion"
    assert resolved["SECONDOP_MAX_UPLOAD_BYTES"] == 2 * 1024**3
    assert resolved["SECONDOP_BASE_TEMPLATE"] is None
    assert set(resolved) == set(SETTINGS)


def test_every_setting_is_documented() -> None:
    for key, setting in SETTINGS.items():
        assert key.startswith("SECONDOP_")
        assert setting.doc and setting.expected
        assert setting.check(setting.default), key


def test_unknown_key_fails_at_start_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SECONDOP_URL_PREFX"):
        create_app(tmp_path, {"SECONDOP_URL_PREFX": "/x"})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SECONDOP_URL_PREFIX", "no-slash"),
        ("SECONDOP_URL_PREFIX", "/trailing/"),
        ("SECONDOP_MAX_UPLOAD_BYTES", -1),
        ("SECONDOP_MAX_UPLOAD_BYTES", "2GB"),
        ("SECONDOP_LEARN_REQUIRES_LOGIN", "yes"),
        ("SECONDOP_I18N_MODE", "mixed"),
        ("SECONDOP_TRANSLATION_DIRECTORIES", "not-a-list"),
        ("SECONDOP_RECORDS_REQUEST_DAYS", 0),
    ],
)
def test_bad_value_fails_at_start_naming_the_key(tmp_path: Path, key: str, value: object) -> None:
    with pytest.raises(ConfigError, match=key):
        create_app(tmp_path, {key: value})


def test_resolved_settings_are_visible_to_the_host(app) -> None:
    assert app.config["SECONDOP_REFERRER_POLICY"] == "same-origin"


def test_sharing_needs_the_packet_and_a_default_length_within_the_longest() -> None:
    assert "share" in validate_config({})["SECONDOP_CAPABILITIES"]
    validate_config({"SECONDOP_CAPABILITIES": ["learn", "packet"]})  # sharing switched off
    with pytest.raises(ConfigError, match="'share' only with 'packet'"):
        validate_config({"SECONDOP_CAPABILITIES": ["learn", "share"]})
    with pytest.raises(ConfigError, match="SECONDOP_SHARE_DAYS must not be more than"):
        validate_config({"SECONDOP_SHARE_DAYS": 30, "SECONDOP_SHARE_MAX_DAYS": 20})
