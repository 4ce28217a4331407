"""The standard library's `platform` is not shadowed from the repository root (see DESIGN.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_stdlib_platform_is_not_shadowed_from_the_repository_root():
    assert not (ROOT / "platform" / "__init__.py").exists()
    result = subprocess.run(
        [sys.executable, "-c", "import uuid, sqlalchemy, platform; print(platform.system())"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_pytest_collects_from_the_repository_root():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests/unit"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "test_stdlib_platform_is_not_shadowed_from_the_repository_root" in result.stdout


def test_importing_the_package_does_no_work():
    """No module-level side effects: importing every module creates no app, engine or connection."""
    code = (
        "import sqlalchemy, sys\n"
        "created = []\n"
        "original = sqlalchemy.create_engine\n"
        "sqlalchemy.create_engine = lambda *a, **k: created.append(a) or original(*a, **k)\n"
        "import pkgutil, importlib, tandem\n"
        "for m in pkgutil.walk_packages(tandem.__path__, 'tandem.'):\n"
        "    if '.migrations' in m.name: continue\n"
        "    importlib.import_module(m.name)\n"
        "assert not created, created\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
