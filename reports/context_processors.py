from django.conf import settings

from zones.models import Province
from zones.roles import Role, role_of


def site(request):
    """The province's name for the header (it is data: provinces merge and get renamed) and the role."""
    province = Province.objects.filter(code=settings.COVERAGE_PROVINCE).only("name", "illustrative").first()
    role = role_of(request.user) if hasattr(request, "user") else None
    return {
        "province": province,
        "role": role,
        "can_edit": role in (Role.ZONE_EDITOR, Role.ADMINISTRATOR),
        "is_administrator": role == Role.ADMINISTRATOR,
    }
