"""Reasons in English and Danish (matcher.explain): a count of one reads as one."""

import re
import string

import pytest

from matcher.explain import COUNTS, HELP, ONE, TEMPLATES, Reason

PLURAL_OF_ONE = re.compile(r"\b(all|alle|the|de) 1\b|\b1 (placements|mentors|pladser|mentorer"
                           r"|possible matches|mulige match)\b")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _params(code: str, counts: dict) -> dict:
    """Every field of ``code``'s templates: the counts given, the others a word."""
    names = set().union(*(_fields(t) for t in TEMPLATES[code]))
    return {name: counts.get(name, 3 if name in COUNTS else "kitchen") for name in names}


@pytest.mark.parametrize("code", sorted(c for c in TEMPLATES
                                        if set(COUNTS) & _fields(TEMPLATES[c][0])))
@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_count_of_one_is_never_written_as_a_plural(code, lang):
    for count in set(COUNTS) & _fields(TEMPLATES[code][0]):
        text = Reason(code, _params(code, {count: 1})).text(lang)
        assert not PLURAL_OF_ONE.search(text), text


def test_two_reads_both_wherever_a_template_says_all():
    """A walk read "all 2 mentors with the addiction skill" ("alle 2 mentorer")."""
    for code, (en, da) in TEMPLATES.items():
        if "{n}" not in en:
            continue
        params = {k: 1 for k in _fields(en) | _fields(da)} | {"n": 2}
        reason = Reason(code, params)
        assert "all 2" not in reason.text("en") and "alle 2" not in reason.text("da"), code
        assert ("all {n}" in en) == reason.text("en").startswith("both"), code
        assert ("alle {n}" in da) == reason.text("da").startswith("begge"), code


def test_several_skills_read_in_the_plural():
    """A walk read "the mental illness and firm structure skill"."""
    two = Reason("mentors_full", {"n": 3, "skills": ["psychiatry", "structure"]})
    assert two.text("en") == ("all 3 mentors with the mental illness and firm structure skills "
                              "within reach are at capacity")
    assert two.text("da").startswith("ingen af de 3 mentorer med kompetencerne psykiatri og "
                                     "fast")
    one = Reason("mentors_full", {"n": 1, "skills": ["addiction"]})
    assert one.text("en") == "the only mentor with the addiction skill within reach is at capacity"
    assert "kompetencen misbrug" in one.text("da")


def test_the_singular_forms_take_the_plural_forms_fields():
    for code, forms in ONE.items():
        assert code in TEMPLATES
        for ones, pair in forms.items():
            assert set(ones) <= set(COUNTS)
            for singular, plural in zip(pair, TEMPLATES[code], strict=True):
                assert _fields(singular) <= _fields(plural), (code, ones)


@pytest.mark.parametrize(("params", "en", "da"), [
    ({"n": 1}, "the only placement that fits is full", "den eneste plads der passer er fyldt op"),
    ({"n": 2}, "both placements that fit are full", "begge pladser der passer er fyldt op"),
    ({"n": 3}, "all 3 placements that fit are full", "alle 3 pladser der passer er fyldt op"),
])
def test_full_placements_in_both_languages(params, en, da):
    reason = Reason("placements_full", params)
    assert (reason.text("en"), reason.text("da")) == (en, da)


@pytest.mark.parametrize(("code", "params", "en", "da"), [
    ("placements_full", {"n": 1, "placement": "l7"}, "the only placement that fits (l7) is full",
     "den eneste plads der passer (l7) er fyldt op"),
    ("requirements", {"n": 1, "missing": ["drivers_license"], "placement": "l7"},
     "the only placement in reach (l7) requires what the participant lacks: driving licence",
     "den eneste plads inden for rækkevidde (l7) kræver noget deltageren mangler: kørekort"),
    ("capacity_mixed", {"places": 1, "mentors": 3, "placement": "l7"},
     "every option is taken: the only placement that fits (l7) is full and 3 mentors that "
     "fit are at capacity", "alle muligheder er optaget: den eneste plads der passer (l7) er "
     "fyldt op og 3 mentorer der passer har ikke mere kapacitet"),
])
def test_the_one_placement_is_named_when_known(code, params, en, da):
    """A consultant told "the only placement that fits is full" had to guess which one."""
    assert (Reason(code, params).text("en"), Reason(code, params).text("da")) == (en, da)


@pytest.mark.parametrize(("break_", "code"), [
    ({"attributes": []}, "requirements"),
    ({"excluded_placements": ["l1"]}, "excluded_placements"),
    ({"days": ["sun"]}, "no_common_day_placement"),
])
def test_a_reason_that_finds_one_placement_names_it(break_, code):
    """The matcher's own reasons carry the one placement's id (pages show its title)."""
    from conftest import base_problem
    from matcher import solve_dict

    problem = base_problem()
    problem["participants"][0].update(break_)
    (unmatched,) = solve_dict(problem, time_limit=5.0, num_workers=1)["unmatched"]
    (reason,) = unmatched["reason_codes"]
    assert (reason["code"], reason["params"]["placement"]) == (code, "l1")
    assert "(l1)" in unmatched["reasons"][0] and "(l1)" in unmatched["reasons_da"][0]


@pytest.mark.parametrize(("places", "mentors", "en"), [
    (1, 4, "every option is taken: the only placement that fits is full and 4 mentors that "
           "fit are at capacity"),
    (3, 1, "every option is taken: 3 placements that fit are full and the only mentor that "
           "fits is at capacity"),
    (1, 1, "every option is taken: the only placement that fits is full and the only mentor "
           "that fits is at capacity"),
    (2, 5, "every option is taken: 2 placements that fit are full and 5 mentors that fit are "
           "at capacity"),
])
def test_mixed_capacity_counts_each_part(places, mentors, en):
    assert Reason("capacity_mixed", {"places": places, "mentors": mentors}).text("en") == en


# Reasons given for a match (or a cover assignment), not for leaving someone out.
MATCH_CODES = {"pinned", "area_wish", "any_area", "keeps_mentor", "keeps_placement",
               "mentor_skills", "colleague_mentor", "external_mentor", "travel", "hours_capped",
               "hours_short", "hours_unweighted", "known_substitute", "cover_hours"}


def test_every_reason_for_leaving_someone_out_says_what_would_help():
    assert set(TEMPLATES) - MATCH_CODES - set(HELP) == set()
    assert set(HELP) <= set(TEMPLATES) - MATCH_CODES


@pytest.mark.parametrize("code", sorted(HELP))
def test_what_would_help_takes_only_the_reasons_fields(code):
    for helps, says in zip(HELP[code], TEMPLATES[code], strict=True):
        assert _fields(helps) <= _fields(says), code
    reason = Reason(code, _params(code, {}))
    en, da = reason.help("en"), reason.help("da")
    assert en and da and en != da


def test_what_would_help_in_both_languages():
    reason = Reason("no_placement_in_reach", {"km": 10.0, "areas": ["cafe", "kitchen"]})
    assert reason.help("en") == ("let the participant travel further than 10 km, or add "
                                 "another wished work area")
    assert reason.help("da") == ("lad deltageren rejse længere end 10 km, eller tilføj et "
                                 "andet ønsket arbejdsområde")
    assert Reason("pinned").help("da") is None


def test_capped_hours_and_travel_say_what_the_numbers_are():
    """The capacity in a problem is what is free for it, not the mentor's whole week."""
    capped = Reason("hours_capped", {"hours": 10, "min": 9, "max": 11, "mentor": "m1",
                                     "capacity": 12})
    # 10 lies inside 9-11: the reason says what was missed (up to 11), not "only 10 of 9-11".
    assert capped.text("da") == ("10 timer i stedet for op til 11: m1 har ikke flere ledige "
                                 "timer (12 var ledige i alt)")
    assert capped.text("en") == ("10 hours rather than up to 11: m1 has no more hours free "
                                 "(12 were free in all)")
    assert Reason("travel", {"km": 3.0}).text("da") == "3 km til pladsen"


def test_area_names_in_reasons_are_the_forms_names():
    """A reason names a work area as the participant's form does ("Pleje og omsorg")."""
    reason = Reason("area_wish", {"area": "care", "rank": 1, "of": 1})
    assert reason.text("da") == "pleje og omsorg er ønske 1 af 1"


def test_english_reasons_name_tags_in_words_not_codes():
    assert Reason("any_area", {"area": "cafe"}).text("en") == "no area wishes, so café fits"
    assert Reason("mentor_skills", {"skills": ["trauma", "psychiatry", "lang:ar"]}).text(
        "en") == "mentor has skill: trauma, mental illness and Arabic"
    assert Reason("mentor_skills", {"skills": ["psychiatry"]}).text("da") == (
        "mentor har kompetence: psykiatri")


@pytest.mark.parametrize(("code", "n", "da"), [
    ("mentors_full_any", 7, "ingen af de 7 mentorer inden for rækkevidde har mere kapacitet"),
    ("mentors_full_any", 2, "ingen af de to mentorer inden for rækkevidde har mere kapacitet"),
    ("mentors_full", 4, "ingen af de 4 mentorer med kompetencen misbrug inden for rækkevidde "
                        "har mere kapacitet"),
])
def test_full_mentors_read_as_none_with_room_in_danish(code, n, da):
    """A walk read "alle 7 mentorer ... har ikke mere kapacitet", which can be read as "not
    all of them"."""
    params = {"n": n, "skills": ["addiction"]} if code == "mentors_full" else {"n": n}
    assert Reason(code, params).text("da") == da


@pytest.mark.parametrize(("n", "da"), [
    (1, "den eneste plads der passer har ikke åbent på deltagerens dage (søn)"),
    (3, "ingen af de 3 pladser der passer har åbent på deltagerens dage (man og ons)"),
])
def test_placement_days_read_as_the_participants_days_in_danish(n, da):
    """A walk read "den eneste plads der passer har ikke åbent søn"."""
    days = ["sun"] if n == 1 else ["mon", "wed"]
    assert Reason("no_common_day_placement", {"n": n, "days": days}).text("da") == da
