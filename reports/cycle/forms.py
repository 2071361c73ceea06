"""The data-quality page's form: marking a flagged value as checked."""

from django import forms
from django.utils.translation import gettext_lazy as _


class FlagCheckForm(forms.Form):
    """Which flagged value is marked as checked (the fields of ``reports.cycle.quality.Flag.key``),
    and why."""

    key = forms.CharField(max_length=200)
    kind = forms.CharField(max_length=40)
    enterprise = forms.IntegerField(min_value=1)
    period = forms.CharField(max_length=6, required=False)
    field = forms.CharField(max_length=40)
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False)
    next = forms.CharField(max_length=500, required=False)

    def clean(self):
        cleaned = super().clean()
        parts = [cleaned.get(n) for n in ("kind", "enterprise", "period", "field")]
        if None not in parts and cleaned.get("key") != f"{parts[0]}:{parts[1]}::{parts[2]}:{parts[3]}":
            raise forms.ValidationError(_("This flag does not match its value."))
        return cleaned
