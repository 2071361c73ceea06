from django.conf import settings

from zones.models import Province


def site(request):
    """The province's name for the header; it is data (provinces merge and get renamed)."""
    province = Province.objects.filter(code=settings.COVERAGE_PROVINCE).only("name").first()
    return {"province": province}
