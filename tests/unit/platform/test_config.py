from __future__ import annotations

from pathlib import Path

import pytest

from tandem import create_app
from tandem.platform.config import SETTINGS, ConfigError, load_config, settings_markdown

DOCS = Path(__file__).resolve().parents[3] / "docs" / "configuration.md"


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is missing or too weak"):
        create_app({"TANDEM_ENV": "production", "DATABASE_URL": "sqlite://"})
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config({"TANDEM_ENV": "production", "SECRET_KEY": "change-me"})


FERNET_KEY = "q8xqB1wDqCZCvD3s2c1Rr0c3y4Zq1G4mN9bN0u8pYkE="


def test_production_starts_with_a_strong_secret_and_secure_cookies():
    config = load_config({"TANDEM_ENV": "production", "SECRET_KEY": "k" * 48, "DATABASE_URL": "sqlite://",
                          "ENCRYPTION_KEY": FERNET_KEY})
    assert config.is_production and config.session_cookie_secure


def test_production_needs_an_encryption_key_for_sso_secrets(monkeypatch):
    monkeypatch.delenv("ENCRYPTION_KEY", raising=False)
    with pytest.raises(ConfigError, match="ENCRYPTION_KEY is missing"):
        load_config({"TANDEM_ENV": "production", "SECRET_KEY": "k" * 48})
    with pytest.raises(ConfigError, match="Fernet key"):
        load_config({"TANDEM_ENV": "test", "ENCRYPTION_KEY": "not-a-key"})


def test_timeouts_must_be_positive():
    with pytest.raises(ConfigError, match="SESSION_IDLE_MINUTES"):
        load_config({"TANDEM_ENV": "test", "SESSION_IDLE_MINUTES": "0"})


def test_demo_and_test_generate_a_secret_per_process(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config({"TANDEM_ENV": "demo"})
    assert len(first.secret_key) >= 32
    assert not first.session_cookie_secure


def test_unknown_environment_and_language_are_explained():
    with pytest.raises(ConfigError, match="TANDEM_ENV must be one of"):
        load_config({"TANDEM_ENV": "staging"})
    with pytest.raises(ConfigError, match="DEFAULT_LANGUAGE"):
        load_config({"TANDEM_ENV": "test", "DEFAULT_LANGUAGE": "rm"})


def test_postgres_urls_use_psycopg_and_relative_sqlite_paths_are_resolved():
    assert load_config({"TANDEM_ENV": "test", "DATABASE_URL": "postgres://u@h/db"}).database_url == (
        "postgresql+psycopg://u@h/db"
    )
    url = load_config({"TANDEM_ENV": "test", "DATABASE_URL": "sqlite:///instance/x.db"}).database_url
    assert url.startswith("sqlite:////") and url.endswith("/instance/x.db")


def test_the_configuration_reference_is_documented_in_one_place():
    assert DOCS.read_text(encoding="utf-8") == settings_markdown(), (
        "docs/configuration.md is out of date: run `.venv/bin/tandem settings > docs/configuration.md`"
    )
    for setting in SETTINGS:
        assert f"`{setting.name}`" in DOCS.read_text(encoding="utf-8")
