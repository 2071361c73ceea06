"""The periodic report's sentences and the dashboard's "what changed" paragraph, written from the
indicator engine's figures and nothing else (the callers read the engine: ``documents.periodic``,
``dashboards.changed``); no database access here.

Every number is one of the engine's values (``compute`` / ``breakdown``) formatted for people
(``core.formatting``: ``3.442``, ``344,2%`` in Vietnamese); a figure nobody reported is said to be
not reported and one no zone collects not collected, never 0; "rose" and "fell" only where the
figures did. Deterministic: the same figures give the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import grouped, pct
from core.periods import Period
from zones.models import FigureGroup

PARTY, UNION = FigureGroup.PARTY, FigureGroup.UNION


def number(value) -> str:
    """An engine value as people write it: a count grouped, a percentage with one decimal and %."""
    return grouped(value) if type(value) is int else pct(value)


@dataclass
class Figures:
    """What the text is written from: the engine's figures for P, the previous period, the same
    period a year before, and P by zone."""

    period: Period
    total: dict
    previous: dict
    year_ago: dict
    by_zone: dict  # zone code (None: outside every zone) -> indicators
    zone_names: dict[str, str]
    not_collected: list[str] = field(default_factory=list)

    @property
    def year_ago_period(self) -> Period:
        return Period(self.period.year - 1, self.period.kind, self.period.index)


# A figure alone: the sentence with its value, the sentence when nobody reported it.
SIMPLE = {
    "union_members": (
        gettext_lazy("The grassroots unions have %(value)s union members."),
        gettext_lazy("The number of union members was not reported."),
    ),
    "union_density_pct": (
        gettext_lazy("In the enterprises with a union, %(value)s of the workers are union members."),
        gettext_lazy("Union density (union members over workers) cannot be given: not reported."),
    ),
    "awareness_class_attendees": (
        gettext_lazy("%(value)s people attended party awareness classes."),
        gettext_lazy("Attendance at party awareness classes was not reported."),
    ),
    "proposed_for_admission": (
        gettext_lazy("%(value)s were proposed for admission to the party."),
        gettext_lazy("Proposals for admission to the party were not reported."),
    ),
    "introduced_to_party": (
        gettext_lazy("Unions introduced %(value)s outstanding union members to the party."),
        gettext_lazy("Union members introduced to the party were not reported."),
    ),
    "admitted_to_party": (
        gettext_lazy("%(value)s people were admitted to the party."),
        gettext_lazy("Admissions to the party were not reported."),
    ),
}

# The people figures (DOMAIN.md "People"): said only when the engine has them and someone reported
# them, so a key the engine lacks or nobody reported adds no sentence and never a 0.
PEOPLE = {
    "probationary_party_members": gettext_lazy("%(value)s party members are still probationary."),
    "became_official": gettext_lazy("%(value)s probationary members were recognized as official members."),
    "probation_not_recognized": gettext_lazy(
        "%(value)s probationary members ended their 12 months without recognition."
    ),
    "conversions_due": gettext_lazy(
        "%(value)s probationary members are due for the decision on official membership."
    ),
    "conversions_overdue": gettext_lazy("%(value)s decisions on official membership are overdue."),
    "enterprises_conversions_overdue": gettext_lazy(
        "%(value)s enterprises have a decision on official membership overdue."
    ),
    "owner_manager_party_members": gettext_lazy(
        "%(value)s enterprise owners and managers are party members."
    ),
    "with_party_member_leader": gettext_lazy(
        "%(value)s enterprises have an owner or manager who is a party member."
    ),
    "leader_party_coverage_pct": gettext_lazy(
        "That is %(value)s of the enterprises whose zones collect party figures."
    ),
    "owners_managers_admitted": gettext_lazy("%(value)s owners or managers were admitted to the party."),
    "leaders_trained_intermediate": gettext_lazy(
        "%(value)s owners and managers completed an intermediate political-theory course."
    ),
    "leaders_trained_advanced": gettext_lazy(
        "%(value)s owners and managers completed an advanced political-theory course."
    ),
    "party_members_no_org": gettext_lazy(
        "%(value)s party members work in enterprises with no party organization."
    ),
    "members_with_association_cell": gettext_lazy(
        "%(value)s party members of enterprises without an organization take part in the activities of the "
        "Business Association party cell."
    ),
    "members_at_residence": gettext_lazy(
        "%(value)s party members of enterprises without an organization take part in party activities "
        "at their place of residence."
    ),
    "members_no_org_unattached": gettext_lazy(
        "%(value)s party members of enterprises without an organization take part in no party activities yet."
    ),
}

# Annual targets: (target key, year-to-date key, percentage key, what is counted).
TARGETS = [
    (target, ytd, f"{target}_pct", what)
    for target, ytd, what in (
        ("target_new_union_members", "new_union_members_ytd", gettext_lazy("new union members")),
        ("target_new_union_bases", "new_union_bases_ytd", gettext_lazy("new grassroots unions")),
        ("target_new_party_orgs", "new_party_orgs_ytd", gettext_lazy("new party organizations")),
        ("target_admitted_to_party", "admitted_to_party_ytd", gettext_lazy("admissions to the party")),
        (
            "target_owners_managers_admitted",
            "owners_managers_admitted_ytd",
            gettext_lazy("owners and managers admitted to the party"),
        ),
        (
            "target_leaders_trained_intermediate",
            "leaders_trained_intermediate_ytd",
            gettext_lazy("leaders trained in intermediate political theory"),
        ),
        (
            "target_leaders_trained_advanced",
            "leaders_trained_advanced_ytd",
            gettext_lazy("leaders trained in advanced political theory"),
        ),
    )
]

# What section III and the dashboard compare: key, what it counts.
COMPARED = [
    ("enterprises", gettext_lazy("operating enterprises"), None),
    ("with_party_org", gettext_lazy("enterprises with a party organization"), PARTY),
    ("party_members_in_orgs", gettext_lazy("party members in party organizations"), PARTY),
    ("with_union", gettext_lazy("enterprises with a grassroots union"), UNION),
    ("union_members", gettext_lazy("union members"), UNION),
    ("new_union_members", gettext_lazy("new union members"), UNION),
]


def _say(template, **values) -> str:
    return str(template) % {
        k: number(v) if isinstance(v, int | float) or hasattr(v, "quantize") else v for k, v in values.items()
    }


def _not_collected(figures: Figures, group: str) -> str | None:
    if group not in figures.not_collected:
        return None
    if group == PARTY:
        return _("Party figures are not collected in this scope.")
    return _("Union figures are not collected in this scope.")


def situation(f: Figures) -> list[str]:
    t = f.total
    sentences = [
        _say(
            _("In %(period)s there are %(enterprises)s operating enterprises in scope."),
            period=f.period.label(),
            enterprises=t["enterprises"],
        )
    ]
    if t["workers"] is None:
        sentences.append(_("Their workers were not reported."))
    else:
        sentences.append(_say(_("They employ %(workers)s workers."), workers=t["workers"]))
    if t["enterprises_20plus"] is not None:
        sentences.append(
            _say(
                _("%(big)s of them employ 20 or more workers and %(small)s fewer than 20."),
                big=t["enterprises_20plus"],
                small=t["enterprises_under_20"],
            )
        )
    for code, zone in _zones(f):
        if zone["workers"] is None:
            sentences.append(
                _say(
                    _("%(zone)s: %(enterprises)s enterprises; workers not reported."),
                    zone=_zone_name(f, code),
                    enterprises=zone["enterprises"],
                )
            )
        else:
            sentences.append(
                _say(
                    _("%(zone)s: %(enterprises)s enterprises, %(workers)s workers."),
                    zone=_zone_name(f, code),
                    enterprises=zone["enterprises"],
                    workers=zone["workers"],
                )
            )
    return sentences


def party(f: Figures) -> list[str]:
    if said := _not_collected(f, PARTY):
        return [said]
    t = f.total
    sentences = [
        _say(
            _(
                "%(with_org)s of the %(tracked)s enterprises whose zones collect party figures have a party "
                "organization (%(coverage)s)."
            ),
            with_org=t["with_party_org"],
            tracked=t["enterprises_party_tracked"],
            coverage=_or_missing(t["party_org_coverage_pct"]),
        )
    ]
    if t["party_members_in_orgs"] is None:
        sentences.append(_("The party members of these organizations were not reported."))
    else:
        sentences.append(
            _say(_("These organizations have %(members)s party members."), members=t["party_members_in_orgs"])
        )
    if t["with_party_members_no_org"] is None:
        sentences.append(_("Party members in enterprises without an organization were not reported."))
    else:
        sentences.append(
            _say(
                _(
                    "%(no_org)s more enterprises have party members but no party organization; the party is "
                    "present in %(presence)s of the enterprises."
                ),
                no_org=t["with_party_members_no_org"],
                presence=_or_missing(t["party_presence_pct"]),
            )
        )
    sentences += [
        _simple(t, key)
        for key in ("awareness_class_attendees", "proposed_for_admission", "admitted_to_party")
    ]
    return sentences


def people(f: Figures) -> list[str]:
    """The people sentences, one for each people key the engine has and someone reported."""
    if PARTY in f.not_collected:
        return []
    return [
        _say(template, value=f.total[key]) for key, template in PEOPLE.items() if f.total.get(key) is not None
    ]


def unions(f: Figures) -> list[str]:
    if said := _not_collected(f, UNION):
        return [said]
    t = f.total
    sentences = [
        _say(
            _(
                "%(with_union)s of the %(tracked)s enterprises whose zones collect union figures have a "
                "grassroots union (%(coverage)s)."
            ),
            with_union=t["with_union"],
            tracked=t["enterprises_union_tracked"],
            coverage=_or_missing(t["union_coverage_pct"]),
        )
    ]
    if t["union_eligible_enterprises"] is not None:
        sentences.append(
            _say(
                _(
                    "Of the %(eligible)s enterprises with 25 or more workers, %(with_union)s have a union "
                    "(%(coverage)s)."
                ),
                eligible=t["union_eligible_enterprises"],
                with_union=t["with_union_eligible"],
                coverage=_or_missing(t["union_coverage_eligible_pct"]),
            )
        )
    sentences += [_simple(t, "union_members"), _simple(t, "union_density_pct")]
    if t["new_union_members"] is None:
        sentences.append(_("New union members were not reported."))
    else:
        sentences.append(
            _say(
                _(
                    "In the period %(new)s new union members were admitted, %(non_state)s of them in "
                    "non-state enterprises."
                ),
                new=t["new_union_members"],
                non_state=_or_missing(t["new_union_members_non_state"]),
            )
        )
    sentences.append(
        _say(
            _("%(bases)s new grassroots unions were set up, %(non_state)s of them in non-state enterprises."),
            bases=_or_missing(t["new_union_bases"]),
            non_state=_or_missing(t["new_union_bases_non_state"]),
        )
    )
    sentences.append(_simple(t, "introduced_to_party"))
    return sentences


def targets(f: Figures) -> list[str]:
    """Each annual target set for the scope, against the year-to-date figure and its share."""
    t = f.total
    sentences = []
    for target, ytd, share, what in TARGETS:
        if t.get(target) is None:
            continue
        if t.get(ytd) is None:
            sentences.append(
                _say(
                    _("The %(year)s target is %(target)s %(what)s; the figure to date was not reported."),
                    year=str(f.period.year),
                    target=t[target],
                    what=what,
                )
            )
            continue
        sentences.append(
            _say(
                _(
                    "Against the %(year)s target of %(target)s %(what)s, %(done)s were achieved from the "
                    "start of the year to date, %(share)s of the target."
                ),
                year=str(f.period.year),
                target=t[target],
                what=what,
                done=t[ytd],
                share=_or_missing(t[share]),
            )
        )
    return sentences or [_("No annual target is set for this scope.")]


def change(f: Figures) -> list[str]:
    """Section III: each compared figure against the previous period and the same period a year before."""
    sentences = []
    compared = [(f.previous, f.period.previous())]
    if f.year_ago_period != f.period.previous():  # a year's previous period is the year before
        compared.append((f.year_ago, f.year_ago_period))
    for before, when in compared:
        for key, what, group in COMPARED:
            if group is not None and group in f.not_collected:
                continue
            sentences.append(_compare(f.total[key], before[key], what, when))
    if PARTY not in f.not_collected and f.total["party_org_gained"] is not None:
        sentences.append(
            _say(
                _(
                    "Since %(previous)s, %(gained)s enterprises set up a party organization and "
                    "%(lost)s lost one; %(opened)s enterprises opened with one and %(closed)s closed "
                    "with one."
                ),
                previous=f.period.previous().label(),
                gained=f.total["party_org_gained"],
                lost=f.total["party_org_lost"],
                opened=f.total["party_org_opened"],
                closed=f.total["party_org_closed"],
            )
        )
    return sentences


def what_changed(f: Figures) -> list[str]:
    """The dashboard's paragraph: three to five sentences on what moved since the previous period."""
    when = f.period.previous()
    picked = [(k, w) for k, w, g in COMPARED[1:] if g not in f.not_collected][:4]
    if len(picked) < 2:  # neither group collected, or only a few of its figures: the whole scope's
        picked = [(COMPARED[0][0], COMPARED[0][1]), ("workers", gettext_lazy("workers")), *picked]
    sentences = [_compare(f.total[k], f.previous[k], w, when) for k, w in picked]
    sentences.append(returns(f.total))
    return sentences[:5]


def returns(t: dict) -> str:
    """How many of the expected returns came in, and how many on time."""
    return _say(
        _(
            "%(received)s of the %(expected)s enterprises expected to report sent their returns "
            "(%(rate)s); %(on_time)s of them on time (%(timeliness)s)."
        ),
        received=t["returns_received"],
        expected=t["returns_expected"],
        rate=_or_missing(t["reporting_rate_pct"]),
        on_time=t["returns_on_time"],
        timeliness=_or_missing(t["timeliness_pct"]),
    )


def completeness(f: Figures) -> list[str]:
    sentences = [returns(f.total)]
    for group, label in ((PARTY, _("party figures")), (UNION, _("union figures"))):
        zones = [
            _zone_name(f, code)
            for code, zone in _zones(f)
            if zone[_tracked(group)] == 0 and zone["enterprises"]
        ]
        if group in f.not_collected:
            sentences.append(
                _say(
                    _("No zone of this scope collects %(what)s: they are not collected, not zero."),
                    what=label,
                )
            )
        elif zones:
            sentences.append(
                _say(
                    _("%(what)s are not collected in: %(zones)s."),
                    what=label.capitalize(),
                    zones=", ".join(zones),
                )
            )
    return sentences


def furthest_behind(f: Figures, count: int = 3) -> list[str]:
    """Section V: the zones with the lowest party organization and union coverage."""
    sentences = []
    for key, what in (
        ("party_org_coverage_pct", _("party organization coverage")),
        ("union_coverage_pct", _("union coverage")),
    ):
        ranked = sorted(((z[key], _zone_name(f, code)) for code, z in _zones(f) if z[key] is not None))
        if not ranked:
            continue
        listed = ", ".join(f"{name} ({number(value)})" for value, name in ranked[:count])
        sentences.append(_say(_("Furthest behind in %(what)s: %(zones)s."), what=what, zones=listed))
    return sentences or [_("No zone can be ranked: the figures were not reported or not collected.")]


def _compare(now, before, what, when: Period) -> str:
    values = {"what": what, "when": when.label()}
    if now is None or before is None:
        return _say(_("The number of %(what)s cannot be compared with %(when)s: not reported."), **values)
    values |= {"now": now, "before": before}
    if now > before:
        return _say(_("The number of %(what)s rose from %(before)s in %(when)s to %(now)s."), **values)
    if now < before:
        return _say(_("The number of %(what)s fell from %(before)s in %(when)s to %(now)s."), **values)
    return _say(_("The number of %(what)s is %(now)s, the same as in %(when)s."), **values)


def _simple(t: dict, key: str) -> str:
    said, missing = SIMPLE[key]
    return str(missing) if t[key] is None else _say(said, value=t[key])


def _or_missing(value):
    return _("not reported") if value is None else value


def _tracked(group: str) -> str:
    return "enterprises_party_tracked" if group == PARTY else "enterprises_union_tracked"


def _zones(f: Figures):
    """The zones of the scope in code order, then the enterprises outside every zone."""
    return sorted(f.by_zone.items(), key=lambda item: (item[0] is None, item[0] or ""))


def _zone_name(f: Figures, code) -> str:
    return f.zone_names.get(code, code) if code else _("outside every zone")
