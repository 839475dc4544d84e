"""Reasons keep ids in storage and show names on the page; an unmatched participant's
reasons say what would help."""

from web.models import Proposal, SolveRun
from web.runs.reasons import names_for, reason_text


def test_ids_become_names_and_unknown_ids_stay(db, make):
    m = make.mentor(name="Mette Larsen")
    pl = make.placement(title="Café Kornet: køkken")
    reasons = [{"en": f"only 4 of 4–8 hours: m{m.id} is at its 20-hour capacity",
                "da": f"kun 4 af 4–8 timer: m{m.id} har brugt alle sine 20 timer"},
               {"en": f"l{pl.id} is full; m999 too", "da": f"l{pl.id} er fuld; m999 også"}]
    names = names_for([reasons])
    assert reason_text(reasons[0], "da", names) == (
        "kun 4 af 4–8 timer: Mette Larsen har brugt alle sine 20 timer")
    assert reason_text(reasons[1], "en", names) == "Café Kornet: køkken is full; m999 too"


def test_run_page_shows_mentor_names_in_reasons(client, db, make, auth):
    consultant = make.user("consultant")
    m = make.mentor(name="Mette Larsen")
    pl = make.placement()
    p = make.participant(consultant)
    run = SolveRun(requested_by_id=consultant.id, scope=[p.id], status="done", phase="done",
                   progress=100, matched_count=1, solver_status="OPTIMAL", objective=1, bound=1,
                   seconds=0.1)
    db.session.add(run)
    db.session.commit()
    db.session.add(Proposal(run_id=run.id, participant_id=p.id, placement_id=pl.id, mentor_id=m.id,
                            hours=4, reasons=[{"en": f"keeps current mentor m{m.id}",
                                               "da": f"beholder mentor m{m.id}"}]))
    db.session.commit()
    auth.login(consultant)
    html = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert "beholder mentor Mette Larsen" in html and f"m{m.id}<" not in html


def test_unmatched_reasons_say_what_would_help(client, db, make, auth):
    consultant = make.user("consultant")
    auth.login(consultant)
    p = make.participant(consultant=consultant, code="NONE-1")
    run = SolveRun(requested_by_id=consultant.id, scope=[p.id], status="done", phase="done",
                   progress=100, matched_count=0, solver_status="OPTIMAL", objective=0, bound=0,
                   seconds=0.1, unmatched=[{"participant_id": p.id, "reasons": [
                       {"en": "no placement within 10 km offers cafe",
                        "da": "ingen plads inden for 10 km tilbyder café",
                        "code": "no_placement_in_reach",
                        "params": {"km": 10.0, "areas": ["cafe"]}},
                       {"en": "all 2 mentors that fit are excluded for this participant",
                        "da": "alle 2 mentorer der passer er fravalgt for deltageren",
                        "code": "excluded_mentors", "params": {"n": 2}}]}])
    db.session.add(run)
    db.session.commit()
    html = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert ("Lad deltageren rejse længere end 10 km, eller tilføj et andet ønsket "
            "arbejdsområde") in html
    assert "Fravalgene står på deltagerens side, hvor de kan ophæves" in html
    client.post("/lang/en", data={"next": "/"})
    html = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert "Let the participant travel further than 10 km, or add another wished work area" in html
