"""Read an uploaded CSV file into validated rows, or per-line errors; never writes.

Participants go through the very ParticipantForm the register page uses, so a row is
accepted exactly when the same values typed into the form would be. Placements and
mentors use the same vocabularies, town look-up and limits (the forms' own constants) as
their forms.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from web import vocab
from web.cpr import MESSAGE as CPR_MESSAGE
from web.cpr import looks_like_cpr
from web.employers import forms as employer_forms
from web.extensions import db
from web.geo import find_town
from web.imports.words import read_codes
from web.mentors import forms as mentor_forms
from web.models import Employer, Mentor, Participant, Placement, User
from web.participants.forms import ParticipantForm

MAX_ROWS = 5000

COLUMNS = {
    "participants": ("code", "hours_min", "hours_max", "priority", "days", "areas", "needs",
                     "attributes", "town", "max_travel_km", "consultant"),
    "placements": ("employer", "title", "area", "slots", "days", "requirements", "town",
                   "accommodations"),
    "mentors": ("name", "employer", "skills", "days", "capacity_hours", "max_participants",
                "town", "max_travel_km"),
}
REQUIRED = {
    "participants": ("code", "hours_min", "hours_max", "days", "town", "max_travel_km"),
    "placements": ("employer", "title", "area", "slots", "days", "town"),
    "mentors": ("name", "days", "capacity_hours", "max_participants", "town"),
}
# Form fields whose errors belong to another CSV column.
FORM_TO_COLUMN = {"wish1": "areas", "wish2": "areas", "wish3": "areas"}


@dataclass
class LineError:
    line: int
    column: str
    message: str


@dataclass
class Parsed:
    kind: str
    rows: list[dict] = field(default_factory=list)  # validated values, ready to store
    errors: list[LineError] = field(default_factory=list)
    new_employers: list[str] = field(default_factory=list)  # the import would create these

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM) as written by most tools; Windows-1252 from older Excel."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """';' as Danish Excel writes, or ',' if the first line holds more of those."""
    first = text.splitlines()[0] if text.strip() else ""
    return ";" if first.count(";") >= first.count(",") else ","


def no_rows(text: str) -> str | None:
    """Why a file holds nothing to import (empty, or only its header line), or None.

    Said once, beside the file field: an empty file was told six columns were missing."""
    if not text.strip():
        return str(_l("The file is empty."))
    if "\x00" in text:
        return None  # parse() names the line
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    filled = (row for row in rows if any(cell.strip() for cell in row))
    try:
        next(filled, None)  # the header
        if next(filled, None) is None:
            return str(_l("The file has only its first line (the names of the columns) and no "
                          "lines of data."))
    except csv.Error:
        return None  # parse() reads it again and says what is wrong
    return None


def parse(kind: str, text: str) -> Parsed:
    """Check every line of the file; the result holds either rows to store or errors."""
    out = Parsed(kind)
    if "\x00" in text:
        # Not a text file (PostgreSQL cannot hold the character either): nothing is read.
        line = text[:text.index("\x00")].count("\n") + 1
        out.errors.append(LineError(line, "", str(_l(
            "The file contains a NUL character (0x00); save it again as CSV text."))))
        return out
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header = _header(out, reader)
    if header is None:
        return out
    reader.fieldnames = header
    check = {"participants": _participant, "placements": _placement, "mentors": _mentor}[kind]
    seen: dict[str, int] = {}
    for row in _readable(reader, out):
        if reader.line_num - 1 > MAX_ROWS:
            out.errors.append(LineError(reader.line_num, "", str(_l(
                "The file has more than %(n)d lines; split it.", n=MAX_ROWS))))
            break
        if None in row:
            out.errors.append(LineError(reader.line_num, "",
                                        str(_l("Too many values on this line."))))
            continue
        cells = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(cells.values()):
            continue  # blank lines at the end of a spreadsheet export
        errors: list[tuple[str, str]] = []
        values = check(cells, errors)
        key = _unique_key(kind, cells)
        if key and key in seen:
            errors.append((_key_column(kind), str(_l(
                "Listed twice in the file (also on line %(line)d).", line=seen[key]))))
        elif key:
            seen[key] = reader.line_num
        out.errors.extend(LineError(reader.line_num, c, m) for c, m in errors)
        if not errors:
            out.rows.append({**values, "_line": reader.line_num})
    if not out.rows and not out.errors:
        out.errors.append(LineError(1, "", str(_l("The file has no data lines."))))
    if kind != "participants":
        _against_the_service(out)
    return out


def _header(out: Parsed, reader: csv.DictReader) -> list[str] | None:
    """The first line's column names, or None with what is wrong with them in ``out``."""
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error:
        out.errors.append(LineError(1, "", _unreadable()))
        return None
    missing = [c for c in REQUIRED[out.kind] if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS[out.kind]]
    for col in missing:
        out.errors.append(LineError(1, col, str(_l("This column is missing."))))
    for col in unknown:
        out.errors.append(LineError(1, col, str(_l("Unknown column."))))
    # Two columns of one name: the reader kept the last one's values and dropped the other's
    # without a word (a file with "code;code" imported the second code).
    twice = sorted({h for h in header if h and header.count(h) > 1})
    for col in twice:
        out.errors.append(LineError(1, col, str(_l("This column is named twice."))))
    return None if missing or unknown or twice else header


def _unreadable() -> str:
    return str(_l("A cell is longer than %(n)d characters, or a quotation mark is not closed "
                  "(the rest of the file is then read as one cell).", n=csv.field_size_limit()))


def _readable(reader: csv.DictReader, out: Parsed):
    """The reader's rows, until one it cannot read: that one is an error on the line where
    it begins (Python's csv module refuses a cell over 131,072 characters; it was a 500)."""
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            out.errors.append(LineError(start, "", _unreadable()))
            return
        yield row


def _against_the_service(out: Parsed) -> None:
    """Placements and mentors: refuse those already registered, then mark new employers."""
    if out.rows:
        _mark_already_registered(out)
    if not out.errors:
        _mark_new_employers(out)


def _mark_already_registered(out: Parsed) -> None:
    """A placement or mentor the service already holds, by the file's own key (employer and
    title or name, whatever the case), is an error on its line, as a participant's code in
    use is: a file imported twice doubled them, and the matcher counted the hours twice."""
    column = _key_column(out.kind)
    model = Placement if out.kind == "placements" else Mentor
    known = employer_ids({r["employer"] for r in out.rows if r.get("employer")})
    taken = {(e, str(n).casefold()) for e, n in db.session.execute(
        db.select(model.employer_id, getattr(model, column)).where(db.or_(
            model.employer_id.in_(set(known.values())), model.employer_id.is_(None))))}
    for row in out.rows:
        name = row.get("employer") or ""
        if name and employer_key(name) not in known:
            continue  # a new employer holds nothing yet
        if (known.get(employer_key(name)), row[column].casefold()) in taken:
            out.errors.append(LineError(row["_line"], column, str(_l(
                "Already registered in the service."))))


def employer_key(name: str) -> str:
    """An employer's name as it is matched: whatever the case and the spacing."""
    return " ".join(name.split()).casefold()


def _mark_new_employers(out: Parsed) -> None:
    """A line naming no known employer creates one (spelt as on its first line): each such
    line is marked, so the preview shows what a typo would do before anything is stored."""
    known = employer_ids({r["employer"] for r in out.rows if r.get("employer")})
    new: dict[str, str] = {}
    for row in out.rows:
        key = employer_key(row.get("employer") or "")
        if key and key not in known:
            row["_new_employer"] = new.setdefault(key, " ".join(row["employer"].split()))
    out.new_employers = list(new.values())


def _unique_key(kind: str, cells: dict) -> str | None:
    if kind == "participants":
        return cells.get("code") or None
    if kind == "placements":
        return f"{employer_key(cells.get('employer', ''))}|{cells.get('title', '').casefold()}"
    return f"{employer_key(cells.get('employer', ''))}|{cells.get('name', '').casefold()}"


def _key_column(kind: str) -> str:
    return {"participants": "code", "placements": "title", "mentors": "name"}[kind]


def _participant(cells: dict, errors: list) -> dict:
    """One participant line through the register page's own form."""
    areas = read_codes(cells.get("areas", ""), vocab.AREAS)
    if len(areas) > 3:
        errors.append(("areas", str(_l("At most 3 wished work areas."))))
        areas = areas[:3]
    data = MultiDict({k: cells.get(k, "") for k in ("code", "hours_min", "hours_max", "town")})
    data["max_travel_km"] = cells.get("max_travel_km", "").replace(",", ".")  # Danish decimal comma
    data["priority"] = cells.get("priority") or "1"
    for i, area in enumerate(areas, start=1):
        data[f"wish{i}"] = area
    for name, allowed in (("days", vocab.DAYS), ("needs", vocab.NEEDS),
                          ("attributes", vocab.ATTRIBUTES)):
        codes = read_codes(cells.get(name, ""), allowed)
        if twice := [c for i, c in enumerate(codes) if c in codes[:i]]:  # as the other files
            errors.append((name, str(_l("%(value)s is listed twice.", value=", ".join(twice)))))
        for code in codes:
            data.add(name, code)
    form = ParticipantForm(formdata=data, meta={"csrf": False})
    if not form.validate():
        for name, messages in form.errors.items():
            for message in _in_file_terms(form, name, messages):
                errors.append((FORM_TO_COLUMN.get(name, name), str(message)))
        return {}
    consultant = _consultant(cells.get("consultant", ""), errors)
    if consultant is None:
        return {}
    p = Participant()
    form.fill(p)
    return {**{k: getattr(p, k) for k in (
        "code", "hours_min", "hours_max", "priority", "days", "areas", "needs", "attributes",
        "town", "lat", "lon", "max_travel_km")},
        "consultant": consultant.email, "consultant_id": consultant.id}


def unknown_codes(bad: list[str], allowed) -> str:
    """One wording, in every kind of file and column, for codes not in their list: a file
    has no list to choose from, so the codes it may hold are named."""
    return ngettext("Unknown code: %(value)s. Allowed codes: %(codes)s.",
                    "Unknown codes: %(value)s. Allowed codes: %(codes)s.", len(bad),
                    value=", ".join(bad), codes=", ".join(allowed))


def unknown_town(value: str) -> str:
    return str(_l("Not a Danish town we know: %(value)s", value=value))


def _in_file_terms(form, name: str, messages: list) -> list:
    """The page's messages, said of a file: a code (day, area, need, …) or a town that is
    not known is named, the codes with the ones allowed."""
    field = form[name]
    if getattr(field, "choices", None) is not None and field.data:
        allowed = [value for value, *_ in field.iter_choices() if value]
        given = field.data if isinstance(field.data, list) else [field.data]
        bad = [str(v) for v in given if v not in allowed]
        if bad:
            return [unknown_codes(bad, allowed)]
    if name == "town" and field.data and find_town(field.data) is None:
        return [unknown_town(field.data)]
    return messages


def _consultant(email: str, errors: list) -> User | None:
    """Whose caseload a line goes to: one's own; an admin may name a consultant by e-mail."""
    if not email or email.casefold() == current_user.email.casefold():
        return current_user
    if current_user.role != "admin":
        errors.append(("consultant", str(_l("You can import only into your own caseload."))))
        return None
    user = db.session.scalar(db.select(User).where(
        db.func.lower(User.email) == email.casefold(), User.role == "consultant",
        User.active.is_(True)))
    if user is None:
        errors.append(("consultant", str(_l("No consultant has this e-mail address."))))
    return user


def _codes(cells: dict, column: str, allowed: dict, errors: list,
           required: bool = False) -> list[str]:
    codes = read_codes(cells.get(column, ""), allowed)
    bad = [c for c in codes if c not in allowed]
    twice = [c for i, c in enumerate(codes) if c in codes[:i]]
    if bad:
        errors.append((column, unknown_codes(bad, allowed)))
    elif twice:
        errors.append((column, str(_l("%(value)s is listed twice.", value=", ".join(twice)))))
    elif required and not codes:
        errors.append((column, str(_l("Choose at least one day."))))
    return [c for c in allowed if c in codes]


def _integer(cells: dict, column: str, low: int, high: int, errors: list) -> int | None:
    raw = cells.get(column, "")
    try:
        value = int(raw)
    except ValueError:
        errors.append((column, str(_l("Not a valid integer value.")) if raw else
                       str(_l("This field is required."))))
        return None
    if not low <= value <= high:
        errors.append((column, str(_l("Must be between %(low)d and %(high)d.",
                                      low=low, high=high))))
        return None
    return value


def _km(cells: dict, column: str, errors: list) -> float:
    raw = cells.get(column, "").replace(",", ".") or "0"
    try:
        value = float(raw)
    except ValueError:
        errors.append((column, str(_l("Not a valid decimal value."))))
        return 0.0
    if not 0 <= value <= 200:
        errors.append((column, str(_l("Must be between 0 and 200 km."))))
    return value


def _town(cells: dict, errors: list):
    value = cells.get("town", "")
    town = find_town(value) if value else None
    if not value:
        errors.append(("town", str(_l("This field is required."))))
    elif town is None:
        errors.append(("town", unknown_town(value)))
    return town


def _text(cells: dict, column: str, limit: int, errors: list, required: bool = True) -> str:
    """Free text: like every free-text field of the forms, it may not hold a CPR number."""
    value = cells.get(column, "")
    if required and not value:
        errors.append((column, str(_l("This field is required."))))
        return value
    if len(value) > limit:
        errors.append((column, str(_l("At most %(n)d characters.", n=limit))))
    if looks_like_cpr(value):
        errors.append((column, str(CPR_MESSAGE)))
    return value


def _placement(cells: dict, errors: list) -> dict:
    values = {
        "employer": _text(cells, "employer", employer_forms.COMPANY_NAME_MAX, errors),
        "title": _text(cells, "title", employer_forms.TITLE_MAX, errors),
        "slots": _integer(cells, "slots", *employer_forms.SLOTS, errors),
        "days": _codes(cells, "days", vocab.DAYS, errors, required=True),
        "requirements": _codes(cells, "requirements", vocab.ATTRIBUTES, errors),
        "accommodations": _text(cells, "accommodations", employer_forms.ACCOMMODATIONS_MAX,
                                errors, required=False),
    }
    area = " ".join(read_codes(cells.get("area", ""), vocab.AREAS))
    if not area:
        errors.append(("area", str(_l("This field is required."))))
    elif area not in vocab.AREAS:
        errors.append(("area", unknown_codes([area], vocab.AREAS)))
    town = _town(cells, errors)
    if town:
        values.update(town=town.label, lat=town.lat, lon=town.lon)
    return {**values, "area": area}


def _mentor(cells: dict, errors: list) -> dict:
    values = {
        "name": _text(cells, "name", employer_forms.MENTOR_NAME_MAX, errors),
        "employer": _text(cells, "employer", employer_forms.COMPANY_NAME_MAX, errors,
                          required=False),
        "skills": _codes(cells, "skills", vocab.NEEDS, errors),
        "days": _codes(cells, "days", vocab.DAYS, errors, required=True),
        "capacity_hours": _integer(cells, "capacity_hours", *mentor_forms.CAPACITY_HOURS, errors),
        "max_participants": _integer(cells, "max_participants", *mentor_forms.MAX_PARTICIPANTS,
                                     errors),
        "max_travel_km": _km(cells, "max_travel_km", errors),
    }
    town = _town(cells, errors)
    if town:
        values.update(town=town.label, lat=town.lat, lon=town.lon)
    return values


def employer_ids(names: set[str]) -> dict[str, int]:
    """Existing employers by ``employer_key`` of their names (the oldest, if two match)."""
    wanted = {employer_key(n) for n in names}
    out: dict[str, int] = {}
    for r in db.session.execute(db.select(Employer.id, Employer.name).order_by(Employer.id)):
        if employer_key(r.name) in wanted:
            out.setdefault(employer_key(r.name), r.id)
    return out
