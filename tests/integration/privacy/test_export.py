"""The export of one person's data (issue 15): the file holds every value the registry marks for export, none of
another person's; the page shows the same; the link works once and only for its owner."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.database import utcnow
from tandem.platform.privacy.export.collector import SCHEMA, SCHEMA_VERSION, exported_tables
from tandem.platform.privacy.models import DataExport, ExportStatus
from tandem.platform.privacy.registry import REGISTRY, PersonalData
from tandem.platform.tenancy import club_scope
from tests.fixtures.everything import Everything, make_person_with_everything
from tests.fixtures.jobs import run_queued_jobs

LINK = re.compile(r'href="(/me/data/exports/(\d+)/([A-Za-z0-9_\-]+)\.json)"')


def _exported_strings(everything: Everything) -> dict[str, str]:
    """The person's strings in columns the registry exports."""
    out = {}
    for key, value in everything.strings.items():
        table, _, column = key.partition(".")
        declaration = REGISTRY[table]
        assert isinstance(declaration, PersonalData)
        spec = declaration.columns.get(column)
        if spec is not None and spec.export:
            out[key] = value
    return out


def _not_exported_strings(everything: Everything) -> dict[str, str]:
    return {key: value for key, value in everything.strings.items()
            if key not in _exported_strings(everything) and key != "outbox_messages.pending"}


@pytest.fixture()
def everything(app, db) -> Everything:
    return make_person_with_everything(db, app)


def _ask(client) -> str:
    """Ask for the export; with Redis, the job waiting for a worker runs here. Returns the status page's URL."""
    answer = client.post("/me/data/export")
    assert answer.status_code == 302
    run_queued_jobs(client.application)
    return answer.headers["Location"]


def _ask_and_download(client) -> tuple[bytes, str]:
    status_url = _ask(client)
    page = client.get(status_url)
    assert page.status_code == 200
    match = LINK.search(page.get_data(as_text=True))
    assert match, page.get_data(as_text=True)
    download = client.get(match.group(1))
    assert download.status_code == 200
    assert download.mimetype == "application/json"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"
    return download.data, match.group(1)


def test_the_file_holds_every_exported_value_of_the_person_and_nothing_of_others(client, sign_in, everything, db):
    sign_in(client, everything.person)
    content, link = _ask_and_download(client)
    text = content.decode("utf-8")
    data = json.loads(text)

    assert data["schema"] == SCHEMA and data["version"] == SCHEMA_VERSION
    assert data["person"]["email"] == everything.person.email
    assert list(data["tables"]) == exported_tables()
    missing = [key for key, value in _exported_strings(everything).items() if value not in text]
    assert missing == []
    assert everything.text("outbox_messages", "body_text") in text
    leaked = [value for value in everything.other_strings.values() if value in text]
    assert leaked == []
    # Columns the registry keeps out of the export (token hashes, a separation's reason, HTML bodies, errors,
    # the earlier export's content) are not there.
    assert [value for value in _not_exported_strings(everything).values() if value in text] == []
    for secret in ("token_hash", "respondent_key"):
        assert secret not in text
    # The photo as base64 with its type; the feed as active only; the board's reading named with its role.
    story = data["tables"]["stories"]["rows"][0]
    assert base64.b64decode(story["photo"]["base64"]) == everything.photo
    assert story["photo"]["content_type"] == "image/png"
    assert "photo_small" not in story
    assert data["tables"]["calendar_feeds"]["rows"] == [
        {"id": everything.rows["calendar_feeds"][0], "created_at": data["tables"]["calendar_feeds"]["rows"][0][
            "created_at"], "active": True, "last_used_at": data["tables"]["calendar_feeds"]["rows"][0][
            "last_used_at"]}]
    viewed = [row for row in data["tables"]["audit_events"]["rows"] if row["action"] == "personal_data.viewed"]
    assert viewed[0]["actor"] == {"name": "Board Reader", "role": "board"}
    assert "ip_address" not in viewed[0]
    # Only the person's own entries of a matching run.
    assert data["tables"]["matching_runs"]["rows"][0]["unmatched"][0]["id"] == everything.participation.id

    # The link worked once: a second use answers 404 and the file is gone from the database.
    assert client.get(link).status_code == 404
    with club_scope(db):
        db.expire_all()
        export = db.scalars(sa.select(DataExport).where(DataExport.user_id == everything.person.id)
                            .order_by(DataExport.id.desc())).first()
        assert export.status == ExportStatus.DOWNLOADED and export.content is None and export.token_hash is None
        assert export.downloaded_at is not None
        actions = set(db.scalars(sa.select(AuditEvent.action).where(AuditEvent.target_id == everything.person.id,
                                                                     AuditEvent.target_type == "user")))
    assert {"personal_data.export_requested", "personal_data.export_downloaded"} <= actions


def test_the_link_works_only_for_its_owner_and_only_the_last_one_shown(app, db, client, sign_in, everything):
    sign_in(client, everything.person)
    export_id = int(_ask(client).rsplit("/", 1)[1])
    first = LINK.search(client.get(f"/me/data/exports/{export_id}").get_data(as_text=True)).group(1)
    second = LINK.search(client.get(f"/me/data/exports/{export_id}").get_data(as_text=True)).group(1)
    assert first != second
    assert client.get(first).status_code == 404  # replaced by the second

    stranger = app.test_client()
    sign_in(stranger, everything.stranger)
    assert stranger.get(second).status_code == 404
    assert stranger.get(f"/me/data/exports/{export_id}").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(second).status_code in (302, 401, 403, 404)
    assert client.get(second.replace(second.rsplit("/", 1)[1], "x" * 43 + ".json")).status_code == 404

    assert client.get(second).status_code == 200  # the owner, still unused
    assert client.get(second).status_code == 404


def test_the_page_shows_the_same_data_grouped(client, sign_in, everything):
    sign_in(client, everything.person)
    page = client.get("/me/data")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for key, value in _exported_strings(everything).items():
        if key in ("stories.photo",):
            continue
        assert value.replace("&", "&amp;") in html or json.dumps(value)[1:-1] in html, key
    assert [value for value in everything.other_strings.values() if value in html] == []
    assert "Board Reader (board)" in html


def test_a_person_with_little_data_gets_their_file_too(app, db, client, sign_in):
    from tests.factories import make_organisation, make_user

    organisation = make_organisation(db)
    person = make_user(db, organisation, display_name="Nora Small")
    db.commit()
    sign_in(client, person)
    content, _link = _ask_and_download(client)
    data = json.loads(content)
    assert data["person"]["display_name"] == "Nora Small"
    assert data["tables"]["users"]["rows"][0]["display_name"] == "Nora Small"
    assert data["tables"]["stories"]["rows"] == []
    # The export being prepared is part of the file (asked for, not yet downloaded).
    assert len(data["tables"]["data_exports"]["rows"]) == 1


def test_the_status_page_waits_for_the_job_and_asking_again_meanwhile_gives_the_same_export(app, db, client,
                                                                                            sign_in, everything):
    from tandem.platform.privacy.export.jobs import prepare_data_export
    from tandem.platform.privacy.export.operations import request_export
    from tandem.workers.queues import enqueue_after_commit

    with app.app_context(), club_scope(db):
        export, new = request_export(db, everything.person.id, everything.organisation.id, utcnow())
        assert new
        enqueue_after_commit(db, prepare_data_export, export.id)
        db.flush()
        again, new = request_export(db, everything.person.id, everything.organisation.id, utcnow())
        assert again.id == export.id and not new
        db.commit()
    # Without Redis the job ran at the commit; with Redis it waits: the page refreshes itself until it is ready.
    sign_in(client, everything.person)
    page = client.get(f"/me/data/exports/{export.id}").get_data(as_text=True)
    if app.extensions["tandem.jobs"].is_async:
        assert 'http-equiv="refresh"' in page and "being prepared" in page
        run_queued_jobs(app)
        page = client.get(f"/me/data/exports/{export.id}").get_data(as_text=True)
    assert LINK.search(page) and 'http-equiv="refresh"' not in page


def test_an_export_whose_job_was_lost_does_not_block_a_new_one(app, db, client, sign_in, everything):
    from tandem.platform.privacy.export.operations import STALE_AFTER

    with club_scope(db):
        lost = DataExport(user_id=everything.person.id, organisation_id=everything.organisation.id,
                          status=ExportStatus.QUEUED, created_at=utcnow() - STALE_AFTER - timedelta(minutes=1))
        db.add(lost)
        db.commit()
        lost_id = lost.id
    sign_in(client, everything.person)
    page = client.get(f"/me/data/exports/{lost_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "could not be prepared" in page

    status_url = _ask(client)
    assert not status_url.endswith(f"/{lost_id}")
    assert LINK.search(client.get(status_url).get_data(as_text=True))
    with club_scope(db):
        db.expire_all()
        statuses = dict(db.execute(sa.select(DataExport.id, DataExport.status).where(
            DataExport.user_id == everything.person.id)).all())
    assert statuses[lost_id] == ExportStatus.FAILED
    # The fixture's earlier file, never downloaded, is dropped with it.
    assert statuses[everything.rows["data_exports"][0]] == ExportStatus.FAILED


def test_a_job_that_fails_marks_the_export_failed(app, db, everything, monkeypatch):
    from tandem.platform.privacy.export import operations

    with club_scope(db):
        export = DataExport(user_id=everything.person.id, organisation_id=everything.organisation.id,
                            status=ExportStatus.QUEUED)
        db.add(export)
        db.commit()
        export_id = export.id

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(operations, "collect", broken)
    with app.app_context(), pytest.raises(RuntimeError):
        operations.prepare_export(db, export_id, utcnow())
    with club_scope(db):
        db.expire_all()
        assert db.get(DataExport, export_id).status == ExportStatus.FAILED
