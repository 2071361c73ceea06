"""Keep the summary (reports.summary) true on every write: model signals for single saves and
deletes, ``core.signals.figures_changed`` for bulk writes.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core.signals import figures_changed
from enterprises.models import Enterprise, Return
from membership.models import GrassrootsUnion, PartyOrganization
from reports import summary
from zones.models import Zone

# Enterprise fields that change indicators (name and tax code do not).
_ENTERPRISE_FIELDS = ("zone_id", "ownership", "established_on", "closed_on")


def _year(day, default):
    return day.year if day else default


def _zones_of(enterprise_ids) -> set:
    ids = {pk for pk in enterprise_ids if pk is not None}
    return set(Enterprise.objects.filter(pk__in=ids).values_list("zone_id", flat=True)) if ids else set()


@receiver(pre_save, sender=Return)
def remember_return(sender, instance, **kwargs):
    """Where the return was: moving it to another enterprise or period changes both places."""
    instance._summary_before = (
        Return.objects.filter(pk=instance.pk).values_list("enterprise_id", "period").first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Return)
@receiver(post_delete, sender=Return)
def return_changed(sender, instance, **kwargs):
    places = [
        (instance.enterprise_id, instance.period),
        getattr(instance, "_summary_before", None) or (None, None),
    ]
    zones = _zones_of(enterprise_id for enterprise_id, _period in places)
    summary.mark_dirty(zones, {int(period[:4]) for _enterprise, period in places if period})


@receiver(pre_save, sender=Enterprise)
def remember_enterprise(sender, instance, **kwargs):
    instance._summary_before = (
        Enterprise.objects.filter(pk=instance.pk).values(*_ENTERPRISE_FIELDS).first() if instance.pk else None
    )


@receiver(post_save, sender=Enterprise)
@receiver(post_delete, sender=Enterprise)
def enterprise_changed(sender, instance, **kwargs):
    before = getattr(instance, "_summary_before", None)
    now = {f: getattr(instance, f) for f in _ENTERPRISE_FIELDS}
    if before == now:
        return
    zones = [now["zone_id"]] + ([before["zone_id"]] if before else [])
    summary.mark_dirty(zones, summary.summarized_years_from(0))


def _organization_changed(instance, enterprise_ids, dates):
    """An organization counts in its host enterprise's figures (another body's in none): the host
    before and after a move both change, from the first year either's dates touch."""
    zones = _zones_of(enterprise_ids)
    if zones:
        first = min(_year(d, 9999) for d in dates)
        summary.mark_dirty(zones, summary.summarized_years_from(first))


_HOST = {PartyOrganization: "host_enterprise_id", GrassrootsUnion: "enterprise_id"}


@receiver(pre_save, sender=PartyOrganization)
@receiver(pre_save, sender=GrassrootsUnion)
def remember_dates(sender, instance, **kwargs):
    before = (
        sender.objects.filter(pk=instance.pk).values("founded_on", "dissolved_on", _HOST[sender]).first()
        if instance.pk
        else None
    )
    instance._summary_host = before.pop(_HOST[sender]) if before else None
    instance._summary_dates = list(before.values()) if before else []


@receiver(post_save, sender=PartyOrganization)
@receiver(post_delete, sender=PartyOrganization)
def party_organization_changed(sender, instance, **kwargs):
    dates = [instance.founded_on, instance.dissolved_on, *getattr(instance, "_summary_dates", [])]
    hosts = [instance.host_enterprise_id, getattr(instance, "_summary_host", None)]
    _organization_changed(instance, hosts, dates)


@receiver(post_save, sender=GrassrootsUnion)
@receiver(post_delete, sender=GrassrootsUnion)
def union_changed(sender, instance, **kwargs):
    dates = [instance.founded_on, instance.dissolved_on, *getattr(instance, "_summary_dates", [])]
    _organization_changed(instance, [instance.enterprise_id, getattr(instance, "_summary_host", None)], dates)


@receiver(figures_changed)
def bulk_write(sender, zone_ids, years=(), since_year=None, **kwargs):
    years = set(years)
    if since_year is not None:
        years.update(summary.summarized_years_from(since_year))
    summary.mark_dirty(zone_ids, years)


@receiver(pre_save, sender=Zone)
def remember_zone_groups(sender, instance, **kwargs):
    instance._summary_groups = (
        Zone.objects.filter(pk=instance.pk).values_list("collects_party", "collects_union").first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Zone)
def zone_groups_changed(sender, instance, created, **kwargs):
    """Which groups a zone collects decides what its summary rows count: rebuild them all."""
    before = getattr(instance, "_summary_groups", None)
    if before is not None and before != (instance.collects_party, instance.collects_union):
        summary.mark_dirty([instance.pk], summary.summarized_years_from(0))
