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
    # People (DOMAIN.md "People: leaders, probation, where members meet").
    "probationary_party_members": _("Probationary party members"),
    "became_official": _("Probationary members recognized as official members"),
    "probation_not_recognized": _("Probations ended without recognition"),
    "conversions_due": _("Probationary members due for the decision on official membership"),
    "conversions_overdue": _("Probationary members overdue for the decision"),
    "enterprises_conversions_overdue": _("Enterprises with overdue decisions on official membership"),
    "owner_manager_party_members": _("Owners and managers who are party members"),
    "with_party_member_leader": _("Enterprises led by a party member"),
    "leader_party_coverage_pct": _("Share of enterprises led by a party member"),
    "owners_managers_admitted": _("Owners and managers admitted to the party"),
    "leaders_trained_intermediate": _("Leaders trained in intermediate political theory"),
    "leaders_trained_advanced": _("Leaders trained in advanced political theory"),
    "party_members_no_org": _("Party members in enterprises without a party organization"),
    "members_with_association_cell": _("Of them, active with the Business Association cell"),
    "members_at_residence": _("Of them, active where they live"),
    "members_no_org_unattached": _("Of them, attached nowhere"),
    "owners_managers_admitted_ytd": _("Owners and managers admitted since 1 January"),
    "leaders_trained_intermediate_ytd": _("Leaders trained in intermediate theory since 1 January"),
    "leaders_trained_advanced_ytd": _("Leaders trained in advanced theory since 1 January"),
    "target_owners_managers_admitted": _("Target: owners and managers admitted this year"),
    # xgettext:no-python-format (a literal per cent sign, never %-formatted)
    "target_owners_managers_admitted_pct": _("Owners and managers admitted since 1 January, % of target"),
    "target_leaders_trained_intermediate": _("Target: leaders trained in intermediate theory this year"),
    # xgettext:no-python-format (a literal per cent sign, never %-formatted)
    "target_leaders_trained_intermediate_pct": _("Leaders trained in intermediate theory, % of target"),
    "target_leaders_trained_advanced": _("Target: leaders trained in advanced theory this year"),
    # xgettext:no-python-format (a literal per cent sign, never %-formatted)
    "target_leaders_trained_advanced_pct": _("Leaders trained in advanced theory, % of target"),
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
