"""Keep the summary (reports.engine.summary) exact on every write, in the write's own transaction.

Single saves and deletes send model signals: the pre_* receiver takes the touched enterprises'
figures, the post_* one adds the difference (``summary.Upkeep``). Nothing cascades onto these rows
(every foreign key to an enterprise protects it), so each pair stands alone. Bulk writes wrap
themselves in ``core.signals.changing_figures``; the model signals their own saves send are covered
by that upkeep and skipped here.
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from core.signals import figures_changed, figures_changing, in_bulk_write
from enterprises.models import Enterprise, Return
from membership.models import GrassrootsUnion, PartyOrganization
from reports.engine import summary, version
from zones.models import Zone

# Enterprise fields that change indicators (name and tax code do not).
_ENTERPRISE_FIELDS = ("zone_id", "ownership", "established_on", "closed_on")
_EVERY_YEAR = 0

version.watch()


def _finish(instance, **finish):
    upkeep = instance.__dict__.pop("_summary_upkeep", None)
    if upkeep is not None:
        upkeep.finish(**finish)


@receiver(pre_save, sender=Return)
@receiver(pre_delete, sender=Return)
def before_return(sender, instance, **kwargs):
    """Where the return was and is: moving it to another enterprise or period changes both places."""
    if in_bulk_write():
        return
    places = {(instance.enterprise_id, instance.period)}
    if instance.pk:
        places |= set(Return.objects.filter(pk=instance.pk).values_list("enterprise_id", "period"))
    instance._summary_upkeep = summary.Upkeep(
        {enterprise for enterprise, _period in places}, years={int(period[:4]) for _e, period in places}
    )


@receiver(post_save, sender=Return)
def after_return(sender, instance, **kwargs):
    _finish(instance, written_periods=[instance.period])


@receiver(post_delete, sender=Return)
def after_return_deleted(sender, instance, **kwargs):
    _finish(instance, written_periods=[])


@receiver(pre_save, sender=Enterprise)
@receiver(pre_delete, sender=Enterprise)
def before_enterprise(sender, instance, **kwargs):
    if in_bulk_write():
        return
    if not instance.pk:
        instance._summary_upkeep = summary.Upkeep((), since_year=_EVERY_YEAR)
        return
    before = Enterprise.objects.filter(pk=instance.pk).values(*_ENTERPRISE_FIELDS).first()
    now = {f: getattr(instance, f) for f in _ENTERPRISE_FIELDS}
    if before != now or kwargs.get("signal") is pre_delete:
        instance._summary_upkeep = summary.Upkeep({instance.pk}, since_year=_EVERY_YEAR)


@receiver(post_save, sender=Enterprise)
def after_enterprise(sender, instance, created, **kwargs):
    _finish(instance, created=[instance.pk] if created else [])


@receiver(post_delete, sender=Enterprise)
def after_enterprise_deleted(sender, instance, **kwargs):
    _finish(instance)


def _year(day):
    return day.year if day else 9999


@receiver(pre_save, sender=PartyOrganization)
@receiver(pre_save, sender=GrassrootsUnion)
@receiver(pre_delete, sender=PartyOrganization)
@receiver(pre_delete, sender=GrassrootsUnion)
def before_organization(sender, instance, **kwargs):
    """An organization counts in its host enterprise's figures (another body's in none): the hosts
    before and after a move both change, from the first year any of its dates touches."""
    if in_bulk_write():
        return
    host = sender.HOST
    places = [(getattr(instance, host), instance.founded_on, instance.dissolved_on)]
    if instance.pk:
        places += list(sender.objects.filter(pk=instance.pk).values_list(host, "founded_on", "dissolved_on"))
    hosts = {h for h, _founded, _dissolved in places if h is not None}
    if hosts:
        first = min(_year(day) for _h, *days in places for day in days)
        instance._summary_upkeep = summary.Upkeep(hosts, since_year=first)


@receiver(post_save, sender=PartyOrganization)
@receiver(post_save, sender=GrassrootsUnion)
@receiver(post_delete, sender=PartyOrganization)
@receiver(post_delete, sender=GrassrootsUnion)
def after_organization(sender, instance, **kwargs):
    _finish(instance)


@receiver(figures_changing)
def before_bulk_write(sender, change, **kwargs):
    change.notes["summary"] = summary.Upkeep(change.enterprise_ids, change.years, change.since_year)


@receiver(figures_changed)
def after_bulk_write(sender, change, **kwargs):
    change.statistics_fresh |= change.notes["summary"].finish(created=change.notes.get("created", ()))


@receiver(pre_save, sender=Zone)
def remember_zone_groups(sender, instance, **kwargs):
    instance._summary_groups = (
        Zone.objects.filter(pk=instance.pk)
        .values_list("collects_party", "collects_union", "province_id")
        .first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Zone)
def zone_groups_changed(sender, instance, created, **kwargs):
    """Which groups a zone collects decides what its summary rows count: rebuild them all; its
    province, which province rows they add to: roll them up again."""
    before = getattr(instance, "_summary_groups", None)
    if before is None:
        return
    if before[:2] != (instance.collects_party, instance.collects_union):
        summary.build_zone(instance.pk, summary.summarized_periods())
    elif before[2] != instance.province_id:
        summary.roll_up(summary.summarized_periods())
