"""Nominations files as spreadsheet programs save them: Windows encodings, headers in each site language."""

from __future__ import annotations

import csv
import io

import pytest

from tandem.tenants.nominations.csv_import import (
    COLUMNS,
    CohortInfo,
    ImportContext,
    canonical_column,
    check,
    decode,
    header_names,
    parse_csv,
    template_csv,
)

OPEN = CohortInfo(id=1, slug="kohorte-2027", name="Kohorte 2027", is_open=True)


def context() -> ImportContext:
    return ImportContext(domains=frozenset({"alpha.example"}), cohorts={OPEN.slug: OPEN},
                         quotas={(1, "mentor"): 5, (1, "mentee"): 5})


def run(data: bytes):
    return check(data, lambda emails: context())


GERMAN = ("Name;E-Mail;Rolle;Kohorte;Notiz\r\n"
          "Jürg Märki;juerg@alpha.example;Mentor;kohorte-2027;Führt das „Social Media“-Team – 5 €\r\n"
          "Zoë Béguelin;zoe@alpha.example;mentee;kohorte-2027;\r\n")


def test_excel_windows_cp1252_with_german_headers_and_umlauts_is_read():
    report = run(GERMAN.encode("cp1252"))
    assert report.problems == [] and report.ok
    juerg, zoe = report.rows
    assert (juerg.name, juerg.email, juerg.role, juerg.cohort) == ("Jürg Märki", "juerg@alpha.example", "mentor",
                                                                   OPEN)
    assert juerg.note == "Führt das „Social Media“-Team – 5 €"  # bytes 0x80-0x9f: cp1252, not Latin-1
    assert (zoe.name, zoe.role) == ("Zoë Béguelin", "mentee")
    assert report.encoding == "cp1252"


@pytest.mark.parametrize(("data", "encoding"), [
    (GERMAN.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + GERMAN.encode("utf-8"), "utf-8"),
    (GERMAN.encode("utf-16"), "utf-16"),  # Excel's "Unicode text": with its byte order mark
    (GERMAN.replace(";", "\t").encode("utf-16"), "utf-16"),  # ... and separated by tabs
])
def test_utf8_with_or_without_bom_and_utf16_with_bom_are_read(data, encoding):
    report = run(data)
    assert report.problems == [] and [row.name for row in report.rows] == ["Jürg Märki", "Zoë Béguelin"]
    assert report.encoding == encoding


def test_utf8_is_preferred_and_a_file_neither_utf8_nor_windows_is_refused_with_its_line():
    assert decode("Jürg".encode()) == ("Jürg", "utf-8", None)
    assert decode("Jürg".encode("cp1252")) == ("Jürg", "cp1252", None)
    text, encoding, problem = decode(b"name,email\nok,ok@alpha.example\nbad \x81,x@alpha.example\n")
    assert (text, encoding) == (None, None) and problem is not None
    assert (problem.line, problem.code) == (3, "encoding")


@pytest.mark.parametrize("header", [
    "name,email,role,cohort,note",
    "Name;E-Mail;Rolle;Kohorte;Notiz",
    "Name;E-Mail-Adresse;Rolle;Kohorte;Bemerkung",
    "Nom;E-mail;Rôle;Volée;Remarque",
    "nom;adresse e-mail;role;cohorte;note",
    "Nom;Courriel;RÔLE;VOLEE;Commentaire",
    "NAME , EMAIL , ROLE , COHORT , NOTE",
    "Name,E-mail address,Role,Cohort,Note",
])
def test_headers_in_each_site_language_are_understood(header):
    separator = ";" if ";" in header else ","
    row = separator.join(["Lea", "lea@alpha.example", "mentor", "kohorte-2027", "hi"])
    parsed = parse_csv(f"{header}\n{row}\n".encode())
    assert parsed.problems == []
    assert dict(parsed.rows[0].values) == {"name": "Lea", "email": "lea@alpha.example", "role": "mentor",
                                           "cohort": "kohorte-2027", "note": "hi"}


def test_a_column_is_named_as_the_file_names_it():
    parsed = parse_csv(b"Name;E-Mail;Rolle;Kohorte\nLea;lea@alpha.example;mentor;kohorte-2027\n")
    assert parsed.headers == {"name": "Name", "email": "E-Mail", "role": "Rolle", "cohort": "Kohorte"}
    report = run(b"Name;E-Mail;Kohorte\nLea;lea@alpha.example;kohorte-2027\n")
    assert [(p.line, p.column, p.code) for p in report.problems] == [(1, "role", "missing_column")]


@pytest.mark.parametrize(("value", "column"), [
    ("E-Mail", "email"), ("e-mail", "email"), ("Courriel", "email"), ("Rôle", "role"), ("Volée", "cohort"),
    ("Kohorte", "cohort"), ("Notiz", "note"), ("Remarque", "note"), ("mail", None), ("Telefon", None),
])
def test_canonical_column(value, column):
    assert canonical_column(value) == column


@pytest.mark.parametrize(("value", "role"), [
    ("Mentor:in", "mentor"), ("Mentorin", "mentor"), ("Mentoré·e", "mentee"), ("mentorée", "mentee"),
    ("MENTEE", "mentee"),
])
def test_roles_as_the_site_writes_them_in_each_language(value, role):
    report = run(f"Name;E-Mail;Rolle;Kohorte\nLea;lea@alpha.example;{value};kohorte-2027\n".encode())
    assert report.problems == [] and report.rows[0].role == role


@pytest.mark.parametrize("language", ["de", "fr", "it", "en"])
def test_the_template_is_in_the_admins_language_and_passes_its_own_checks(language):
    data = template_csv(domain="alpha.example", cohort_slug="kohorte-2027", language=language)
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    text = data.decode("utf-8-sig")
    separator = "," if language == "en" else ";"  # what spreadsheet programs of the language's locales expect
    header = next(csv.reader(io.StringIO(text), delimiter=separator))
    names = header_names(language)
    assert header == [names[column] for column in COLUMNS]
    report = run(data)
    assert report.ok and report.rows[0].name == "Lea Müller"
    assert header_names("de") == {"name": "Name", "email": "E-Mail", "role": "Rolle", "cohort": "Kohorte",
                                  "note": "Notiz"}
    assert header_names("fr")["cohort"] == "Volée" and header_names("xx") == header_names("en")
    assert header_names("it") == {"name": "Nome", "email": "E-mail", "role": "Ruolo", "cohort": "Coorte",
                                  "note": "Nota"}
