"""The dashboard's headline cards (a part of ``reports.dashboards.dashboard.Dashboard``, which
supplies ``period``, ``collected`` and ``url()``). Each note is built by ``core.formatting.sentence``:
what nobody reported is named once, in words, never read as "no data" inside the sentence."""

from __future__ import annotations

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.formatting import sentence
from reports.display.pages import Card, delta
from reports.engine import indicators


class HeadlineCards:
    def cards(self, now: dict, before: dict, year_before: dict | None = None) -> list[Card]:
        """``before``: the previous period's figures; ``year_before``: the same period a year earlier's."""

        def card(title, key, url, note="", is_pct=False):
            collected = indicators.GROUP_OF[key] in self.collected
            year_delta = delta(now[key], year_before[key]) if year_before is not None else None
            return Card(
                title, now[key], is_pct, delta(now[key], before[key]), url, note, collected, year_delta
            )

        members_no_org = sentence(
            (
                _("including %(n)s with party members but no organization"),
                {"n": now["with_party_members_no_org"]},
                _("enterprises with party members but no organization"),
            )
        )
        if self.url(party="members_no_org"):
            members_no_org = format_html(
                '<a href="{}">{}</a>', self.url(party="members_no_org"), members_no_org
            )
        eligible = _("enterprises with %(min)s or more workers") % {"min": settings.UNION_ELIGIBLE_WORKERS}
        if now["target_new_union_members"] is None:
            target = _("no target set for %(year)s") % {"year": self.period.year}
        else:
            target = sentence(
                (
                    _("%(target_pct)s of target: %(ytd)s of %(target)s since 1 January"),
                    {
                        "target_pct": now["target_new_union_members_pct"],
                        "ytd": now["new_union_members_ytd"],
                        "target": now["target_new_union_members"],
                    },
                    _("new union members since 1 January"),
                )
            )
        return [
            card(
                _("Enterprises"),
                "enterprises",
                self.url(),
                sentence(
                    (_("operating"), {}, ""),
                    (
                        _("%(n)s with 20 or more workers"),
                        {"n": now["enterprises_20plus"]},
                        _("enterprises with 20 or more workers"),
                    ),
                ),
            ),
            card(
                _("Party organization coverage"),
                "party_org_coverage_pct",
                self.url(party="org"),
                sentence(
                    (
                        _("%(n)s enterprises with a party organization"),
                        {"n": now["with_party_org"]},
                        _("enterprises with a party organization"),
                    )
                ),
                is_pct=True,
            ),
            card(_("Party presence"), "party_presence_pct", self.url(party="presence"), members_no_org, True),
            card(
                _("Union coverage"),
                "union_coverage_pct",
                self.url(union="yes"),
                sentence(
                    (
                        _("%(n)s enterprises with a grassroots union"),
                        {"n": now["with_union"]},
                        _("enterprises with a grassroots union"),
                    )
                ),
                is_pct=True,
            ),
            card(
                _("Union coverage of eligible enterprises"),
                "union_coverage_eligible_pct",
                self.url(union="eligible_yes"),
                sentence(
                    (
                        _("%(n)s of %(total)s enterprises with %(min)s or more workers"),
                        {
                            "n": now["with_union_eligible"],
                            "total": now["union_eligible_enterprises"],
                            "min": str(settings.UNION_ELIGIBLE_WORKERS),
                        },
                        eligible,
                    ),
                    (
                        _("union density %(density_pct)s"),
                        {"density_pct": now["union_density_pct"]},
                        _("union density"),
                    ),
                ),
                is_pct=True,
            ),
            card(
                _("Party members"),
                "party_members",
                self.url(sort="-party_members"),
                sentence(
                    (
                        _("%(n)s in enterprises with a party organization"),
                        {"n": now["party_members_in_orgs"]},
                        _("party members in enterprises with a party organization"),
                    )
                ),
            ),
            card(
                _("Union members"),
                "union_members",
                self.url(sort="-union_members"),
                sentence(
                    (
                        _("%(n)s new in the period"),
                        {"n": now["new_union_members"]},
                        _("new union members in the period"),
                    )
                ),
            ),
            card(
                _("New union members"),
                "new_union_members",
                self.url(sort="-new_union_members", status="all"),
                target,
            ),
            card(
                _("Reporting rate"),
                "reporting_rate_pct",
                self.url(reporting="reported"),
                # Completeness is the card's figure; timeliness beside it (DOMAIN.md "Reporting cycle").
                sentence(
                    (
                        _("%(n)s enterprises reported, %(on_time)s on time"),
                        {"n": now["reporting_enterprises"], "on_time": now["returns_on_time"]},
                        _("returns on time"),
                    ),
                    (
                        _("timeliness %(timeliness_pct)s"),
                        {"timeliness_pct": now["timeliness_pct"]},
                        _("timeliness"),
                    ),
                ),
                is_pct=True,
            ),
        ]
