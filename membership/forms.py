"""Forms for the organization lifecycle. The Charter rules themselves are in ``membership.services``;
these forms add what depends on who is asking: a zone editor cannot date an event in a closed period."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from enterprises import locks
from enterprises.forms import DateInput
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
    founded_on = forms.DateField(label=_("Founded on"), widget=DateInput)
    founding_members = forms.IntegerField(
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

    since = forms.DateField(label=_("Committee since"), widget=DateInput)


class DissolveForm(EventForm):
    date_fields = ("dissolved_on",)

    dissolved_on = forms.DateField(label=_("Dissolved on"), widget=DateInput)


class UnionFoundForm(EventForm):
    date_fields = ("founded_on",)

    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    founded_on = forms.DateField(label=_("Founded on"), widget=DateInput)
    founding_members = forms.IntegerField(
        label=_("Members at founding"),
        min_value=0,
        help_text=_("A grassroots union needs at least 5 members."),
    )


class AttachForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization looking after its party members"), queryset=PartyOrganization.objects.none()
    )
    since = forms.DateField(label=_("Since"), widget=DateInput, required=False)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        # Organizations of other bodies (the Business Association cell) first: they are the usual caretakers.
        self.fields["organization"].queryset = (
            PartyOrganization.objects.filter(dissolved_on__isnull=True)
            .exclude(host_enterprise=enterprise)
            .order_by(F("host_enterprise").asc(nulls_first=True), "name")
        )
