"""Administration: users, invitations and the job queues."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from web.access import role_required
from web.admin import handover as cases
from web.admin import queues as queue_info
from web.admin.forms import ROLE_LABELS, HandoverForm, UserCreateForm, UserEditForm
from web.extensions import db
from web.forms_common import EmptyForm
from web.invitations import service as invitations
from web.models import Mentor, RunStatus, SolveRun, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


def user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
@role_required("admin")
def users():
    """Everyone who can log in, with role and state."""
    q = (db.select(User).order_by(User.active.desc(), User.role, User.name)
         .options(selectinload(User.employer)))
    return render_template("admin/users.html", users=db.session.scalars(q).all(),
                           roles=ROLE_LABELS, action_form=EmptyForm(), caseloads=cases.caseloads())


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def new_user():
    """Create a user without a password and show their one-time invitation link."""
    form = UserCreateForm()
    if form.validate_on_submit():
        user = User(email=form.email.data, name=form.name.data.strip(), role=form.role.data,
                    employer_id=form.employer_id)
        db.session.add(user)
        db.session.flush()
        if (mentor := form.mentor_record) is not None:
            mentor.user_id = user.id
        link = invitations.invite(user, by=current_user)
        db.session.commit()
        return render_template("invitations/link.html", user=user, link=link,
                               back=url_for("admin.users")), 201  # made; its link shown once
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int):
    """Change a user's name, role or company."""
    user = user_or_404(user_id)
    form = UserEditForm()
    if form.validate_on_submit():
        if user.id == current_user.id and form.role.data != "admin":
            flash(_("You cannot take the administrator role from yourself."), "error")
            return render_template("admin/user_form.html", form=form, user=user), 400
        if form.role.data in ("employer", "mentor") and (held := sum(
                cases.caseload(user).values())):
            # An employer or a mentor may not see cases: nobody would have followed these.
            form.role.errors.append(_("%(name)s has %(count)d cases: hand them over to "
                                      "another consultant first.", name=user.name, count=held))
            return render_template("admin/user_form.html", form=form, user=user), 400
        # No longer a mentor: their mentor record loses the login. Kept, it pointed to a
        # user who could not answer as a mentor, and a consultant may record the answers of
        # mentors without a login only (a walk).
        freed = db.session.scalars(db.select(Mentor).where(Mentor.user_id == user.id)).all() \
            if user.role == "mentor" and form.role.data != "mentor" else []
        for m in freed:
            m.user_id = None
        user.name, user.role = form.name.data.strip(), form.role.data
        user.employer_id = form.employer_id
        db.session.commit()
        flash(_("User %(name)s saved.", name=user.name), "success")
        for m in freed:
            flash(_("The mentor %(name)s no longer has a login: the consultants record their "
                    "answers.", name=m.name), "info")
        return redirect(url_for("admin.users"))
    if not form.is_submitted():
        form.name.data, form.role.data = user.name, user.role
        form.employer.data = str(user.employer_id or "")
    return render_template("admin/user_form.html", form=form, user=user)


@bp.post("/users/<int:user_id>/deactivate")
@role_required("admin")
def deactivate_user(user_id: int):
    """Switch a login off (the user's records stay)."""
    user = user_or_404(user_id)
    if EmptyForm().validate_on_submit():
        if user.id == current_user.id:
            flash(_("You cannot deactivate yourself."), "error")
        else:
            user.active = False
            db.session.commit()
            flash(_("User %(name)s deactivated.", name=user.name), "success")
            if held := sum(cases.caseload(user).values()):
                flash(_("%(name)s has %(count)d cases that nobody else follows: hand them "
                        "over to another consultant.", name=user.name, count=held), "info")
            # Their mentor record stays theirs (switched on again, they answer again); till
            # then the consultants record the answers, as for a mentor without a login.
            for m in db.session.scalars(db.select(Mentor).where(Mentor.user_id == user.id)):
                flash(_("The mentor %(name)s no longer has a login: the consultants record "
                        "their answers.", name=m.name), "info")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/activate")
@role_required("admin")
def activate_user(user_id: int):
    """Switch a login on again."""
    user = user_or_404(user_id)
    if EmptyForm().validate_on_submit():
        user.active = True
        db.session.commit()
        flash(_("User %(name)s activated.", name=user.name), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/invite")
@role_required("admin")
def invite_user(user_id: int):
    """A new one-time link to set a password (older links stop working)."""
    user = user_or_404(user_id)
    if not EmptyForm().validate_on_submit() or not user.active:
        flash(_("Only active users can be invited."), "error")
        return redirect(url_for("admin.users"))
    link = invitations.invite(user, by=current_user)
    db.session.commit()
    return render_template("invitations/link.html", user=user, link=link,
                           back=url_for("admin.users")), 201  # a new link, shown once


@bp.route("/users/<int:user_id>/cases", methods=["GET", "POST"])
@role_required("admin")
def handover(user_id: int):
    """Hand every case of a consultant, with their matching requests, to another consultant
    (one who leaves or is away long left cases nobody could follow)."""
    user = user_or_404(user_id)
    form = HandoverForm(user)
    if form.validate_on_submit():
        new = db.session.get(User, int(form.to.data))
        moved = cases.hand_over(user, new, by=current_user)
        db.session.commit()
        flash(_("%(count)d cases of %(old)s handed over to %(new)s.", count=moved, old=user.name,
                new=new.name) if moved else _("%(name)s has no cases.", name=user.name),
              "success" if moved else "info")
        return redirect(url_for("admin.users"))
    return render_template("admin/handover.html", user=user, form=form,
                           caseload=cases.caseload(user)), 400 if form.errors else 200


@bp.route("/queues")
@role_required("admin")
def queues():
    """Queues with their counts, the workers, and failed jobs with a retry button."""
    rows, workers = queue_info.overview()
    return render_template("admin/queues.html", queues=rows, workers=workers,
                           retry_form=EmptyForm())


@bp.post("/queues/jobs/<job_id>/retry")
@role_required("admin")
def retry_job(job_id: str):
    """Put a failed job back on its queue."""
    found = queue_info.find_failed(job_id)
    if found is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        job = found[1]
        run_id = queue_info.run_id_of(job)
        if run_id is not None:
            # The failure callback marked the run failed, and run_solve skips finished runs:
            # open the row again so the retried job does the work.
            run = db.session.get(SolveRun, run_id)
            if run is not None and run.status == RunStatus.FAILED:
                run.status, run.phase, run.progress, run.error = RunStatus.QUEUED, "queued", 0, None
                run.finished_at = None
                db.session.commit()
        job.requeue()
        flash(_("Job %(id)s is queued again.", id=job_id), "success")
    return redirect(url_for("admin.queues"))
