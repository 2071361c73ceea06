"""Filters of the enterprise table, on the per-enterprise rows of ``reports.engine.rows.enterprise_rows``.

Each choice selects exactly the enterprises the indicator engine counts under the same name, so a
link from a dashboard figure lists the enterprises behind it:
- ``party=org``: ``with_party_org``; ``party=members_no_org``: ``with_party_members_no_org``;
  ``party=presence``: both; ``party=neither``: the rest (no organization, no party member reported);
- ``union=yes``: ``with_union``; ``size=20plus`` / ``under_20``: ``enterprises_20plus`` / ``_under_20``;
- ``reporting=reported``: ``reporting_enterprises``;
- ``people=leader_in_party``: ``with_party_member_leader``; ``people=overdue``:
  ``enterprises_conversions_overdue``; ``people=due``: those with ``conversions_due``;
  ``people=unattached``: enterprises without an organization with members attached nowhere.
"""

import django_filters
from django import forms
from django.conf import settings
from django.db.models import F, Q
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, Ownership
from reports.engine.aggregates import SIZE_THRESHOLD
from zones.models import OUTSIDE_ZONES as OUTSIDE
from zones.models import Zone

# Party and union choices list only enterprises whose zones collect those figures, as the engine counts.
PARTY_FILTERS = {
    "org": Q(has_party_org=True),
    "members_no_org": Q(has_party_org=False, party_members__gte=1),
    "presence": Q(has_party_org=True) | Q(party_members__gte=1),
    "neither": Q(has_party_org=False) & (Q(party_members__isnull=True) | Q(party_members__lt=1)),
    "no_org": Q(has_party_org=False),
}
PARTY_FILTERS = {name: condition & Q(party_tracked=True) for name, condition in PARTY_FILTERS.items()}
UNION_FILTERS = {
    "yes": Q(has_union=True, union_tracked=True),
    "no": Q(has_union=False, union_tracked=True),
}


def _eligible() -> Q:
    return Q(union_tracked=True, workers__gte=settings.UNION_ELIGIBLE_WORKERS)


CHANGES = ("gained", "lost", "opened", "closed")
# "change" lists the enterprises behind each change key: ``party_org_gained`` ...
CHANGE_FILTERS = {
    **{f"party_org_{c}": Q(party_org_change=c, party_tracked=True) for c in CHANGES},
    **{f"union_{c}": Q(union_change=c, union_tracked=True) for c in CHANGES},
}
PEOPLE_FILTERS = {
    "leader_in_party": Q(owner_manager_party_members__gte=1),
    "leader_not_in_party": Q(owner_manager_party_members=0),
    "due": Q(conversions_due__gte=1),
    "overdue": Q(conversions_overdue__gte=1),
    "association_cell": Q(has_party_org=False, members_with_association_cell__gte=1),
    "residence": Q(has_party_org=False, members_at_residence__gte=1),
    "unattached": Q(
        has_party_org=False, party_members__gt=F("members_with_association_cell") + F("members_at_residence")
    ),
}
PEOPLE_FILTERS = {name: condition & Q(party_tracked=True) for name, condition in PEOPLE_FILTERS.items()}
# Which enterprises a list holds: those operating in the period, unless asked for those that closed
# (they still bring the flows of the periods they operated in) or all of them.
STATUS_FILTERS = {"operating": Q(operating=True), "closed": Q(operating=False), "all": Q()}
SIZE_FILTERS = {
    "20plus": Q(workers__gte=SIZE_THRESHOLD),
    "under_20": Q(workers__lt=SIZE_THRESHOLD),
    "unknown": Q(workers__isnull=True),
}


# The filters on a row's figures (a zone's page in name order with none of them reads the name index).
ROW_FILTERS = ("size", "party", "union", "reporting", "people", "change")


class CheckboxList(forms.CheckboxSelectMultiple):
    """Django's checkbox list, written in one pass instead of a template per option: the zone filter
    has one checkbox per zone (hundreds at national scale), which the templates took ~60 ms to write."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in (value or [])}
        base, name = escape(attrs.get("id", "")), escape(name)
        # Plain escaping and joining: format_html per option took ~20 ms for 450 zones.
        options = "".join(
            f'<div><label for="{base}_{i}"><input type="checkbox" name="{name}" value="{escape(code)}" '
            f'id="{base}_{i}"{" checked" if str(code) in chosen else ""}> {escape(label)}</label></div>'
            for i, (code, label) in enumerate(self.choices)
        )
        return mark_safe(f'<div id="{base}">{options}</div>')  # nosec # noqa: S308 - every part escaped above


def zone_choices() -> tuple[list, dict]:
    """The zone filter's choices, and each code's id: the table filters on the enterprise's own
    ``zone_id`` so that a zone's page reads the (zone, name) index in its order."""
    zones = list(Zone.objects.order_by("code").values_list("code", "name", "id"))
    choices = [(code, f"{code} – {name}") for code, name, _id in zones]
    return [*choices, (OUTSIDE, _("Outside every zone"))], {code: pk for code, _name, pk in zones}


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or tax code"), method="search")
    zone = django_filters.MultipleChoiceFilter(
        label=_("Zone"), choices=(), method="in_zones", widget=CheckboxList
    )
    ownership = django_filters.MultipleChoiceFilter(
        label=_("Ownership"), choices=Ownership.choices, widget=forms.CheckboxSelectMultiple
    )
    size = django_filters.ChoiceFilter(
        label=_("Workers"),
        empty_label=_("any number"),
        choices=[
            ("20plus", _("20 or more")),
            ("under_20", _("fewer than 20")),
            ("unknown", _("not reported")),
        ],
        method="choose",
    )
    party = django_filters.ChoiceFilter(
        label=_("Party"),
        empty_label=_("any"),
        choices=[
            ("org", _("has a party organization")),
            ("members_no_org", _("party members but no organization")),
            ("presence", _("organization or party members")),
            ("neither", _("neither")),
            ("no_org", _("no party organization")),
        ],
        method="choose",
    )
    union = django_filters.ChoiceFilter(
        label=_("Grassroots union"),
        empty_label=_("any"),
        choices=[
            ("yes", _("has a union")),
            ("no", _("no union")),
            ("eligible", _("eligible for a union (enough workers)")),
            ("eligible_yes", _("eligible, has a union")),
            ("eligible_no", _("eligible, no union")),
        ],
        method="choose",
    )
    reporting = django_filters.ChoiceFilter(
        label=_("Reporting"),
        empty_label=_("any"),
        choices=[("reported", _("reported in the period")), ("not_reported", _("not reported"))],
        method="choose",
    )
    people = django_filters.ChoiceFilter(
        label=_("People"),
        empty_label=_("any"),
        choices=[
            ("leader_in_party", _("led by a party member")),
            ("leader_not_in_party", _("no owner or manager in the party")),
            ("due", _("probationary members due for the decision")),
            ("overdue", _("decisions on official membership overdue")),
            ("association_cell", _("members with the Business Association cell")),
            ("residence", _("members active where they live")),
            ("unattached", _("members attached nowhere")),
        ],
        method="choose",
    )
    change = django_filters.ChoiceFilter(
        label=_("Change since the previous period"),
        empty_label=_("any"),
        choices=[
            ("party_org_gained", _("gained a party organization")),
            ("party_org_lost", _("lost its party organization")),
            ("party_org_opened", _("newly operating, with a party organization")),
            ("party_org_closed", _("closed, had a party organization")),
            ("union_gained", _("gained a grassroots union")),
            ("union_lost", _("lost its grassroots union")),
            ("union_opened", _("newly operating, with a grassroots union")),
            ("union_closed", _("closed, had a grassroots union")),
        ],
        method="choose",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        empty_label=_("operating in the period"),
        choices=[
            ("closed", _("closed, with figures for the period")),
            ("all", _("operating or closed")),
        ],
        method="keep",
    )

    class Meta:
        model = Enterprise
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read the zones once: a callable would be queried again for validation and each rendering.
        self.filters["zone"].extra["choices"], self.zone_ids = zone_choices()

    def search(self, queryset, name, value):
        return queryset.search(value)

    def in_zones(self, queryset, name, value):
        """On the enterprise's zone when the table is in name order with no other filter (the
        enterprises' (zone, name) index reads the page in order), else on its row's (the rows'
        (period, zone, workers) index reads the zone's rows only, in workers order). Both are the same
        zone; naming both misleads the planner's estimates."""
        ids = [self.zone_ids[code] for code in value if code != OUTSIDE]
        by_name = (self.data.get("sort") or "name").lstrip("-") == "name"
        others = any(self.data.get(key) for key in ROW_FILTERS)
        field = "zone_id" if by_name and not others else "row_zone_id"
        condition = Q(**{f"{field}__in": ids})
        if OUTSIDE in value:
            condition |= Q(**{f"{field}__isnull": True})
        return queryset.filter(condition)

    def choose(self, queryset, name, value):
        conditions = {
            "size": SIZE_FILTERS,
            "party": PARTY_FILTERS,
            "union": {
                **UNION_FILTERS,
                "eligible": _eligible(),
                "eligible_yes": _eligible() & Q(has_union=True),
                "eligible_no": _eligible() & Q(has_union=False),
            },
            "reporting": {"reported": Q(reported=True), "not_reported": Q(reported=False)},
            "change": CHANGE_FILTERS,
            "people": PEOPLE_FILTERS,
        }
        return queryset.filter(conditions[name][value])

    def keep(self, queryset, name, value):
        return queryset  # applied in filter_queryset, which also knows the default

    def filter_queryset(self, queryset):
        """The rows are every enterprise with figures for the period (``operating_only=False``): the
        list holds the operating ones unless ``status`` or a change to a closed enterprise says so."""
        data = self.form.cleaned_data
        status = data.get("status") or ("all" if data.get("change") else "operating")
        return super().filter_queryset(queryset).filter(STATUS_FILTERS[status])
