"""Employers never see a participant's needs, attributes or priority, on any page."""

import re

import pytest

from tests.web.test_access_matrix import MATRIX
from web import vocab
from web.models import ProposalStatus

EMPLOYER_PAGES = sorted(e for e, roles in MATRIX.items()
                        if e.startswith("employers.") and "employer" in roles)
# Field names and help texts that belong to the participant record, in both languages.
FORBIDDEN_LABELS = ["Support needs", "Støttebehov", "Attributes", "Egenskaber", "Forhold",
                    "Priority", "Prioritet", str(vocab.PRIORITY_HELP)]


def _csrf_free(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", html)


@pytest.fixture
def placed(make, db):
    """A participant with every need and attribute and top priority, placed at the company."""
    company = make.employer(name="Café Kornet")
    user = make.user("employer", employer_id=company.id)
    placement = make.placement(company, accommodations="Rolig start kl. 9")
    mentor = make.mentor(company, name="Kim Kollega")
    p = make.participant(code="AAR-7777", needs=list(vocab.NEEDS), attributes=["forklift"],
                         priority=5)
    from web.models import Proposal
    make._add(Proposal(participant_id=p.id, placement_id=placement.id, mentor_id=mentor.id,
                       hours=6, status=ProposalStatus.ACTIVE))
    return user, placement, mentor, p


def _pages(app, client, placement, mentor) -> dict[str, str]:
    ids = {"placement_id": placement.id, "mentor_id": mentor.id}
    out = {}
    for endpoint in EMPLOYER_PAGES:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        if "GET" not in rule.methods:
            continue
        with app.test_request_context():
            from flask import url_for
            url = url_for(endpoint, **{k: v for k, v in ids.items() if k in rule.arguments})
        for lang in ("da", "en"):
            client.post(f"/lang/{lang}", data={"next": "/"})
            resp = client.get(url)
            assert resp.status_code == 200, url
            out[f"{url} ({lang})"] = _csrf_free(resp.get_data(as_text=True))
    return out


def test_our_participants_shows_only_code_days_hours_accommodations_and_mentor(
        client, auth, placed):
    user, *_ = placed
    auth.login(user)
    client.post("/lang/en", data={"next": "/"})
    html = client.get("/employer/participants").get_data(as_text=True)
    for shown in ("AAR-7777", "Monday, Wednesday", ">6</td>", "Rolig start kl. 9", "Kim Kollega"):
        assert shown in html
    for code, text in {**vocab.NEEDS, **vocab.ATTRIBUTES}.items():
        assert str(text) not in html and code not in html


def test_no_employer_page_names_or_depends_on_needs_attributes_or_priority(
        app, db, client, auth, placed):
    user, placement, mentor, participant = placed
    auth.login(user)
    with_everything = _pages(app, client, placement, mentor)
    assert len(with_everything) == 2 * len([e for e in EMPLOYER_PAGES if "GET" in next(
        r for r in app.url_map.iter_rules() if r.endpoint == e).methods])
    for where, html in with_everything.items():
        for label in FORBIDDEN_LABELS:
            assert label not in html, f"{label!r} on {where}"
    # The pages must not change at all when the participant's sensitive fields change:
    # then no need, attribute or priority value can be on them, even inside a vocabulary list.
    participant.needs, participant.attributes, participant.priority = [], [], 1
    db.session.commit()
    assert _pages(app, client, placement, mentor) == with_everything
