"""The scope options the commands share: ``--zone CODE ...`` and ``--province CODE``."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zones.models import Province, Zone


def add_scope_arguments(parser) -> None:
    parser.add_argument(
        "--zone", action="append", default=[], metavar="CODE", help="a zone code; repeat for several"
    )
    parser.add_argument(
        "--province",
        metavar="CODE",
        help="a province code (the zones' province); none: the whole installation",
    )


def scope_codes(zone: list[str], province: str | None) -> list[str] | None:
    """The zone codes of the scope, None for the whole installation (or its only province).
    With both options, the zones must lie in the province."""
    codes = sorted({code.strip().upper() for code in zone})
    unknown = sorted(set(codes) - set(Zone.objects.filter(code__in=codes).values_list("code", flat=True)))
    if unknown:
        raise CommandError(_("Unknown zone code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
    if province is None:
        return codes or None
    found = Province.objects.filter(code=province.strip().lower()).first()
    if found is None:
        raise CommandError(_("Unknown province code: %(code)s.") % {"code": province})
    own = found.scope_codes()
    if not codes:
        return own
    elsewhere = sorted(set(codes) - set(own)) if own is not None else []
    if elsewhere:
        message = _("Zone(s) %(codes)s are not in the province %(province)s.")
        raise CommandError(message % {"codes": ", ".join(elsewhere), "province": found.code})
    return codes
