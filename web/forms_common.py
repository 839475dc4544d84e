"""Form pieces shared by several screens."""

from __future__ import annotations

from datetime import date

import flask_babel
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import DecimalField, SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, NumberRange, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from web.geo import find_town


class _AppTranslations:
    """WTForms' own messages through our catalogues (WTForms ships no Danish)."""

    # WTForms fills in %(value)s itself, so fetch the raw translation without formatting.
    def gettext(self, string):
        return flask_babel.get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return flask_babel.get_translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    """Base of every form in the app: CSRF from Flask-WTF, messages in the user's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _AppTranslations()

    def validate(self, extra_validators=None):
        """As WTForms, but a value that cannot be read ("4.5" for a whole number) is told
        that alone: its range check, which sees no number, said "must be between 2 and 20"
        beside it (a walk)."""
        ok = super().validate(extra_validators)
        for f in self:
            # Unless a validator put its own message first: InputRequired clears the reading
            # error of an empty date and says the field is required, which is the one to keep.
            if f.process_errors and all(e in f.errors for e in f.process_errors):
                f.errors = list(f.process_errors)
        return ok

    def hidden_tag(self, *fields):
        """Flask-WTF's, without ids: a page with a form per row repeated id="csrf_token"."""
        chosen = [getattr(self, f, None) if isinstance(f, str) else f for f in fields or self]
        return Markup("\n".join(str(f(id=False)) for f in chosen
                                 if f is not None and isinstance(f.widget, HiddenInput)))


def between(low: int, high: int) -> NumberRange:
    """A whole-number range whose message names its bounds, so the two cannot drift apart."""
    return NumberRange(low, high, message=_l("Must be between %(low)d and %(high)d.",
                                              low=low, high=high))


def opts(pairs) -> list[SelectChoice]:
    """Choices for a select or checkbox list from (value, label) pairs or a code→label dict."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    # Labels stay lazy: they are rendered in the language of each request, not of import time.
    return [SelectChoice(value, label) for value, label in items]


class EmptyForm(Form):
    """A lone button that changes state: still a POST with CSRF."""

    submit = SubmitField(_l("Submit"))


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a coded list; only listed codes can be submitted."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CommaDecimalInput:
    """A number field's input: typed the Danish way (12,5) or the English way (12.5); shown
    as typed after an error, else by ``shown`` (never with a thousands separator, which
    would read back as a decimal point)."""

    def process_formdata(self, valuelist):
        super().process_formdata([v.replace(",", ".").strip() for v in valuelist])

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.shown(self.data)

    def shown(self, value) -> str:
        raise NotImplementedError


class KmField(CommaDecimalInput, DecimalField):
    """Kilometres in a text input, shown the page's way without a needless decimal (40, 12,5)."""

    def shown(self, value) -> str:
        return flask_babel.format_decimal(value, format="0.#")


class TownField(StringField):
    """A Danish town, typed with autocomplete; resolved to coordinates offline."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators or [DataRequired()], **kwargs)
        self.town = None
        self.render_kw = {"list": "towns", "autocomplete": "off", **(self.render_kw or {})}

    def pre_validate(self, form):
        if self.data:
            self.town = find_town(self.data)
            if self.town is None:
                raise ValidationError(_l("Choose a Danish town from the list."))
            self.data = self.town.label


def ordered_codes(raw: str, allowed: dict) -> list[str]:
    """Parse 'kitchen, retail' into a list of known codes, in order, without repeats."""
    out: list[str] = []
    for part in (raw or "").replace(";", ",").split(","):
        code = part.strip()
        if not code:
            continue
        if code not in allowed:
            raise ValidationError(_l("Unknown value: %(value)s", value=code))
        if code in out:
            raise ValidationError(_l("%(value)s is listed twice.", value=code))
        out.append(code)
    return out


FIRST_YEAR = 2000  # no date in the service lies before (figures, claims, wages)


def last_year() -> int:
    """The last year a period, month or date in an address may reach: five years ahead
    (year 9999 overflowed the date arithmetic into a 500)."""
    return date.today().year + 5


def in_years(d: date | None) -> bool:
    """Whether ``d`` lies from FIRST_YEAR to ``last_year()`` (no date at all passes)."""
    return d is None or FIRST_YEAR <= d.year <= last_year()


def within_years(form, field) -> None:
    """WTForms validator: a date from FIRST_YEAR to ``last_year()``, said at the field (year 1
    or 9999 overflowed the date arithmetic, or was taken as typed)."""
    if not in_years(field.data):
        raise ValidationError(_l("Choose a date between %(first)s and %(last)s.",
                                 first=FIRST_YEAR, last=last_year()))


# Far past any list's last page, and small enough that its offset fits the database's integers
# (a page of 10**21 was an OverflowError and a 500).
MAX_PAGE = 10**6


def page_number(args) -> int:
    """The page of a paginated list asked for in ``?page=``, from 1 to ``MAX_PAGE``."""
    return min(max(args.get("page", 1, type=int), 1), MAX_PAGE)
