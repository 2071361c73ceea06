"""What a person calls each indicator, for pages and exports (the keys stay the machine names)."""

from django.utils.translation import gettext_lazy as _

INDICATOR_LABELS = {
    "enterprises": _("Operating enterprises"),
    "enterprises_20plus": _("Enterprises with 20 or more workers"),
    "enterprises_under_20": _("Enterprises with fewer than 20 workers"),
    "workers": _("Workers"),
    "with_party_org": _("Enterprises with a party organization"),
    "party_org_coverage_pct": _("Party organization coverage"),
    "party_members_in_orgs": _("Party members in enterprises with an organization"),
    "with_party_members_no_org": _("Enterprises with party members but no organization"),
    "party_presence_pct": _("Party presence"),
    "with_union": _("Enterprises with a grassroots union"),
    "union_coverage_pct": _("Union coverage"),
    "union_members": _("Union members"),
    "new_union_members": _("New union members"),
    "new_union_members_non_state": _("New union members in non-state enterprises"),
    "new_union_bases": _("New grassroots unions"),
    "new_union_bases_non_state": _("New grassroots unions in non-state enterprises"),
    "introduced_to_party": _("Union members introduced to the party"),
    "admitted_to_party": _("Admitted to the party"),
    "awareness_class_attendees": _("Sent to party awareness classes"),
    "proposed_for_admission": _("Proposed for admission"),
    "target_new_union_members": _("Target: new union members this year"),
    # xgettext:no-python-format (a literal per cent sign, never %-formatted)
    "target_new_union_members_pct": _("New union members since 1 January, % of target"),
    "reporting_rate_pct": _("Reporting rate"),
    "proposed_of_attendees_pct": _("Proposed for admission, of those sent to awareness classes"),
    "admitted_of_introduced_pct": _("Admitted to the party, of union members introduced"),
    "party_members": _("Party members"),
    "reporting_enterprises": _("Enterprises that reported"),
    "new_union_members_ytd": _("New union members since 1 January"),
}

BREAKDOWN_LABELS = {
    "zone": _("By zone"),
    "ownership": _("By ownership"),
    "size_band": _("By size"),
}

SIZE_BAND_LABELS = {
    "20plus": _("20 or more workers"),
    "under_20": _("fewer than 20 workers"),
    None: _("workers not reported"),
}

OUTSIDE_ZONES = _("Outside the zones")
PROVINCE = _("Province")
