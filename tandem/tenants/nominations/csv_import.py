"""Reading and checking a nominations CSV file: pure, no Flask and no database.

`parse_csv(data)` reads the bytes (UTF-8 with or without BOM, UTF-16 with BOM, else Windows cp1252 as Excel
saves "CSV" on Windows; comma, semicolon or tab, told from the header line; quoted fields; CRLF or LF) into
raw rows. The header names the columns in any site language (`Name;E-Mail;Rolle;Kohorte;Notiz`,
`Nom;E-mail;Rôle;Volée;Remarque`, `name,email,role,cohort,note`, and a few common variants): they are
mapped to the canonical columns, and a problem names a column as the file does. `validate(parsed, context)`
checks every row against the organisation's domains, the cohorts, the quotas and the people already
nominated (all in `ImportContext`, loaded by the caller) and returns the rows that would be created and every
problem found.

A problem names the line as it is in the file (1 is the header), the column, a code and its parameters;
`tandem.tenants.nominations.messages.problem_text` turns it into words in the reader's language.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email

from tandem.platform.spreadsheet import BOM

MAX_BYTES = 1024 * 1024
MAX_ROWS = 1000
MAX_NAME = 200
MAX_EMAIL = 320
MAX_NOTE = 500

COLUMNS = ("name", "email", "role", "cohort", "note")
REQUIRED_COLUMNS = ("name", "email", "role", "cohort")
ROLES = ("mentor", "mentee")

# The columns' names in each site language, as the template writes them (the site's own words for them).
# They are data, not translations looked up at run time: a file written with German headers is read the
# same whatever the language of the person who uploads it.
HEADER_NAMES: dict[str, dict[str, str]] = {
    "en": {"name": "name", "email": "email", "role": "role", "cohort": "cohort", "note": "note"},
    "de": {"name": "Name", "email": "E-Mail", "role": "Rolle", "cohort": "Kohorte", "note": "Notiz"},
    "fr": {"name": "Nom", "email": "E-mail", "role": "Rôle", "cohort": "Volée", "note": "Remarque"},
    "it": {"name": "Nome", "email": "E-mail", "role": "Ruolo", "cohort": "Coorte", "note": "Nota"},
}
# Other names people give these columns in the site's languages (compared without case, accents, spaces and
# punctuation: "E-Mail-Adresse" is "emailadresse").
HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "name": ("Full name", "Vollständiger Name", "Nom complet", "Nome e cognome", "Nome completo"),
    "email": ("E-mail address", "Work e-mail address", "E-Mail-Adresse", "Adresse e-mail", "Courriel",
              "Adresse électronique", "Indirizzo e-mail", "Posta elettronica"),
    "role": (),
    "cohort": ("Cohorte", "Edizione"),
    "note": ("Comment", "Bemerkung", "Kommentar", "Anmerkung", "Commentaire", "Commento", "Osservazione"),
}
# The roles as the site writes them in each language (Mentor:in, Mentoré·e), by the same comparison. Italian
# writes mentor and mentee as English does: its "mentore" (a mentor) reads the same as the French "Mentoré"
# once accents are dropped, so it is not taken for either.
ROLE_NAMES = {"mentor": "mentor", "mentorin": "mentor", "mentee": "mentee", "mentore": "mentee",
              "mentoree": "mentee"}
TEMPLATE_SEPARATORS = {"en": ","}  # else ";", which spreadsheet programs of Swiss locales (de, fr, it) expect
TEMPLATE_NOTES = {"en": "Social media team", "de": "Social-Media-Team", "fr": "Équipe réseaux sociaux",
                  "it": "Team social media"}


def _key(value: str) -> str:
    """A name compared without case, accents, spaces and punctuation."""
    decomposed = unicodedata.normalize("NFKD", value)
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)).casefold())


COLUMN_KEYS: dict[str, str] = {
    _key(name): column
    for column in COLUMNS
    for name in (*(names[column] for names in HEADER_NAMES.values()), *HEADER_VARIANTS[column])
}


def canonical_column(header: str) -> str | None:
    """The column a header names, in any site language; None for a column the import does not know."""
    return COLUMN_KEYS.get(_key(header))


def header_names(language: str) -> dict[str, str]:
    """The columns' names in `language` (English for a language the site does not have)."""
    return dict(HEADER_NAMES.get(language, HEADER_NAMES["en"]))


def canonical_role(value: str) -> str:
    """mentor or mentee from the role as written in any site language; else the value, lowercased."""
    return ROLE_NAMES.get(_key(value), value.strip().lower())

# Statuses that hold a place in the quota (tandem.platform.models.OCCUPYING_STATUSES, as plain strings).
OCCUPYING = ("nominated", "invited", "active")


@dataclass(frozen=True)
class Problem:
    line: int | None  # as in the file (the header is line 1); None: the file as a whole
    column: str | None
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RawRow:
    line: int
    values: Mapping[str, str]  # column -> value as written (stripped)
    extra: bool = False  # more values than columns


@dataclass
class ParsedFile:
    rows: list[RawRow]
    problems: list[Problem]
    headers: dict[str, str] = field(default_factory=dict)  # column -> its name as written in the file
    encoding: str | None = None  # how the bytes were read (None: the caller gave text)

    @property
    def emails(self) -> set[str]:
        return {normal_email(row.values.get("email", "")) for row in self.rows} - {""}


@dataclass(frozen=True)
class CohortInfo:
    id: int
    slug: str
    name: str
    is_open: bool


@dataclass(frozen=True)
class ExistingPerson:
    user_id: int
    display_name: str
    is_active: bool = True


@dataclass
class ImportContext:
    """What the checks need to know, loaded by the caller for the organisation and the file's addresses."""

    domains: frozenset[str]
    cohorts: Mapping[str, CohortInfo]  # every cohort, by slug
    quotas: Mapping[tuple[int, str], int] = field(default_factory=dict)  # (cohort id, role) -> places
    held: Mapping[tuple[int, str], int] = field(default_factory=dict)  # (cohort id, role) -> places held
    people: Mapping[str, ExistingPerson] = field(default_factory=dict)  # this organisation's, by e-mail
    participations: Mapping[tuple[str, int], str] = field(default_factory=dict)  # (e-mail, cohort id) -> status
    foreign_emails: frozenset[str] = frozenset()  # addresses of people of other organisations


@dataclass(frozen=True)
class NominationRow:
    line: int
    name: str
    email: str
    role: str
    cohort: CohortInfo
    note: str | None
    existing: ExistingPerson | None = None


@dataclass
class Report:
    rows: list[NominationRow]
    problems: list[Problem]
    headers: dict[str, str] = field(default_factory=dict)  # column -> its name as written in the file
    encoding: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def normal_email(value: str) -> str:
    return (value or "").strip().lower()


def template_csv(domain: str = "example.org", cohort_slug: str = "cohort-2027", language: str = "en") -> bytes:
    """The file to fill in, with the headers in `language`: UTF-8 with BOM (spreadsheet programs then read
    the accents right), CRLF, the header and one example row."""
    names = header_names(language)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=TEMPLATE_SEPARATORS.get(language, ";"), lineterminator="\r\n")
    writer.writerow([names[column] for column in COLUMNS])
    writer.writerow(["Lea Müller", f"lea.mueller@{domain}", "mentor", cohort_slug,
                     TEMPLATE_NOTES.get(language, TEMPLATE_NOTES["en"])])
    return (BOM + out.getvalue()).encode("utf-8")


def decode(data: bytes) -> tuple[str | None, str | None, Problem | None]:
    """The text of the file and how it was read, or the problem that it cannot be read (with the line of the
    first bad byte).

    UTF-16 with its byte order mark (Excel's "Unicode text"); else UTF-8, with or without BOM; else Windows
    cp1252, what Excel saves as "CSV" on Windows in German and French (Latin-1 reads the same for letters).
    A file that says it is UTF-8 (its BOM) is not guessed at.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError as error:
            line = data[:error.start].decode("utf-16", errors="replace").count("\n") + 1
            return None, None, Problem(line, None, "encoding")
    try:
        return data.decode("utf-8").removeprefix(BOM), "utf-8", None
    except UnicodeDecodeError as error:
        if data.startswith(codecs.BOM_UTF8):
            return None, None, Problem(data.count(b"\n", 0, error.start) + 1, None, "encoding")
    try:
        return data.decode("cp1252"), "cp1252", None
    except UnicodeDecodeError as error:
        return None, None, Problem(data.count(b"\n", 0, error.start) + 1, None, "encoding")


def detect_separator(header_line: str) -> str:
    """Tab when the header line has more tabs than anything else (Excel's "Unicode text"); semicolon when it
    has more semicolons than commas (German and French locales); else comma."""
    tabs, semicolons, commas = header_line.count("\t"), header_line.count(";"), header_line.count(",")
    if tabs > max(semicolons, commas):
        return "\t"
    return ";" if semicolons > commas else ","


def parse_csv(data: bytes | str) -> ParsedFile:
    """Read the file into rows of values by column. Problems of the file as a whole stop the reading."""
    encoding = None
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            return ParsedFile([], [Problem(None, None, "too_large", {"limit_kb": MAX_BYTES // 1024})])
        text, encoding, problem = decode(data)
        if problem:
            return ParsedFile([], [problem])
    else:
        text = data.removeprefix(BOM)
        if len(text.encode("utf-8")) > MAX_BYTES:
            return ParsedFile([], [Problem(None, None, "too_large", {"limit_kb": MAX_BYTES // 1024})])
    assert text is not None
    if not text.strip():
        return ParsedFile([], [Problem(None, None, "empty")])
    if "\x00" in text:
        return ParsedFile([], [Problem(text.count("\n", 0, text.index("\x00")) + 1, None, "malformed")])

    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_separator(lines[first]),
                        skipinitialspace=True)
    header: list[str | None] | None = None
    written: dict[str, str] = {}
    header_line = 0
    rows: list[RawRow] = []
    previous_end = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(value.strip() for value in record):
                continue
            if header is None:
                header, header_line = [canonical_column(value) for value in record], start
                for column, value in zip(header, record, strict=True):
                    if column is not None:
                        written.setdefault(column, value.strip())
                continue
            if len(rows) >= MAX_ROWS:
                return ParsedFile([], [Problem(start, None, "too_many_rows", {"limit": MAX_ROWS})])
            values = {}
            for index, value in enumerate(record[:len(header)]):
                column = header[index]
                if column is not None and column not in values:
                    values[column] = value.strip()
            extra = any(value.strip() for value in record[len(header):])
            rows.append(RawRow(line=start, values=values, extra=extra))
    except csv.Error:
        return ParsedFile([], [Problem(previous_end + 1, None, "malformed")])

    assert header is not None
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        return ParsedFile([], [Problem(header_line, column, "missing_column") for column in missing], written,
                          encoding)
    if not rows:
        return ParsedFile([], [Problem(None, None, "no_rows")], written, encoding)
    return ParsedFile(rows, [], written, encoding)


def _email_problem(email: str) -> str | None:
    if not email:
        return "required"
    if len(email) > MAX_EMAIL:
        return "too_long"
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return "email_syntax"
    return None


def check_row(values: Mapping[str, str], line: int, context: ImportContext) -> tuple[NominationRow | None,
                                                                                       list[Problem]]:
    """One row's own checks (everything but duplicates within the file and the quota)."""
    problems: list[Problem] = []

    def refuse(column: str, code: str, **params: Any) -> None:
        problems.append(Problem(line, column, code, params))

    name = " ".join((values.get("name") or "").split())
    if not name:
        refuse("name", "required")
    elif len(name) > MAX_NAME:
        refuse("name", "too_long", limit=MAX_NAME)

    email = normal_email(values.get("email", ""))
    existing = context.people.get(email)
    email_code = _email_problem(email)
    if email_code:
        refuse("email", email_code, limit=MAX_EMAIL)
    elif email.rpartition("@")[2] not in context.domains:
        refuse("email", "email_domain", domains=", ".join(sorted(context.domains)))
    elif email in context.foreign_emails:
        refuse("email", "email_other_organisation")
    elif existing is not None and not existing.is_active:
        refuse("email", "person_inactive", name=existing.display_name)

    role = canonical_role(values.get("role") or "")
    if not role:
        refuse("role", "required")
    elif role not in ROLES:
        refuse("role", "role", value=values.get("role", ""))

    slug = (values.get("cohort") or "").strip().lower()
    cohort = context.cohorts.get(slug)
    if not slug:
        refuse("cohort", "required")
    elif cohort is None:
        refuse("cohort", "cohort_unknown", value=values.get("cohort", ""))
    elif not cohort.is_open:
        refuse("cohort", "cohort_not_open", cohort=cohort.name)
    elif not email_code:
        status = context.participations.get((email, cohort.id))
        if status is not None:
            refuse("email", "already_in_cohort", cohort=cohort.name, status=status)

    note = (values.get("note") or "").strip()
    if len(note) > MAX_NOTE:
        refuse("note", "too_long", limit=MAX_NOTE)

    if problems or cohort is None:
        return None, problems
    return NominationRow(line=line, name=name, email=email, role=role, cohort=cohort, note=note or None,
                         existing=existing), problems


def quota_problem(row: NominationRow, context: ImportContext, taking: int) -> Problem | None:
    """Whether the quota has a place for `row` when `taking` places of its kind are already taken in the file."""
    places = context.quotas.get((row.cohort.id, row.role), 0)
    if places <= 0:
        return Problem(row.line, "role", "no_quota", {"cohort": row.cohort.name, "role": row.role})
    if context.held.get((row.cohort.id, row.role), 0) + taking >= places:
        return Problem(row.line, "role", "quota_full",
                       {"cohort": row.cohort.name, "role": row.role, "places": places})
    return None


def validate(parsed: ParsedFile, context: ImportContext) -> Report:
    """Check every row; rows are returned only if they pass every check, with all problems in file order."""
    problems = list(parsed.problems)
    rows: list[NominationRow] = []
    first_line: dict[tuple[str, str], int] = {}
    taken: Counter[tuple[int, str]] = Counter()
    for raw in parsed.rows:
        row, row_problems = check_row(raw.values, raw.line, context)
        if raw.extra:
            row_problems.append(Problem(raw.line, None, "extra_values"))
        email, slug = normal_email(raw.values.get("email", "")), (raw.values.get("cohort") or "").strip().lower()
        if email and slug:
            if (email, slug) in first_line:
                row_problems.append(Problem(raw.line, "email", "duplicate", {"line": first_line[(email, slug)]}))
            else:
                first_line[(email, slug)] = raw.line
        if row is not None and not row_problems:
            full = quota_problem(row, context, taken[(row.cohort.id, row.role)])
            if full:
                row_problems.append(full)
            else:
                taken[(row.cohort.id, row.role)] += 1
                rows.append(row)
        problems.extend(row_problems)
    return Report(rows=rows, problems=problems)


def check(data: bytes | str, load_context: Any) -> Report:
    """Parse and validate; `load_context(emails)` returns the ImportContext for the file's addresses."""
    parsed = parse_csv(data)
    if parsed.problems and not parsed.rows:
        return Report(rows=[], problems=parsed.problems, headers=parsed.headers, encoding=parsed.encoding)
    report = validate(parsed, load_context(parsed.emails))
    report.headers, report.encoding = parsed.headers, parsed.encoding
    return report

