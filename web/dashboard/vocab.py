"""Short labels for the matcher's unmatched reason codes (matcher/explain.py)."""

from flask_babel import lazy_gettext as _l

REASONS = {
    "infeasible": _l("Pinned matches conflict"),
    "no_area_anywhere": _l("No placement offers the wished areas"),
    "no_placement_in_reach": _l("No placement in reach offers the wished areas"),
    "no_placement_near": _l("No placement within travel distance"),
    "requirements": _l("Placements require what the participant lacks"),
    "excluded_placements": _l("All fitting placements excluded"),
    "no_common_day_placement": _l("No fitting placement open on the participant's days"),
    "no_mentor_skills": _l("No mentor has the needed skills"),
    "no_mentor_at_placements": _l("No mentor with the skills at the fitting placements"),
    "no_mentor_near": _l("No mentor at or near the fitting placements"),
    "no_common_day_mentor": _l("No mentor shares a day with the participant"),
    "excluded_mentors": _l("All fitting mentors excluded"),
    "not_worth_travel": _l("Travel costs more than the match scores"),
    "placements_full": _l("Fitting placements are full"),
    "mentors_full": _l("Mentors with the needed skills are at capacity"),
    "mentors_full_any": _l("Mentors in reach are at capacity"),
    "capacity_mixed": _l("Placements full and mentors at capacity"),
    "not_chosen": _l("Not chosen within the time limit"),
}


def reason_label(code: str) -> str:
    return str(REASONS.get(code, code))
