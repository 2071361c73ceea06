"""Deadlines decide which returns count as on time: when one changes, the summary rows of the
periods it touches must be rebuilt (``reports.summary``)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from reports import summary
from reports.models import DeadlineOverride, DeadlineRule
from zones.models import Zone


def _all_zones():
    return [None, *Zone.objects.values_list("id", flat=True)]


@receiver(post_save, sender=DeadlineRule)
@receiver(post_delete, sender=DeadlineRule)
def deadline_rule_changed(sender, instance, **kwargs):
    summary.mark_dirty(_all_zones(), summary.summarized_years_from(0))


@receiver(post_save, sender=DeadlineOverride)
@receiver(post_delete, sender=DeadlineOverride)
def deadline_override_changed(sender, instance, **kwargs):
    summary.mark_dirty(_all_zones(), [int(instance.period[:4])])
