"""Visibility is enforced on the server, for every GET page each role can reach.

Generic on purpose: the routes come from app.url_map (with every id combination), so
pages added by other areas are checked without touching this file.
"""

import re

import pytest
from flask_babel import force_locale

from tests.web.walk import build_world, login_as, set_language, urls
from web import vocab


def _labels(*texts) -> set[str]:
    out = set()
    for lang in ("da", "en"):
        with force_locale(lang):
            out |= {str(t) for t in texts}
    return out


def forbidden_for_employer(world) -> tuple[set[str], re.Pattern]:
    """Needs, attributes and priority of the participant placed with the employer."""
    p = world["secret"]
    texts = _labels(*(vocab.NEEDS[n] for n in p.needs),
                    *(vocab.ATTRIBUTES[a] for a in p.attributes),
                    vocab.PRIORITY_HELP, "Support needs")
    codes = "|".join(re.escape(c) for c in [*p.needs, *p.attributes])
    # A code leaks as data where it stands alone: an attribute value or a whole element's
    # text. (Some codes are also plain words, e.g. "abstinent" in a help text.)
    return texts, re.compile(rf'priorit|[">]\s*({codes})\s*["<]', re.I)


@pytest.fixture
def world(db, make):
    return build_world(make, db)


def walk(app, client, user, langs=("da",)):
    """Fetch every GET url as ``user`` in each language; yield (url, status, body)."""
    login_as(client, user)
    found = urls(app, "GET")
    assert len(found) > 10
    for lang in langs:
        set_language(client, lang)
        for _endpoint, url in found:
            r = client.get(url)
            body = r.get_data(as_text=True)
            assert r.status_code < 500, f"{url} as {getattr(user, 'role', None)}: {r.status_code}"
            yield url, r.status_code, body


# The employer's own forms offer the coded vocabularies as choices for a placement's
# requirements and a colleague-mentor's skills and languages. Those lists are the same for
# everyone and say nothing about a participant, so the choice controls (and only they) are
# left out of the scan.
VOCABULARY_CHOICE = re.compile(
    r'<label><input[^>]*name="(requirements|skills|languages)"[^>]*>[^<]*</label>')


def test_employers_never_receive_needs_attributes_or_priority(app, client, world):
    texts, pattern = forbidden_for_employer(world)
    seen_ok = 0
    for url, status, raw in walk(app, client, world["employer"], langs=("da", "en")):
        body = VOCABULARY_CHOICE.sub("", raw)
        for text in texts:
            assert text not in body, f"{url} shows {text!r} to an employer"
        match = pattern.search(body)
        assert match is None, (
            f"{url} shows {match and body[max(0, match.start() - 150):match.end() + 50]!r} "
            "to an employer")
        seen_ok += status == 200
    assert seen_ok >= 2  # the walk did reach pages (login, home, …), not only refusals


HIDDEN = {
    "consultant_a": ["VISB-ONE"],
    "consultant_b": ["VISA-ONE", "VISA-TWO"],
    "mentor": ["VISA-TWO", "VISB-ONE"],
    "other_mentor": ["VISA-ONE", "VISA-TWO"],
    "employer": ["VISA-TWO", "VISB-ONE"],
    "anonymous": ["VISA-ONE", "VISA-TWO", "VISB-ONE"],
}
SHOWN = {"consultant_a": {"VISA-ONE", "VISA-TWO"}, "consultant_b": {"VISB-ONE"},
         "mentor": {"VISA-ONE"}, "other_mentor": {"VISB-ONE"}}


def test_nobody_sees_participants_outside_their_caseload(app, client, world):
    """Codes are not translated, so one language is enough here."""
    for who, hidden in HIDDEN.items():
        shown = set()
        for url, _status, body in walk(app, client, world[who]):
            for code in hidden:
                assert code not in body, f"{url} shows {code} to {who}"
            shown |= {c for c in ("VISA-ONE", "VISA-TWO", "VISB-ONE") if c in body}
        # The walk must reach real pages, or a page that stopped showing anything would pass.
        assert SHOWN.get(who, set()) <= shown, who


def test_the_walk_catches_a_leaking_page(app, client, world):
    """A page added later that leaks is caught without naming it here."""
    from flask import render_template_string

    from web.access import role_required
    from web.extensions import db
    from web.models import Participant

    @role_required("employer", "consultant")
    def leak(participant_id):
        p = db.session.get(Participant, participant_id)
        return render_template_string(
            "{{ p.code }} {% for n in p.needs %}{{ vocab.label(vocab.NEEDS, n) }}{% endfor %}", p=p)

    app.add_url_rule("/leak/<int:participant_id>", "leak", leak)
    with pytest.raises(AssertionError, match="to an employer"):
        test_employers_never_receive_needs_attributes_or_priority(app, client, world)
    with pytest.raises(AssertionError, match="VISB-ONE to consultant_a"):
        test_nobody_sees_participants_outside_their_caseload(app, client, world)


def test_admin_reaches_every_page_without_a_server_error(app, client, world):
    statuses = [status for _url, status, _body in walk(app, client, world["admin"])]
    assert statuses.count(200) > 10
