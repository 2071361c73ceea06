import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from enterprises.access import get_enterprise_for_user
from tests import factories as f
from zones.access import can_edit_zone, editable_zones
from zones.models import Zone

pytestmark = pytest.mark.django_db


def zone(code):
    return Zone.objects.get(code=code)


def test_editor_edits_only_own_zone(editor_bdh):
    assert can_edit_zone(editor_bdh, zone("BDH"))
    assert not can_edit_zone(editor_bdh, zone("DPM"))
    assert not can_edit_zone(editor_bdh, None)
    assert list(editable_zones(editor_bdh).values_list("code", flat=True)) == ["BDH"]


def test_viewer_edits_nothing(viewer):
    assert not can_edit_zone(viewer, zone("BDH"))
    assert not editable_zones(viewer).exists()


def test_administrator_edits_everything(administrator):
    assert can_edit_zone(administrator, zone("BEZ"))
    assert can_edit_zone(administrator, None)
    assert editable_zones(administrator).count() == 4


def test_enterprise_access_helper(editor_bdh, viewer, django_user_model):
    own, other = f.enterprise("BDH"), f.enterprise("DPM")
    assert get_enterprise_for_user(editor_bdh, own.pk, write=True) == own
    assert get_enterprise_for_user(viewer, other.pk) == other
    # Another zone's enterprise does not exist for a zone editor, to read or to write.
    with pytest.raises(Http404):
        get_enterprise_for_user(editor_bdh, other.pk)
    with pytest.raises(Http404):
        get_enterprise_for_user(editor_bdh, other.pk, write=True)
    with pytest.raises(PermissionDenied):
        get_enterprise_for_user(viewer, own.pk, write=True)
    nobody = django_user_model.objects.create_user("nobody", password="x")
    with pytest.raises(PermissionDenied):
        get_enterprise_for_user(nobody, own.pk)
    with pytest.raises(Http404):
        get_enterprise_for_user(viewer, 999999)
