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
    "enterprises_party_tracked": _("Enterprises whose zone collects party figures"),
    "enterprises_union_tracked": _("Enterprises whose zone collects union figures"),
    "union_eligible_enterprises": _("Union-eligible enterprises (enough workers for a grassroots union)"),
    "with_union_eligible": _("Union-eligible enterprises with a grassroots union"),
    "union_coverage_eligible_pct": _("Union coverage of eligible enterprises"),
    "union_density_pct": _("Union density (members over workers, enterprises with a union)"),
    "previous_period": _("Previous period"),
    "party_org_gained": _("Enterprises that gained a party organization"),
    "party_org_lost": _("Enterprises that lost their party organization"),
    "party_org_opened": _("Newly operating enterprises with a party organization"),
    "party_org_closed": _("Closed enterprises that had a party organization"),
    "union_gained": _("Enterprises that gained a grassroots union"),
    "union_lost": _("Enterprises that lost their grassroots union"),
    "union_opened": _("Newly operating enterprises with a grassroots union"),
    "union_closed": _("Closed enterprises that had a grassroots union"),
    "returns_expected": _("Returns expected"),
    "returns_received": _("Returns received"),
    "returns_on_time": _("Returns received on time"),
    "timeliness_pct": _("Timeliness"),
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
