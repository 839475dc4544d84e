"""Database constraints hold whatever the code above them does."""

import pytest
from sqlalchemy.exc import IntegrityError

from web.models import Proposal, ProposalStatus


def test_participant_hours_outside_2_to_20_are_refused_by_the_database(db, make):
    with pytest.raises(IntegrityError):
        make.participant(hours_min=4, hours_max=25)
    db.session.rollback()


def test_participant_codes_are_unique(db, make):
    make.participant(code="KBH-1")
    with pytest.raises(IntegrityError):
        make.participant(code="KBH-1")
    db.session.rollback()


def test_placement_needs_at_least_one_slot(db, make):
    with pytest.raises(IntegrityError):
        make.placement(slots=0)
    db.session.rollback()


def test_one_active_assignment_per_participant(db, make):
    p = make.participant()
    pl, m = make.placement(), make.mentor()
    db.session.add(Proposal(participant_id=p.id, placement_id=pl.id, mentor_id=m.id, hours=4,
                            status=ProposalStatus.ACTIVE))
    db.session.commit()
    db.session.add(Proposal(participant_id=p.id, placement_id=pl.id, mentor_id=m.id, hours=4,
                            status=ProposalStatus.PROPOSED))
    db.session.commit()  # a second, non-active proposal is fine
    db.session.add(Proposal(participant_id=p.id, placement_id=pl.id, mentor_id=m.id, hours=4,
                            status=ProposalStatus.ACTIVE))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_password_is_hashed(make):
    u = make.user(password="secret-pw")
    assert "secret-pw" not in u.password_hash
    assert u.check_password("secret-pw") and not u.check_password("nope")


def test_a_mentor_has_a_login_only_if_it_can_be_used(db, make):
    """Who answers for a mentor follows this: a login switched off, or an invitation whose
    password is not set yet, left proposals and cover requests nobody could answer."""
    from web.models import Mentor

    company = make.employer()
    invited = make.user("mentor")
    invited.password_hash = None
    switched_off = make.user("mentor")
    switched_off.active = False
    mentors = {
        "none": make.mentor(company),
        "working": make.mentor(company, user=make.user("mentor")),
        "invited": make.mentor(company, user=invited),
        "switched_off": make.mentor(company, user=switched_off),
    }
    db.session.commit()
    assert {k for k, m in mentors.items() if m.has_login} == {"working"}
    assert db.session.scalars(db.select(Mentor.id).where(Mentor.has_login)).all() == [
        mentors["working"].id]
    assert set(db.session.scalars(db.select(Mentor.id).where(~Mentor.has_login))) == {
        m.id for k, m in mentors.items() if k != "working"}
