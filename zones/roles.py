"""The three roles, kept as Django groups so that permissions stay data an administrator can change."""

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEWER = "viewer", _("viewer")
    ZONE_EDITOR = "zone_editor", _("zone editor")
    ADMINISTRATOR = "administrator", _("administrator")


# Model permissions each role's group receives (app_label, codename prefixes, models).
_READ = ["view"]
_WRITE = ["view", "add", "change"]
ROLE_PERMISSIONS = {
    Role.VIEWER: {
        "zones": {"zone": _READ},
        "enterprises": {"enterprise": _READ, "return": _READ, "periodlock": _READ},
        "membership": {
            "partyorganization": _READ,
            "partyorganizationlevel": _READ,
            "grassrootsunion": _READ,
            "organizationreturn": _READ,
            "attachment": _READ,
        },
        "reports": {"target": _READ},
    },
    Role.ZONE_EDITOR: {
        "zones": {"zone": _READ},
        "enterprises": {"enterprise": _WRITE, "return": _WRITE, "periodlock": _READ},
        "membership": {
            "partyorganization": _WRITE,
            "partyorganizationlevel": _WRITE,
            "grassrootsunion": _WRITE,
            "organizationreturn": _WRITE,
            "attachment": _WRITE + ["delete"],
        },
        "reports": {"target": _READ},
    },
    Role.ADMINISTRATOR: {
        "zones": {
            "zone": _WRITE,
            "province": _WRITE,
            "zoneeditor": _WRITE + ["delete"],
            "provincelimit": _WRITE + ["delete"],
        },
        "enterprises": {"enterprise": _WRITE, "return": _WRITE, "periodlock": _WRITE + ["delete"]},
        "membership": {
            "partyorganization": _WRITE,
            "partyorganizationlevel": _WRITE,
            "grassrootsunion": _WRITE,
            "organizationreturn": _WRITE,
            "attachment": _WRITE + ["delete"],
        },
        "reports": {
            "target": _WRITE + ["delete"],
            "exportlog": _READ,
            "reviewthreshold": _WRITE,
            "reportheading": _WRITE,  # the periodic report's heading and template, per province
            "reportversion": _READ,
            "targetprofile": _WRITE + ["delete"],  # the targets' paths (issue 32)
            "pathsettings": _WRITE,
            "annotation": _WRITE + ["delete"],
        },
        "auth": {"user": _WRITE, "group": ["view"]},
    },
}


# Permissions that are not about one model's rows (app_label, codename).
EXTRA_PERMISSIONS = {
    Role.VIEWER: [("reports", "export_reports")],
    Role.ADMINISTRATOR: [
        ("reports", "export_reports"),
        ("zones", "add_apitoken"),
        ("zones", "view_apitoken"),
        ("zones", "change_apitoken"),
    ],
}


# Rights an administrator may withdraw from a role (in the admin, on the role's group): a migration
# grants them once (reports/migrations/0007_grant_exports.py), and refreshing the groups keeps
# whatever the group holds of them, never giving a withdrawn one back.
WITHDRAWABLE = {("reports", "export_reports")}
# Groups created by a refresh that ran before every app's permissions existed (a flushed test
# database): they get their withdrawable rights on a later refresh of the same run.
_new_groups: set[int] = set()


def ensure_role_groups(**kwargs):
    """Create or refresh the role groups; connected to post_migrate so a fresh database has them."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    for role, apps in ROLE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=role.value)
        held = set(group.permissions.values_list("content_type__app_label", "codename"))
        wanted = []
        for models_ in apps.values():
            for model, actions in models_.items():
                wanted += [f"{action}_{model}" for action in actions]
        perms = Permission.objects.filter(content_type__app_label__in=list(apps), codename__in=wanted)
        extra = Q()
        for app_label, codename in EXTRA_PERMISSIONS.get(role, []):
            if (app_label, codename) not in WITHDRAWABLE:
                extra |= Q(content_type__app_label=app_label, codename=codename)
        # A new group (a fresh or flushed database) starts with the role's withdrawable rights.
        if created:
            _new_groups.add(group.pk)
        granted = {right for right in EXTRA_PERMISSIONS.get(role, []) if right in WITHDRAWABLE}
        for app_label, codename in granted if group.pk in _new_groups else held & WITHDRAWABLE:
            extra |= Q(content_type__app_label=app_label, codename=codename)
        if group.pk in _new_groups and all(
            Permission.objects.filter(content_type__app_label=a, codename=c).exists() for a, c in granted
        ):
            _new_groups.discard(group.pk)
        if extra:
            perms = perms | Permission.objects.filter(extra)
        group.permissions.set(perms)


def role_of(user) -> Role | None:
    """The user's strongest role; looked up once per user object (i.e. once per request)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    if not hasattr(user, "_coverage_role"):
        # The groups and the province limit (zones.access) in one query: a page costs no more for it.
        users = get_user_model().objects.filter(pk=user.pk)
        rows = list(users.values_list("groups__name", "province_limit__province_id"))
        names = {name for name, _province in rows}
        user._coverage_province_id = rows[0][1] if rows else None
        strongest_first = (Role.ADMINISTRATOR, Role.ZONE_EDITOR, Role.VIEWER)
        user._coverage_role = next((role for role in strongest_first if role.value in names), None)
    return user._coverage_role


def province_limit_id(user) -> int | None:
    """The province a user is limited to (``zones.ProvinceLimit``), or None. Superusers never are."""
    if role_of(user) is None or user.is_superuser:
        return None
    return user._coverage_province_id


def is_administrator(user) -> bool:
    return role_of(user) == Role.ADMINISTRATOR
