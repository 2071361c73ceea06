"""Writing the demo data set without ever reverting a person's change (``seed_demo``, every ``make run``)."""

from __future__ import annotations

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

# The change reason of the demo's own history records: any other record is a person's change.
DEMO_REASON = "demo data"


def sync(model, key_fields, rows, existing) -> tuple[int, int]:
    """Create the missing rows and update those that differ; returns (created, updated).

    A record a person changed (or deleted) since the demo loaded it keeps that person's version: its
    history has a record the demo did not write. Every record the demo writes gets a history record,
    so that a person's first change reads as a difference.
    """
    touched = {
        tuple(key)
        for key in model.history.exclude(history_change_reason=DEMO_REASON).values_list(*key_fields)
    }
    by_key = {tuple(getattr(obj, f) for f in key_fields): obj for obj in existing}
    to_create, to_update, changed = [], [], set()
    for row in rows:
        key = tuple(row[f] for f in key_fields)
        if key in touched:
            continue
        obj = by_key.get(key)
        if obj is None:
            to_create.append(model(**row))
            continue
        differing = [f for f, value in row.items() if getattr(obj, f) != value]
        if differing:
            for f in differing:
                setattr(obj, f, row[f])
            changed.update(differing)
            to_update.append(obj)
    # Field validators (tax codes, periods, choices) without a query per row; the database checks
    # the constraints, and the plan never overlaps two returns.
    relations = [f.name for f in model._meta.fields if f.is_relation]
    for obj in to_create + to_update:
        obj.clean_fields(exclude=relations)
    bulk_create_with_history(to_create, model, batch_size=500, default_change_reason=DEMO_REASON)
    if to_update:
        if "name" in changed and hasattr(obj, "search_name"):
            changed.add("search_name")
            for obj in to_update:
                obj.search_name = model._meta.get_field("search_name").pre_save(obj, add=False)
        bulk_update_with_history(
            to_update, model, sorted(changed), batch_size=500, default_change_reason=DEMO_REASON
        )
    # Records of a database seeded before the demo kept history get their first record now.
    unrecorded = list(existing.exclude(pk__in=model.history.values("id")))
    model.history.bulk_history_create(unrecorded, default_change_reason=DEMO_REASON)
    return len(to_create), len(to_update)
