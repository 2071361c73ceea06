"""The scope options the commands share: ``--zone CODE ...`` and ``--province CODE``."""

from django.core.management.base import CommandError

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
        raise CommandError(f"Unknown zone code(s): {', '.join(unknown)}.")
    if province is None:
        return codes or None
    found = Province.objects.filter(code=province.strip().lower()).first()
    if found is None:
        raise CommandError(f"Unknown province code: {province}.")
    own = found.scope_codes()
    if not codes:
        return own
    elsewhere = sorted(set(codes) - set(own)) if own is not None else []
    if elsewhere:
        raise CommandError(f"Zone(s) {', '.join(elsewhere)} are not in the province {found.code}.")
    return codes
