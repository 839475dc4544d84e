"""The employer's pages: company profile, placements, colleague-mentors, our participants.

An employer user sees and edits only their own company. Participants placed with them
show only what the workplace must act on: code, days, hours, accommodations, mentor.
Never needs, attributes or priority.
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from web.access import role_required
from web.confirm import asked_first
from web.cover.notify import notify
from web.employers.forms import ColleagueMentorForm, CompanyForm, PlacementForm
from web.extensions import db
from web.forms_common import EmptyForm
from web.geo import find_town, towns
from web.invitations import service as invitations
from web.models import Employer, Mentor, Participant, Placement, Proposal, ProposalStatus, User
from web.participants.fit import fitting, mentor_misfit_message, tell_broken

bp = Blueprint("employers", __name__, url_prefix="/employer")


def current_employer() -> Employer:
    """The company of the logged-in employer user (403 if the user has none)."""
    employer = current_user.employer
    if employer is None:
        abort(403)
    return employer


def own_placement_or_404(placement_id: int) -> Placement:
    p = db.session.get(Placement, placement_id)
    if p is None or p.employer_id != current_employer().id:
        abort(404)
    return p


def own_mentor_or_404(mentor_id: int) -> Mentor:
    m = db.session.get(Mentor, mentor_id)
    if m is None or m.employer_id is None or m.employer_id != current_employer().id:
        abort(404)
    return m


@bp.route("/company", methods=["GET", "POST"])
@role_required("employer")
def company():
    """Our company's name, CVR number and town."""
    employer = current_employer()
    form = CompanyForm(employer=employer)
    if form.validate_on_submit():
        employer.name, employer.cvr = form.name.data.strip(), form.cvr.data
        employer.town = form.town.data
        db.session.commit()
        flash(_("Company details saved."), "success")
        return redirect(url_for("employers.company"))
    if not form.is_submitted():
        form.name.data, form.cvr.data, form.town.data = employer.name, employer.cvr, employer.town
    return render_template("employers/company.html", form=form, employer=employer, towns=towns())


@bp.route("/placements")
@role_required("employer")
def placements():
    """Our placements, open first."""
    employer = current_employer()
    rows = db.session.scalars(
        db.select(Placement).where(Placement.employer_id == employer.id)
        .order_by(Placement.status.desc(), Placement.title)
    ).all()
    return render_template("employers/placements.html", employer=employer, placements=rows,
                           running=_running(Proposal.placement_id, [p.id for p in rows]),
                           close_question=close_question, button=EmptyForm())


def _running(column, ids: list[int]) -> dict[int, int]:
    """How many assignments run now per placement or mentor, in one query."""
    return dict(db.session.execute(
        db.select(column, db.func.count()).where(
            column.in_(ids), Proposal.status == ProposalStatus.ACTIVE).group_by(column)).all())


@bp.route("/placements/new", methods=["GET", "POST"])
@role_required("employer")
def new_placement():
    """Offer a new placement."""
    employer = current_employer()
    form = PlacementForm()
    if form.validate_on_submit():
        p = Placement(employer_id=employer.id, status="open")
        form.fill(p)
        db.session.add(p)
        db.session.commit()
        flash(_("Placement %(title)s saved.", title=p.title), "success")
        return redirect(url_for("employers.placements"))
    if not form.is_submitted() and employer.town and find_town(employer.town):
        form.town.data = employer.town
    return render_template("employers/placement_form.html", form=form, placement=None,
                           towns=towns())


@bp.route("/placements/<int:placement_id>/edit", methods=["GET", "POST"])
@role_required("employer")
def edit_placement(placement_id: int):
    """Change one of our placements."""
    p = own_placement_or_404(placement_id)
    form = PlacementForm()
    if form.validate_on_submit():
        ended_before = p.has_ended
        fitted = fitting(Proposal.placement_id, p.id)
        form.fill(p)
        # The consultant hears which rules break; the employer only how many.
        misfits = [] if p.has_ended else tell_broken(fitted, "placement_misfit")
        # Ended now by its date, as if closed: whoever is placed there keeps the place, and
        # their consultants are told (a walk ended one with a participant, and nobody heard).
        running = (_active_here(Proposal.placement_id, p.id) if p.has_ended and not ended_before
                   else [])
        _tell_consultants(running, "placement_closed", placement_id=p.id)
        if p.has_ended and not ended_before:
            _tell_waiting(p)
        db.session.commit()
        flash(_("Placement %(title)s saved.", title=p.title), "success")
        if running:
            flash(ngettext("%(num)d participant still has an assignment here: their "
                           "consultant is told that the placement has ended.",
                           "%(num)d participants still have an assignment here: their "
                           "consultants are told that the placement has ended.",
                           len(running)), "info")
        if misfits:
            flash(ngettext("The new details no longer fit %(num)d participant placed or "
                           "proposed here: their consultant is told.",
                           "The new details no longer fit %(num)d participants placed or "
                           "proposed here: their consultants are told.", len(misfits)), "info")
        return redirect(url_for("employers.placements"))
    if not form.is_submitted():
        form.load(p)
    return render_template("employers/placement_form.html", form=form, placement=p, towns=towns())


def _tell_waiting(p: Placement) -> None:
    """A proposal at ``p``, closed or ended, still waiting for the mentor can no longer be
    confirmed: its consultant heard nothing, and the mentor's yes was refused later."""
    for waiting in db.session.scalars(db.select(Proposal).where(
            Proposal.placement_id == p.id, Proposal.status == ProposalStatus.APPROVED)
            .options(selectinload(Proposal.participant).selectinload(Participant.consultant))):
        notify([waiting.participant.consultant], "proposal_placement_closed",
               proposal_id=waiting.id)


def _active_here(column, value) -> list[Proposal]:
    """The assignments running now at a placement, or with a mentor."""
    return db.session.scalars(db.select(Proposal).where(
        column == value, Proposal.status == ProposalStatus.ACTIVE)
        .options(selectinload(Proposal.participant))).all()


def _tell_consultants(assignments: list[Proposal], kind: str, **params) -> None:
    notify([a.participant.consultant for a in assignments], kind, **params)


def close_question(p: Placement, running: int) -> str:
    question = _("Close the placement %(title)s? It is no longer offered in matching; you can "
                 "open it again.", title=p.title)
    if running:
        question += " " + ngettext(
            "%(num)d participant is placed here now and keeps the place; their consultant is "
            "told.",
            "%(num)d participants are placed here now and keep their places; their consultants "
            "are told.", running)
    return question


@bp.post("/placements/<int:placement_id>/close")
@role_required("employer")
def close_placement(placement_id: int):
    """Close a placement: it is no longer offered in matching. Whoever is placed there keeps
    the place; their consultants are told."""
    p = own_placement_or_404(placement_id)
    if not EmptyForm().validate_on_submit() or p.status != "open":
        return redirect(url_for("employers.placements"))
    running = _active_here(Proposal.placement_id, p.id)
    if page := asked_first(close_question(p, len(running)), url_for("employers.placements")):
        return page
    p.status = "closed"
    _tell_consultants(running, "placement_closed", placement_id=p.id)
    _tell_waiting(p)
    db.session.commit()
    flash(_("Placement %(title)s closed.", title=p.title), "success")
    return redirect(url_for("employers.placements"))


@bp.post("/placements/<int:placement_id>/reopen")
@role_required("employer")
def reopen_placement(placement_id: int):
    """A closed placement is offered in matching again."""
    p = own_placement_or_404(placement_id)
    if EmptyForm().validate_on_submit() and p.status == "closed":
        p.status = "open"
        db.session.commit()
        flash(_("Placement %(title)s is open again and offered in matching.", title=p.title),
              "success")
    return redirect(url_for("employers.placements"))


@bp.route("/mentors")
@role_required("employer")
def mentors():
    """Our colleague-mentors with their days and hours."""
    employer = current_employer()
    rows = db.session.scalars(
        db.select(Mentor).where(Mentor.employer_id == employer.id)
        .order_by(Mentor.active.desc(), Mentor.name)
        .options(selectinload(Mentor.user))  # the login column
    ).all()
    return render_template("employers/mentors.html", employer=employer, mentors=rows,
                           running=_running(Proposal.mentor_id, [m.id for m in rows]),
                           deactivate_question=deactivate_question, button=EmptyForm())


def _invite_colleague(mentor: Mentor, email: str, employer: Employer) -> str:
    """Create the colleague's mentor login (no password yet) and return the invitation URL."""
    user = User(email=email, name=mentor.name, role="mentor", employer_id=employer.id)
    db.session.add(user)
    db.session.flush()
    mentor.user_id = user.id
    return invitations.invite(user, by=current_user)


@bp.route("/mentors/new", methods=["GET", "POST"])
@role_required("employer")
def new_mentor():
    """Register a colleague as mentor, and optionally invite them to log in."""
    employer = current_employer()
    form = ColleagueMentorForm()
    if form.validate_on_submit():
        m = Mentor(employer_id=employer.id, max_travel_km=0.0, active=True)
        form.fill(m)
        db.session.add(m)
        db.session.flush()
        link = _invite_colleague(m, form.email.data, employer) if form.email.data else None
        db.session.commit()
        flash(_("Mentor %(name)s saved.", name=m.name), "success")
        if link:
            return _show_link(m.user, link)
        return redirect(url_for("employers.mentors"))
    if not form.is_submitted() and employer.town and find_town(employer.town):
        form.town.data = employer.town
    return render_template("employers/mentor_form.html", form=form, mentor=None, towns=towns())


@bp.route("/mentors/<int:mentor_id>/edit", methods=["GET", "POST"])
@role_required("employer")
def edit_mentor(mentor_id: int):
    """Change a colleague-mentor's skills, days or hours; invite them if not yet a user."""
    m = own_mentor_or_404(mentor_id)
    form = ColleagueMentorForm()
    if m.user_id is not None:
        del form.email  # already invited: the login is managed on its own
    if form.validate_on_submit():
        fitted = fitting(Proposal.mentor_id, m.id)
        form.fill(m)
        misfits = tell_broken(fitted, "mentor_misfit")
        email = getattr(form, "email", None)
        link = _invite_colleague(m, email.data, m.employer) if email and email.data else None
        db.session.commit()
        flash(_("Mentor %(name)s saved.", name=m.name), "success")
        if misfits:
            flash(mentor_misfit_message(len(misfits)), "info")
        if link:
            return _show_link(m.user, link)
        return redirect(url_for("employers.mentors"))
    if not form.is_submitted():
        form.load(m)
    return render_template("employers/mentor_form.html", form=form, mentor=m, towns=towns())


@bp.post("/mentors/<int:mentor_id>/invite")
@role_required("employer")
def reinvite_mentor(mentor_id: int):
    """A new one-time link for a colleague invited who has not set a password yet (the link
    was lost or ran out: only an admin could make a new one); older links stop working. Not
    for a colleague who has a password: a link would let anyone here take over the login."""
    m = own_mentor_or_404(mentor_id)
    user = m.user
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("employers.mentors"))
    if user is None or not user.active or user.password_hash:
        flash(_("A new invitation link is only for a colleague who has been invited and has "
                "not set a password yet."), "error")
        return redirect(url_for("employers.mentors"))
    link = invitations.invite(user, by=current_user)
    db.session.commit()
    return _show_link(user, link)


def _show_link(user: User, link: str):
    """201: the login was made and its link is shown once (as for an API token)."""
    return render_template("invitations/link.html", user=user, link=link,
                           back=url_for("employers.mentors")), 201


def deactivate_question(m: Mentor, running: int) -> str:
    question = _("Deactivate %(name)s? They are no longer offered as mentor or substitute, and "
                 "their login is switched off; you can activate them again.", name=m.name)
    if running:
        question += " " + ngettext(
            "They support %(num)d participant now, who needs a new mentor; the consultant is "
            "told.",
            "They support %(num)d participants now, who need a new mentor; their consultants "
            "are told.", running)
    return question


@bp.post("/mentors/<int:mentor_id>/deactivate")
@role_required("employer")
def deactivate_mentor(mentor_id: int):
    """Stop offering a colleague as mentor (their login, if any, is switched off too); the
    consultants of the participants they support are told."""
    m = own_mentor_or_404(mentor_id)
    if not EmptyForm().validate_on_submit() or not m.active:
        return redirect(url_for("employers.mentors"))
    running = _active_here(Proposal.mentor_id, m.id)
    if page := asked_first(deactivate_question(m, len(running)), url_for("employers.mentors")):
        return page
    m.active = False
    if m.user is not None:
        m.user.active = False
    _tell_consultants(running, "mentor_deactivated", mentor_id=m.id)
    db.session.commit()
    flash(_("Mentor %(name)s deactivated.", name=m.name), "success")
    return redirect(url_for("employers.mentors"))


@bp.post("/mentors/<int:mentor_id>/activate")
@role_required("employer")
def activate_mentor(mentor_id: int):
    """A deactivated colleague is offered as mentor again, and can log in again."""
    m = own_mentor_or_404(mentor_id)
    if EmptyForm().validate_on_submit() and not m.active:
        m.active = True
        if m.user is not None:
            m.user.active = True
        db.session.commit()
        flash(_("Mentor %(name)s is active again.", name=m.name), "success")
    return redirect(url_for("employers.mentors"))


@bp.route("/participants")
@role_required("employer")
def participants():
    """Participants placed with us now: code, days, hours, accommodations and mentor only."""
    employer = current_employer()
    active = db.session.scalars(
        db.select(Proposal).join(Placement, Proposal.placement_id == Placement.id)
        .where(Placement.employer_id == employer.id, Proposal.status == ProposalStatus.ACTIVE)
        .order_by(Placement.title, Proposal.id)
        .options(selectinload(Proposal.participant), selectinload(Proposal.placement),
                 selectinload(Proposal.mentor))
    ).all()
    # Build the rows here, so the template never holds a participant object: it cannot
    # show needs, attributes or priority by mistake.
    rows = [{
        "code": p.participant.code,
        "placement": p.placement.title,
        "days": [d for d in p.participant.days if d in p.placement.days and d in p.mentor.days],
        "hours": p.hours,
        "accommodations": p.placement.accommodations,
        "mentor": p.mentor.name,
    } for p in active]
    return render_template("employers/participants.html", employer=employer, rows=rows)
