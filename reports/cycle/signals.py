"""Deadlines decide which returns count as on time: when one changes, the summary rows of the
periods it decides are rebuilt (``reports.engine.summary``), in the same transaction."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.periods import Period
from reports.engine import summary
from reports.models import DeadlineOverride, DeadlineRule
from zones.models import ReportingFrequency

_KIND = {ReportingFrequency.QUARTER: "Q", ReportingFrequency.HALF: "S", ReportingFrequency.YEAR: "Y"}


@receiver(post_save, sender=DeadlineRule)
@receiver(post_delete, sender=DeadlineRule)
def deadline_rule_changed(sender, instance, **kwargs):
    summary.build_whole(p for p in summary.summarized_periods() if p.kind == _KIND[instance.length])


@receiver(post_save, sender=DeadlineOverride)
@receiver(post_delete, sender=DeadlineOverride)
def deadline_override_changed(sender, instance, **kwargs):
    period = Period.parse(instance.period)
    if summary.summarized(period):
        summary.build_whole([period])
