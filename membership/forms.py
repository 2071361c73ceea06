"""Forms for the organization lifecycle. The Charter rules themselves are in ``membership.services``;
these forms add what depends on who is asking: a zone editor cannot date an event in a closed period."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enterprises import locks
from enterprises.forms import DateInput, PeopleCountField, PeopleDateField
from membership.models import PartyOrganization, PartyOrgLevel


class EventForm(forms.Form):
    """A dated event for an organization of ``zone`` (None: outside every zone)."""

    date_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.zone = user, zone

    def clean(self):
        cleaned = super().clean()
        for name in self.date_fields:
            try:
                locks.check_date(zone=self.zone, field=name, day=cleaned.get(name), user=self.user)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class PartyOrgFoundForm(EventForm):
    date_fields = ("founded_on",)

    name = forms.CharField(label=_("Name"), max_length=255)
    host_body = forms.CharField(
        label=_("Host body"),
        max_length=255,
        help_text=_("The body the organization belongs to, such as the provincial Business Association."),
    )
    level = forms.ChoiceField(label=_("Level"), choices=PartyOrgLevel.choices, initial=PartyOrgLevel.CELL)
    founded_on = PeopleDateField(label=_("Founded on"), widget=DateInput)
    founding_members = PeopleCountField(
        label=_("Official members at founding"),
        min_value=0,
        help_text=_("A party cell needs at least 3 official members."),
    )

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprise is not None:
            del self.fields["host_body"]
            self.fields["name"].initial = _("Party cell of %(enterprise)s") % {"enterprise": enterprise.name}


class UpgradeForm(EventForm):
    date_fields = ("since",)

    since = PeopleDateField(label=_("Committee since"), widget=DateInput)
    name = forms.CharField(
        label=_("Name as a committee"),
        max_length=255,
        required=False,
        help_text=_(
            "A cell usually takes the committee's name on upgrade; the old name stays in its history. "
            "Empty: the name is kept."
        ),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = organization.committee_name()


class DissolveForm(EventForm):
    date_fields = ("dissolved_on",)

    dissolved_on = PeopleDateField(label=_("Dissolved on"), widget=DateInput)


class UnionFoundForm(EventForm):
    date_fields = ("founded_on",)

    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    founded_on = PeopleDateField(label=_("Founded on"), widget=DateInput)
    founding_members = PeopleCountField(
        label=pgettext_lazy("union", "Members at founding"),
        min_value=0,
        help_text=_("A grassroots union needs at least 5 members."),
    )


class AttachForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization looking after its party members"), queryset=PartyOrganization.objects.none()
    )
    since = PeopleDateField(label=_("Since"), widget=DateInput, required=False)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        # Organizations of other bodies (the Business Association cell) first: they are the usual caretakers.
        self.fields["organization"].queryset = (
            PartyOrganization.objects.filter(dissolved_on__isnull=True)
            .exclude(host_enterprise=enterprise)
            .order_by(F("host_enterprise").asc(nulls_first=True), "name")
        )
