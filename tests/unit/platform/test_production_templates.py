"""In production templates are compiled once per process and not checked for changes at every rendering, and a
worker Gunicorn restarts loads them compiled (Jinja's bytecode cache in a private temporary directory)."""

from __future__ import annotations

from cryptography.fernet import Fernet

from tandem import create_app

PRODUCTION = {"TANDEM_ENV": "production", "DATABASE_URL": "sqlite://", "SECRET_KEY": "p" * 48, "REDIS_URL": "",
              "SMTP_URL": "smtp://127.0.0.1:2525", "BASE_URL": "https://tandem.example"}


def test_production_keeps_compiled_templates_and_never_reloads_them(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    settings = {**PRODUCTION, "ENCRYPTION_KEY": Fernet.generate_key().decode()}
    app = create_app(settings)
    assert app.jinja_env.auto_reload is False
    cache = app.jinja_env.bytecode_cache
    assert cache is not None and str(tmp_path) in cache.directory
    html = app.jinja_env.get_template("public/landing.html")
    assert html is not None and any(path.name.startswith("__jinja2_") for path in tmp_path.rglob("*"))
    again = create_app(settings)  # a new worker: loads what the first compiled
    assert again.jinja_env.get_template("public/landing.html").render is not None


def test_demo_and_tests_compile_afresh(tmp_path):
    app = create_app({"TANDEM_ENV": "test", "DATABASE_URL": "sqlite://", "SECRET_KEY": "t" * 48, "REDIS_URL": "",
                      "SMTP_URL": ""})
    assert app.jinja_env.bytecode_cache is None
