"""Filters of the enterprise table, on the per-enterprise rows of ``reports.rows.enterprise_rows``.

Each choice selects exactly the enterprises the indicator engine counts under the same name, so a
link from a dashboard figure lists the enterprises behind it:
- ``party=org``: ``with_party_org``; ``party=members_no_org``: ``with_party_members_no_org``;
  ``party=presence``: both; ``party=neither``: the rest (no organization, no party member reported);
- ``union=yes``: ``with_union``; ``size=20plus`` / ``under_20``: ``enterprises_20plus`` / ``_under_20``;
- ``reporting=reported``: ``reporting_enterprises``.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, Ownership
from reports.aggregates import SIZE_THRESHOLD
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
SIZE_FILTERS = {
    "20plus": Q(workers__gte=SIZE_THRESHOLD),
    "under_20": Q(workers__lt=SIZE_THRESHOLD),
    "unknown": Q(workers__isnull=True),
}


def zone_choices():
    zones = [(z.code, f"{z.code} – {z.name}") for z in Zone.objects.order_by("code").only("code", "name")]
    return [*zones, (OUTSIDE, _("Outside every zone"))]


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or tax code"), method="search")
    zone = django_filters.MultipleChoiceFilter(
        label=_("Zone"), choices=(), method="in_zones", widget=forms.CheckboxSelectMultiple
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
        choices=[("yes", _("has a union")), ("no", _("no union"))],
        method="choose",
    )
    reporting = django_filters.ChoiceFilter(
        label=_("Reporting"),
        empty_label=_("any"),
        choices=[("reported", _("reported in the period")), ("not_reported", _("not reported"))],
        method="choose",
    )

    class Meta:
        model = Enterprise
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read the zones once: a callable would be queried again for validation and each rendering.
        self.filters["zone"].extra["choices"] = zone_choices()

    def search(self, queryset, name, value):
        return queryset.search(value)

    def in_zones(self, queryset, name, value):
        codes = [v for v in value if v != OUTSIDE]
        condition = Q(zone__code__in=codes)
        if OUTSIDE in value:
            condition |= Q(zone__isnull=True)
        return queryset.filter(condition)

    def choose(self, queryset, name, value):
        conditions = {
            "size": SIZE_FILTERS,
            "party": PARTY_FILTERS,
            "union": UNION_FILTERS,
            "reporting": {"reported": Q(reported=True), "not_reported": Q(reported=False)},
        }
        return queryset.filter(conditions[name][value])
