"""A nominations file as Excel on Windows saves it (cp1252, German headers, umlauts) is previewed and imported."""

from __future__ import annotations

import html
import io
import re

import pytest
import sqlalchemy as sa

from tandem.platform.identity.models import User
from tandem.platform.tenancy import club_scope
from tests.factories import make_cohort, make_org_admin, make_organisation, make_quota

GERMAN_FILE = ("Name;E-Mail;Rolle;Kohorte;Notiz\r\n"
               "Jürg Märki;juerg@alpha.example;Mentor;kohorte-2027;Führt das „Social Media“-Team\r\n"
               "Zoë Béguelin;zoe@alpha.example;mentee;kohorte-2027;\r\n")


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha", name="Alpha")
    cohort = make_cohort(db, slug="kohorte-2027", name="Kohorte 2027")
    make_quota(db, cohort, alpha, mentors=2, mentees=2)
    admin = make_org_admin(db, alpha)
    db.commit()
    return admin


def upload(client, data: bytes, language: str = "en"):
    return client.post("/o/alpha/nominations/import", data={"file": (io.BytesIO(data), "nominierungen.csv")},
                       content_type="multipart/form-data", headers={"Accept-Language": language})


def test_a_windows_excel_file_with_german_headers_and_umlauts_is_imported(client, db, sign_in, club):
    sign_in(client, club)
    preview = upload(client, GERMAN_FILE.encode("cp1252"), "de")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page
    assert "Jürg Märki" in page and "Zoë Béguelin" in page and "Führt das „Social Media“-Team" in page
    assert "cp1252" in page, "the preview says which encoding the file was read in"
    match = re.search(r'<textarea name="csv_text" hidden>\n(.*?)</textarea>', page, re.S)
    assert match
    response = client.post("/o/alpha/nominations/import/confirm", data={"csv_text": html.unescape(match.group(1))})
    assert response.status_code == 302
    with club_scope(db):
        db.expire_all()
        names = dict(db.execute(sa.select(User.email, User.display_name)
                                .where(User.email.in_(["juerg@alpha.example", "zoe@alpha.example"]))).all())
    assert names == {"juerg@alpha.example": "Jürg Märki", "zoe@alpha.example": "Zoë Béguelin"}


def test_problems_name_the_column_as_the_file_does(client, sign_in, club):
    sign_in(client, club)
    response = upload(client, "Name;E-Mail;Rolle;Kohorte\r\nJürg;juerg@elsewhere.example;Coach;kohorte-2027\r\n"
                      .encode("cp1252"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r">2</td>\s*<td[^>]*>E-Mail</td>", page) and re.search(r">2</td>\s*<td[^>]*>Rolle</td>", page)
    response = upload(client, "Name;E-Mail;Kohorte\r\nJürg;juerg@alpha.example;kohorte-2027\r\n".encode())
    assert 'The header line has no column &#34;role&#34;.' in response.get_data(as_text=True)


def test_a_file_in_no_known_encoding_is_refused_with_a_clear_message(client, sign_in, club):
    sign_in(client, club)
    response = upload(client, b"name,email,role,cohort\nJ\x81rg,j@alpha.example,mentor,kohorte-2027\n")
    assert response.status_code == 400
    assert "neither UTF-8 nor Windows" in response.get_data(as_text=True)


@pytest.mark.parametrize(("language", "header"), [
    ("de", "Name;E-Mail;Rolle;Kohorte;Notiz"),
    ("fr", "Nom;E-mail;Rôle;Volée;Remarque"),
    ("it", "Nome;E-mail;Ruolo;Coorte;Nota"),
    ("en", "name,email,role,cohort,note"),
])
def test_the_template_has_the_headers_of_the_admins_language(client, sign_in, club, language, header):
    sign_in(client, club)
    response = client.get("/o/alpha/nominations/nominations-template.csv", headers={"Accept-Language": language})
    assert response.status_code == 200
    assert response.data.decode("utf-8").startswith("\ufeff" + header + "\r\n")
    assert upload(client, response.data, language).status_code == 200, "the template passes its own checks"
