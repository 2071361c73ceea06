from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import (
    TARGET_NOT_POSITIVE,
    Annotation,
    PathSettings,
    Target,
    TargetIndicator,
    TargetProfile,
)
from zones.models import Province, Zone

TARGET_EXISTS = _(
    "There is already a target for “%(indicator)s” in %(year)s for %(scope)s: edit that one instead."
)
PROVINCE = _("the whole province")
INSTALLATION = _("the whole installation")
ONE_SCOPE = _("Choose a province or a zone, not both: a zone's target is already within its province.")
MIN_YEAR, MAX_YEAR = 2000, 2100


class TargetForm(forms.Form):
    """An annual target: one per indicator, year and scope (the province, or one zone; with several
    provinces, the installation, a province or a zone)."""

    indicator = forms.ChoiceField(label=_("Indicator"), choices=TargetIndicator.choices)
    zone = forms.ModelChoiceField(
        label=_("Scope"),
        queryset=Zone.objects.all(),
        required=False,
        empty_label=PROVINCE,
        help_text=_("The whole province, or one zone."),
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.all(),
        required=False,
        empty_label=INSTALLATION,
        help_text=_("Empty for the whole installation, or for a zone's target."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    value = forms.IntegerField(
        label=_("Target value"),
        min_value=1,
        max_value=2_147_483_647,
        error_messages={"min_value": TARGET_NOT_POSITIVE},
    )

    def __init__(self, *args, instance: Target | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "indicator": instance.indicator,
                    "zone": instance.zone,
                    "province": instance.province,
                    "year": instance.year,
                    "value": instance.value,
                },
            )
        super().__init__(*args, **kwargs)
        # With one province, the province is the installation: the form stays as it always was.
        self.several_provinces = Province.objects.count() > 1
        if self.several_provinces:
            self.fields["zone"].empty_label = _("the installation or a province")
            self.fields["zone"].help_text = _("Empty for the installation or a province.")
        else:
            del self.fields["province"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data.setdefault("province", None)
        if data["province"] and data["zone"]:
            raise forms.ValidationError(ONE_SCOPE, code="two_scopes")
        clash = Target.objects.filter(
            indicator=data["indicator"], year=data["year"], zone=data["zone"], province=data["province"]
        )
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                TARGET_EXISTS
                % {
                    "indicator": TargetIndicator(data["indicator"]).label,
                    "year": data["year"],
                    "scope": data["zone"]
                    or data["province"]
                    or (INSTALLATION if self.several_provinces else PROVINCE),
                },
                code="duplicate",
            )
        return data

    def save(self) -> Target:
        target = self.instance or Target()
        for name in ("indicator", "zone", "province", "year", "value"):
            setattr(target, name, self.cleaned_data[name])
        target.save()
        return target


class AnnotationForm(forms.ModelForm):
    """A dated note drawn on the trend charts: the whole province when no zone is ticked."""

    class Meta:
        model = Annotation
        fields = ["day", "title", "text", "zones"]
        widgets = {
            "day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 3}),
            "zones": forms.CheckboxSelectMultiple,
        }


class PathSettingsForm(forms.ModelForm):
    class Meta:
        model = PathSettings
        fields = ["min_reporting_pct"]


class TargetProfileForm(forms.ModelForm):
    """How a year's targets fall due: saving a year that has a profile replaces its weights."""

    class Meta:
        model = TargetProfile
        fields = ["year", "weights"]

    def validate_unique(self):
        pass  # a year given again replaces its profile (save below), never "already exists"

    def save(self, commit=True):
        profile, _created = TargetProfile.objects.update_or_create(
            year=self.cleaned_data["year"], defaults={"weights": self.cleaned_data["weights"]}
        )
        return profile
