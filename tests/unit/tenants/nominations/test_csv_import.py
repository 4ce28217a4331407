"""The nominations CSV reader and its checks: pure, no app, no database."""

from __future__ import annotations

import csv
import io

import pytest

from tandem.tenants.nominations.csv_import import (
    MAX_BYTES,
    MAX_ROWS,
    CohortInfo,
    ExistingPerson,
    ImportContext,
    check,
    detect_separator,
    parse_csv,
    template_csv,
    validate,
)

OPEN = CohortInfo(id=1, slug="cohort-2027", name="Cohort 2027", is_open=True)
CLOSED = CohortInfo(id=2, slug="cohort-2026", name="Cohort 2026", is_open=False)
HEADER = "name,email,role,cohort,note\n"


def context(**changes) -> ImportContext:
    values = dict(
        domains=frozenset({"alpha.example", "alpha-group.example"}),
        cohorts={OPEN.slug: OPEN, CLOSED.slug: CLOSED},
        quotas={(1, "mentor"): 5, (1, "mentee"): 5},
        held={},
    )
    values.update(changes)
    return ImportContext(**values)


def run(data, ctx=None):
    return check(data, lambda emails: ctx or context())


def codes(report):
    return [(p.line, p.column, p.code) for p in report.problems]


def test_a_clean_file_gives_its_rows():
    report = run((HEADER + "Lea Keller,Lea.Keller@alpha.example,Mentor,cohort-2027,Social media\n"
                  "Max Huber,max@alpha-group.example,mentee,Cohort-2027,\n").encode())
    assert report.ok and report.problems == []
    lea, max_ = report.rows
    assert (lea.line, lea.name, lea.email, lea.role, lea.cohort, lea.note) == (
        2, "Lea Keller", "lea.keller@alpha.example", "mentor", OPEN, "Social media")
    assert (max_.line, max_.role, max_.note) == (3, "mentee", None)


def test_bom_semicolons_crlf_and_quotes():
    text = ("\ufeffname;email;role;cohort;note\r\n"
            '"Keller; Lea";lea@alpha.example;mentor;cohort-2027;"says ""hi""\r\nand more"\r\n'
            "Max;max@alpha.example;MENTEE;cohort-2027;\r\n")
    report = run(text.encode("utf-8"))
    assert report.problems == []
    lea, max_ = report.rows
    assert lea.name == "Keller; Lea" and lea.note == 'says "hi"\r\nand more'
    # The quoted note spans lines 2 and 3: Max is on line 4, as in the file.
    assert (lea.line, max_.line, max_.role) == (2, 4, "mentee")


def test_the_separator_is_told_from_the_header_line():
    assert detect_separator("name;email;role;cohort;note") == ";"
    assert detect_separator("name,email,role,cohort,note") == ","
    assert detect_separator('"name","email";"x"') == ","


def test_blank_lines_are_skipped_and_lines_keep_their_numbers():
    report = run(("\n" + HEADER + "\n\nLea,lea@alpha.example,mentor,cohort-2027,\n").encode())
    assert report.problems == [] and report.rows[0].line == 5


def test_latin_1_is_read_as_windows_text():
    data = (HEADER + "Lea,lea@alpha.example,mentor,cohort-2027,\nJürg,j@alpha.example,mentor,cohort-2027,\n")
    report = run(data.encode("latin-1"))
    assert report.problems == [] and [row.name for row in report.rows] == ["Lea", "Jürg"]


@pytest.mark.parametrize("data", [b"", b"  \r\n\n", "\ufeff".encode()])
def test_an_empty_file(data):
    assert codes(run(data)) == [(None, None, "empty")]


def test_a_header_without_rows():
    assert codes(run(HEADER.encode())) == [(None, None, "no_rows")]


def test_missing_columns_are_named_on_the_header_line():
    report = run(b"\n\nname;mail;cohort\nLea;lea@alpha.example;cohort-2027\n")
    assert codes(report) == [(3, "email", "missing_column"), (3, "role", "missing_column")]


def test_too_many_rows_and_too_large():
    rows = "".join(f"P{i},p{i}@alpha.example,mentor,cohort-2027,\n" for i in range(MAX_ROWS + 1))
    assert codes(run((HEADER + rows).encode())) == [(MAX_ROWS + 2, None, "too_many_rows")]
    assert codes(run(b"x" * (MAX_BYTES + 1))) == [(None, None, "too_large")]
    exactly = "".join(f"P{i},p{i}@alpha.example,mentor,cohort-2027,\n" for i in range(MAX_ROWS))
    assert len(parse_csv((HEADER + exactly).encode()).rows) == MAX_ROWS


def test_a_nul_byte_is_not_csv():
    assert codes(run((HEADER + "Lea,lea@alpha.example\x00,mentor,cohort-2027,\n").encode())) == [
        (2, None, "malformed")]


@pytest.mark.parametrize(("line", "expected"), [
    (",lea@alpha.example,mentor,cohort-2027,", ("name", "required")),
    ("x" * 201 + ",lea@alpha.example,mentor,cohort-2027,", ("name", "too_long")),
    ("Lea,,mentor,cohort-2027,", ("email", "required")),
    ("Lea,lea at alpha.example,mentor,cohort-2027,", ("email", "email_syntax")),
    ("Lea,lea@gmail.example,mentor,cohort-2027,", ("email", "email_domain")),
    ("Lea,ben@alpha.example,mentor,cohort-2027,", ("email", "email_other_organisation")),
    ("Lea,old@alpha.example,mentor,cohort-2027,", ("email", "person_inactive")),
    ("Lea,in@alpha.example,mentor,cohort-2027,", ("email", "already_in_cohort")),
    ("Lea,lea@alpha.example,,cohort-2027,", ("role", "required")),
    ("Lea,lea@alpha.example,coach,cohort-2027,", ("role", "role")),
    ("Lea,lea@alpha.example,mentor,,", ("cohort", "required")),
    ("Lea,lea@alpha.example,mentor,cohort-1999,", ("cohort", "cohort_unknown")),
    ("Lea,lea@alpha.example,mentor,cohort-2026,", ("cohort", "cohort_not_open")),
    ("Lea,lea@alpha.example,mentor,cohort-2027," + "n" * 501, ("note", "too_long")),
    ("Lea,lea@alpha.example,mentor,cohort-2027,note,surplus", (None, "extra_values")),
])
def test_every_row_problem_with_its_line_and_column(line, expected):
    ctx = context(foreign_emails=frozenset({"ben@alpha.example"}),
                  people={"old@alpha.example": ExistingPerson(7, "Old", is_active=False),
                          "in@alpha.example": ExistingPerson(8, "In")},
                  participations={("in@alpha.example", 1): "withdrawn"})
    report = run((HEADER + "Ok,ok@alpha.example,mentee,cohort-2027,\n" + line + "\n").encode(), ctx)
    assert codes(report) == [(3, *expected)]
    assert [row.line for row in report.rows] == [2]
    assert not report.ok


def test_duplicates_within_the_file_name_the_first_line():
    report = run((HEADER + "Lea,lea@alpha.example,mentor,cohort-2027,\n"
                  "Lea K,LEA@alpha.example,mentee,cohort-2027,\n").encode())
    assert codes(report) == [(3, "email", "duplicate")]
    assert report.problems[0].params == {"line": 2}


def test_the_quota_counts_places_held_and_the_files_earlier_rows():
    ctx = context(quotas={(1, "mentee"): 3}, held={(1, "mentee"): 1})
    rows = "".join(f"P{i},p{i}@alpha.example,mentee,cohort-2027,\n" for i in range(3))
    report = run((HEADER + rows + "M,m@alpha.example,mentor,cohort-2027,\n").encode(), ctx)
    assert codes(report) == [(4, "role", "quota_full"), (5, "role", "no_quota")]
    assert report.problems[0].params == {"cohort": "Cohort 2027", "role": "mentee", "places": 3}
    assert [row.line for row in report.rows] == [2, 3]


def test_an_existing_person_of_the_organisation_is_reused():
    ctx = context(people={"lea@alpha.example": ExistingPerson(4, "Lea Keller")})
    report = validate(parse_csv((HEADER + "L. K.,lea@alpha.example,mentor,cohort-2027,\n").encode()), ctx)
    assert report.ok and report.rows[0].existing == ExistingPerson(4, "Lea Keller")


def test_the_template_is_utf8_with_bom_and_passes_its_own_checks():
    data = template_csv(domain="alpha.example", cohort_slug="cohort-2027")
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == ["name", "email", "role", "cohort", "note"]
    report = run(data)
    assert report.ok and report.rows[0].name == "Lea Müller"
