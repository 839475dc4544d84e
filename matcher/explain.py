"""Reasons a consultant can act on, as codes with parameters, in English and Danish."""

from __future__ import annotations

from dataclasses import dataclass, field

# Common tags in Danish; anything else is shown as written.
DANISH_TAGS = {
    "kitchen": "køkken", "retail": "butik", "cleaning": "rengøring",
    "warehouse": "lager", "gardening": "have og park", "construction": "byggeri",
    "office": "kontor", "care": "pleje og omsorg", "transport": "transport",
    "production": "produktion", "cafe": "café", "recycling": "genbrug",
    "addiction": "misbrug", "psychiatry": "psykiatri", "homelessness": "hjemløshed",
    "trauma": "traumer", "structure": "fast struktur", "lang:en": "engelsk",
    "lang:ar": "arabisk", "lang:so": "somali", "lang:kl": "grønlandsk",
    "drivers_license": "kørekort", "forklift": "truckcertifikat", "food_hygiene": "hygiejnebevis",
    "abstinent": "stoffri", "mon": "man", "tue": "tir", "wed": "ons", "thu": "tor",
    "fri": "fre", "sat": "lør", "sun": "søn",
}

# The same tags in plain English (codes such as "lang:ar" or "psychiatry" are not words).
ENGLISH_TAGS = {
    "cafe": "café", "gardening": "gardening", "care": "care", "psychiatry": "mental illness",
    "structure": "firm structure", "lang:en": "English", "lang:ar": "Arabic",
    "lang:so": "Somali", "lang:kl": "Greenlandic", "drivers_license": "driving licence",
    "forklift": "forklift certificate", "food_hygiene": "food hygiene certificate",
    "abstinent": "abstinent", "mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu",
    "fri": "Fri", "sat": "Sat", "sun": "Sun",
}

TEMPLATES: dict[str, tuple[str, str]] = {
    # matches
    "pinned": ("confirmed match (pinned), never moved by a re-solve",
               "bekræftet match (fastlåst), flyttes ikke ved en ny kørsel"),
    "area_wish": ("{area} is wish {rank} of {of}", "{area} er ønske {rank} af {of}"),
    "any_area": ("no area wishes, so {area} fits", "ingen ønsker til område, så {area} passer"),
    "keeps_mentor": ("keeps current mentor {mentor}",
                     "beholder mentor {mentor}: mentor kender deltageren"),
    "keeps_placement": ("keeps current placement {placement}",
                        "bliver på sin nuværende plads {placement}"),
    "mentor_skills": ("mentor has skill: {skills}", "mentor har kompetence: {skills}"),
    "colleague_mentor": ("mentor is a colleague at the workplace",
                         "mentor er kollega på arbejdspladsen"),
    "external_mentor": ("external support person, {km} km from the placement",
                        "ekstern støtteperson, {km} km fra pladsen"),
    "travel": ("{km} km to the placement", "{km} km til pladsen"),
    # {capacity} is what the problem gave the mentor: in the service, the hours still free.
    "hours_capped": ("{hours} hours rather than up to {max}: {mentor} has no more hours free "
                     "({capacity} were free in all)", "{hours} timer i stedet for op til {max}: "
                     "{mentor} har ikke flere ledige timer ({capacity} var ledige i alt)"),
    "hours_short": ("{hours} of {min}–{max} hours (best found within the time limit)",
                    "{hours} af {min}–{max} timer (bedste fundet inden for tidsgrænsen)"),
    "hours_unweighted": ("{hours} hours, the minimum (hours carry no weight)",
                         "{hours} timer, minimum (timer vægtes ikke)"),
    "known_substitute": ("substitute knows the participant", "vikaren kender deltageren"),
    "cover_hours": ("covers {hours} of {assigned} hours", "dækker {hours} af {assigned} timer"),
    # unmatched
    "infeasible": ("not solved: pinned matches conflict ({records})",
                   "ikke løst: fastlåste match er i konflikt ({records})"),
    "no_area_anywhere": ("no placement offers {areas}", "ingen plads tilbyder {areas}"),
    "no_placement_in_reach": ("no placement within {km} km offers {areas}",
                              "ingen plads inden for {km} km tilbyder {areas}"),
    "no_placement_near": ("no placement within {km} km", "ingen plads inden for {km} km"),
    "requirements": ("all {n} placements in reach require what the participant lacks: {missing}",
                     "alle {n} pladser inden for rækkevidde kræver noget deltageren mangler: "
                     "{missing}"),
    "excluded_placements": ("all {n} placements that fit are excluded for this participant",
                            "alle {n} pladser der passer er fravalgt for deltageren"),
    "no_common_day_placement": ("none of the {n} placements that fit is open on {days}",
                                "ingen af de {n} pladser der passer har åbent på deltagerens dage "
                                "({days})"),
    "no_mentor_skills": ("no mentor has the skills {skills}",
                         "ingen mentor har kompetencerne {skills}"),
    "no_mentor_at_placements": ("no mentor with {skills} works at or reaches any of the {n} "
                                "placements that fit", "ingen mentor med {skills} arbejder på "
                                "eller kan nå nogen af de {n} pladser der passer"),
    "no_mentor_near": ("no mentor works at or reaches any of the {n} placements that fit",
                       "ingen mentor arbejder på eller kan nå nogen af de {n} pladser der passer"),
    "no_common_day_mentor": ("no mentor for the {n} placements that fit shares a day with the "
                             "participant ({days}) and the placement", "ingen mentor ved de {n} "
                             "pladser der passer har en fælles dag med deltageren ({days}) og "
                             "pladsen"),
    "excluded_mentors": ("all {n} mentors that fit are excluded for this participant",
                         "alle {n} mentorer der passer er fravalgt for deltageren"),
    "not_worth_travel": ("all {n} possible matches cost more in travel than they score",
                         "alle {n} mulige match koster mere i transport end de giver"),
    "placements_full": ("all {n} placements that fit are full",
                        "alle {n} pladser der passer er fyldt op"),
    "mentors_full": ("all {n} mentors with the {skills} skill within reach are at capacity",
                     "ingen af de {n} mentorer med kompetencen {skills} inden for "
                     "rækkevidde har mere kapacitet"),
    "mentors_full_any": ("all {n} mentors within reach are at capacity",
                         "ingen af de {n} mentorer inden for rækkevidde har mere kapacitet"),
    "capacity_mixed": ("every option is taken: {places} placements that fit are full and "
                       "{mentors} mentors that fit are at capacity",
                       "alle muligheder er optaget: {places} pladser der passer er fyldt op og "
                       "{mentors} mentorer der passer har ikke mere kapacitet"),
    "not_chosen": ("{n} possible matches were still open when the time limit ended",
                   "{n} mulige match var stadig åbne, da tidsgrænsen udløb"),
    "cover_hours_low": ("assigned {hours} hours is below the minimum of {min}",
                        "tildelt {hours} timer er under minimum på {min}"),
    "cover_placement_excluded": ("the assigned placement {placement} is excluded for this "
                                 "participant", "den tildelte plads {placement} er fravalgt "
                                 "for deltageren"),
    "cover_nobody_free": ("no other mentor or support person is available over the absence",
                          "ingen anden mentor eller støtteperson er ledig under fraværet"),
}

# The same reasons when a count is one: "the only placement that fits is full", not "all 1
# placements that fit are full". Keyed by the counts (``n``, ``places``, ``mentors``) that
# are one.
ONE: dict[str, dict[tuple[str, ...], tuple[str, str]]] = {
    "requirements": {("n",): (
        "the only placement in reach requires what the participant lacks: {missing}",
        "den eneste plads inden for rækkevidde kræver noget deltageren mangler: {missing}")},
    "excluded_placements": {("n",): (
        "the only placement that fits is excluded for this participant",
        "den eneste plads der passer er fravalgt for deltageren")},
    "no_common_day_placement": {("n",): (
        "the only placement that fits is not open on {days}",
        "den eneste plads der passer har ikke åbent på deltagerens dage ({days})")},
    "no_mentor_at_placements": {("n",): (
        "no mentor with {skills} works at or reaches the only placement that fits",
        "ingen mentor med {skills} arbejder på eller kan nå den eneste plads der passer")},
    "no_mentor_near": {("n",): (
        "no mentor works at or reaches the only placement that fits",
        "ingen mentor arbejder på eller kan nå den eneste plads der passer")},
    "no_common_day_mentor": {("n",): (
        "no mentor for the only placement that fits shares a day with the participant "
        "({days}) and the placement", "ingen mentor ved den eneste plads der passer har en "
        "fælles dag med deltageren ({days}) og pladsen")},
    "excluded_mentors": {("n",): (
        "the only mentor that fits is excluded for this participant",
        "den eneste mentor der passer er fravalgt for deltageren")},
    "not_worth_travel": {("n",): (
        "the only possible match costs more in travel than it scores",
        "det eneste mulige match koster mere i transport end det giver")},
    "placements_full": {("n",): (
        "the only placement that fits is full", "den eneste plads der passer er fyldt op")},
    "mentors_full": {("n",): (
        "the only mentor with the {skills} skill within reach is at capacity",
        "den eneste mentor med kompetencen {skills} inden for rækkevidde har ikke mere "
        "kapacitet")},
    "mentors_full_any": {("n",): (
        "the only mentor within reach is at capacity",
        "den eneste mentor inden for rækkevidde har ikke mere kapacitet")},
    "capacity_mixed": {
        ("places",): ("every option is taken: the only placement that fits is full and "
                      "{mentors} mentors that fit are at capacity",
                      "alle muligheder er optaget: den eneste plads der passer er fyldt op og "
                      "{mentors} mentorer der passer har ikke mere kapacitet"),
        ("mentors",): ("every option is taken: {places} placements that fit are full and "
                       "the only mentor that fits is at capacity",
                       "alle muligheder er optaget: {places} pladser der passer er fyldt op og "
                       "den eneste mentor der passer har ikke mere kapacitet"),
        ("places", "mentors"): ("every option is taken: the only placement that fits is "
                                "full and the only mentor that fits is at capacity",
                                "alle muligheder er optaget: den eneste plads der passer er "
                                "fyldt op og den eneste mentor der passer har ikke mere "
                                "kapacitet")},
    "not_chosen": {("n",): (
        "1 possible match was still open when the time limit ended",
        "1 muligt match var stadig åbent, da tidsgrænsen udløb")},
}
COUNTS = ("n", "places", "mentors")
# And when ``n`` is two: "both mentors that fit", not "all 2 mentors that fit" ("ingen af de
# to", not "ingen af de 2"): replacements per language.
BOTH = ((("all {n} ", "both "),),
        (("alle {n} ", "begge "), ("ingen af de {n} ", "ingen af de to ")))
# And when the reason names its one placement: "the only placement that fits (Café Kornet:
# køkken) is full", so the consultant knows which one to ask about.
THE_ONLY_PLACEMENT = (("the only placement that fits", "the only placement in reach"),
                      ("den eneste plads der passer", "den eneste plads inden for rækkevidde"))
# And with more than one skill: "the psychiatry and structure skills" ("kompetencerne").
SKILLS = (("the {skills} skill ", "the {skills} skills "), ("kompetencen {skills}",
                                                           "kompetencerne {skills}"))

# What a consultant can do about each reason a participant was left unmatched, in the
# words of the pages (the participant's page, the request's weights). Same placeholders
# as the reason itself.
_SEE_EXCLUSIONS = ("the exclusions are on the participant's page, where they can be lifted",
                   "fravalgene står på deltagerens side, hvor de kan ophæves")
HELP: dict[str, tuple[str, str]] = {
    "infeasible": ("end or change one of the conflicting confirmed matches",
                   "afslut eller ændr et af de bekræftede match der er i konflikt"),
    "no_area_anywhere": ("add another wished work area, or ask employers for a placement "
                         "in {areas}", "tilføj et andet ønsket arbejdsområde, eller spørg "
                         "arbejdsgivere om en plads inden for {areas}"),
    "no_placement_in_reach": ("let the participant travel further than {km} km, or add "
                              "another wished work area", "lad deltageren rejse længere end "
                              "{km} km, eller tilføj et andet ønsket arbejdsområde"),
    "no_placement_near": ("let the participant travel further than {km} km",
                          "lad deltageren rejse længere end {km} km"),
    "requirements": ("help the participant meet the requirement, or look for placements "
                     "without it", "hjælp deltageren med at opfylde kravet, eller find "
                     "pladser uden det"),
    "excluded_placements": _SEE_EXCLUSIONS,
    "no_common_day_placement": ("ask whether the participant can come on other days",
                                "spørg om deltageren kan komme andre dage"),
    "no_mentor_skills": ("find a mentor or support person skilled in {skills}",
                         "find en mentor eller støtteperson med kompetence i {skills}"),
    "no_mentor_at_placements": ("find a mentor skilled in {skills} near these placements, or "
                                "ask the employer for a colleague mentor", "find en mentor "
                                "med kompetence i {skills} tæt på pladserne, eller spørg "
                                "arbejdsgiveren om en kollegamentor"),
    "no_mentor_near": ("ask the employer for a colleague mentor, or find an external support "
                       "person near the placements", "spørg arbejdsgiveren om en "
                       "kollegamentor, eller find en ekstern støtteperson tæt på pladserne"),
    "no_common_day_mentor": ("ask whether the participant can come on other days, or find a "
                             "mentor free on one of their days", "spørg om deltageren kan "
                             "komme andre dage, eller find en mentor der kan på en af "
                             "deltagerens dage"),
    "excluded_mentors": _SEE_EXCLUSIONS,
    "not_worth_travel": ("lower the weight of travel distance under Weights, or look for "
                         "placements nearer the participant", "sænk vægten for "
                         "rejseafstand under Vægte, eller find pladser tættere på deltageren"),
    "placements_full": ("run again when a place is free, or ask the employer for more places",
                        "kør igen når en plads bliver ledig, eller spørg arbejdsgiveren om "
                        "flere pladser"),
    "mentors_full": ("ask a mentor skilled in {skills} to take more hours or participants, "
                     "or find another", "spørg en mentor med kompetence i {skills} om at tage "
                     "flere timer eller deltagere, eller find en ny"),
    "mentors_full_any": ("ask a mentor within reach to take more hours or participants, or "
                         "find another", "spørg en mentor inden for rækkevidde om at tage "
                         "flere timer eller deltagere, eller find en ny"),
    "capacity_mixed": ("run again when a place or mentor is free, or ask employers and "
                       "mentors for more", "kør igen når en plads eller mentor bliver ledig, "
                       "eller spørg arbejdsgivere og mentorer om mere"),
    "not_chosen": ("run again with a longer time limit",
                   "kør igen med en længere tidsgrænse"),
    "cover_hours_low": ("assign at least {min} hours", "tildel mindst {min} timer"),
    "cover_placement_excluded": _SEE_EXCLUSIONS,
    "cover_nobody_free": ("ask the employer for a colleague who can step in, or arrange cover "
                          "by hand", "spørg arbejdsgiveren om en kollega, der kan træde til, "
                          "eller aftal dækning selv"),
}

_JOIN = {"en": (" or ", " and "), "da": (" eller ", " og ")}


def _word(tag: str, lang: str) -> str:
    return (DANISH_TAGS if lang == "da" else ENGLISH_TAGS).get(tag, tag)


def _fmt(key: str, value, lang: str) -> str:
    if isinstance(value, (list, tuple)):
        words = [_word(str(v), lang) if key != "records" else str(v) for v in value]
        conj = _JOIN[lang][0 if key == "areas" else 1]
        if len(words) < 2:
            return "".join(words)
        return ", ".join(words[:-1]) + conj + words[-1]
    if isinstance(value, float):
        text = f"{value:g}" if value.is_integer() else f"{value:.1f}"
        return text.replace(".", ",") if lang == "da" else text
    if key in ("area",):
        return _word(value, lang)
    return str(value)


def _replace_all(template: str, pairs) -> str:
    for old, new in pairs:
        template = template.replace(old, new)
    return template


def _name_placement(template: str, phrases: tuple[str, ...]) -> str:
    for phrase in phrases:
        template = template.replace(phrase, phrase + " ({placement})")
    return template


@dataclass(frozen=True)
class Reason:
    """One reason: a stable ``code`` and its ``params``, rendered by :meth:`text`."""

    code: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """Render in ``"en"`` or ``"da"``."""
        ones = tuple(k for k in COUNTS if self.params.get(k) == 1)
        pair = ONE.get(self.code, {}).get(ones, TEMPLATES[self.code])
        if self.params.get("n") == 2:
            pair = tuple(_replace_all(t, both) for t, both in zip(pair, BOTH, strict=True))
        skills = self.params.get("skills")
        if isinstance(skills, (list, tuple)) and len(skills) > 1:
            pair = tuple(t.replace(*many) for t, many in zip(pair, SKILLS, strict=True))
        if "placement" in self.params:
            pair = tuple(_name_placement(t, only)
                         for t, only in zip(pair, THE_ONLY_PLACEMENT, strict=True))
        return self._fill(pair, lang)

    def help(self, lang: str = "en") -> str | None:
        """What a consultant can do about it, in ``"en"`` or ``"da"`` (None when the reason
        is not one a participant is left unmatched for)."""
        return self._fill(HELP[self.code], lang) if self.code in HELP else None

    def _fill(self, pair: tuple[str, str], lang: str) -> str:
        """The English or Danish template of ``pair`` with this reason's fields."""
        template = pair[0 if lang == "en" else 1]
        return template.format(**{k: _fmt(k, v, lang) for k, v in self.params.items()})

    def to_dict(self) -> dict:
        return {"code": self.code, "params": dict(self.params)}


def reason_fields(reasons: list[Reason]) -> dict:
    """The ``reasons``, ``reasons_da`` and ``reason_codes`` fields of a result entry."""
    return {"reasons": [r.text("en") for r in reasons],
            "reasons_da": [r.text("da") for r in reasons],
            "reason_codes": [r.to_dict() for r in reasons]}
