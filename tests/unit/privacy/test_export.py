"""The export's collector and page, without a database: every table and subject of the registry is known."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime

import pytest

from tandem.platform.privacy.export import collector
from tandem.platform.privacy.export.views import SECTIONS, TABLE_LABELS
from tandem.platform.privacy.registry import REGISTRY, PersonalData


def test_every_subject_column_of_the_registry_leads_to_the_person() -> None:
    for name, declaration in REGISTRY.items():
        if isinstance(declaration, PersonalData):
            for column in declaration.subject.columns:
                collector.subject_kind(name, column)  # raises for a path the collector cannot follow


def test_an_unknown_subject_fails_loudly() -> None:
    with pytest.raises(collector.UnknownSubject):
        collector.subject_kind("future_table", "owner_key")
    with pytest.raises(collector.UnknownSubject):
        collector.subject_kind("profiles", "id")


def test_every_exported_table_is_on_the_page_once_with_a_label() -> None:
    on_page = [name for _title, names in SECTIONS for name in names]
    assert sorted(on_page) == sorted(collector.exported_tables())
    assert len(on_page) == len(set(on_page))
    assert set(on_page) <= set(TABLE_LABELS)


def test_secrets_are_never_exported() -> None:
    for name in collector.exported_tables():
        columns = collector.exported_columns(name)
        assert "token_hash" not in columns and "respondent_key" not in columns, name
    assert "content" not in collector.exported_columns("data_exports")
    assert "photo_small" not in collector.exported_columns("stories")


def test_tables_without_exported_columns_are_left_out() -> None:
    for name in ("matching_separations", "nudge_deliveries", "profile_reminders", "story_reminders"):
        assert name not in collector.exported_tables()


def test_values_become_plain_json() -> None:
    assert collector._plain(datetime(2027, 4, 1, 8, 0)) == "2027-04-01T08:00:00+00:00"
    assert collector._plain(datetime(2027, 4, 1, 8, 0, tzinfo=UTC)) == "2027-04-01T08:00:00+00:00"
    assert collector._plain(date(2027, 4, 1)) == "2027-04-01"
    assert collector._plain(b"\x00\x01") == base64.b64encode(b"\x00\x01").decode()
    assert collector._plain({"a": [1]}) == {"a": [1]}


def test_a_photo_is_base64_or_omitted_with_its_size(monkeypatch) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"x" * 10
    assert collector._photo(png) == {"content_type": "image/png", "size_bytes": 18,
                                     "base64": base64.b64encode(png).decode()}
    monkeypatch.setattr(collector, "MAX_PHOTO_BYTES", 10)
    assert collector._photo(png) == {"omitted": True, "size_bytes": 18, "content_type": "image/png"}
    assert collector._photo(None) is None
    assert collector._photo(b"\xff\xd8rest")["content_type"] == "image/jpeg"
