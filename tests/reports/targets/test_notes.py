"""Notes on the charts: administrators list, add and edit them on one page, with their history;
the projection's threshold is set there too."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from reports.models import Annotation, PathSettings
from zones.models import Zone

pytestmark = pytest.mark.django_db


def test_only_administrators_manage_notes(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("note-list")).status_code == 403


def test_an_administrator_adds_a_note_for_a_zone(client, administrator):
    client.force_login(administrator)
    dpm = Zone.objects.get(code="DPM")
    response = client.post(
        reverse("note-list"),
        {"form": "note", "day": "2024-05-19", "title": "Directive 33-CT/TW", "text": "", "zones": [dpm.pk]},
    )
    assert response.status_code == 302
    note = Annotation.objects.get()
    assert (note.day, note.title, list(note.zones.all())) == (
        dt.date(2024, 5, 19),
        "Directive 33-CT/TW",
        [dpm],
    )
    page = client.get(reverse("note-list")).content.decode()
    assert "Directive 33-CT/TW" in page and ">DPM<" in page


def test_a_note_without_a_title_is_refused_with_the_field_named(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("note-list"), {"form": "note", "day": "2024-05-19", "title": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"title": ["This field is required."]}
    assert not Annotation.objects.exists()


def test_editing_a_note_keeps_its_history(client, administrator):
    note = Annotation.objects.create(day=dt.date(2024, 5, 1), title="Recruitment month")
    client.force_login(administrator)
    url = reverse("note-edit", args=[note.pk])
    client.post(url, {"day": "2024-05-01", "title": "Union recruitment month", "text": "All zones"})
    note.refresh_from_db()
    assert note.title == "Union recruitment month"
    assert [record.title for record in note.history.order_by("-history_id")] == [
        "Union recruitment month",
        "Recruitment month",
    ]
    page = client.get(url).content.decode()
    assert page.count("ecruitment month</td>") == 2


def test_the_projection_threshold_is_set_on_the_page(client, administrator):
    client.force_login(administrator)
    assert PathSettings.current().min_reporting_pct == 80
    client.post(reverse("note-list"), {"form": "settings", "min_reporting_pct": "95"})
    assert PathSettings.current().min_reporting_pct == 95
    response = client.post(reverse("note-list"), {"form": "settings", "min_reporting_pct": "101"})
    assert "min_reporting_pct" in response.context["settings_form"].errors
    assert PathSettings.objects.count() == 1


def test_the_settings_are_one_row_and_a_second_is_refused(client, administrator):
    client.force_login(administrator)
    client.post(reverse("note-list"), {"form": "settings", "min_reporting_pct": "90"})
    for second in ({}, {"id": 2}):
        with pytest.raises(IntegrityError), transaction.atomic():
            PathSettings.objects.create(min_reporting_pct=50, **second)
    assert list(PathSettings.objects.values_list("id", "min_reporting_pct")) == [(1, 90)]
    # The admin edits that row and offers no second.
    assert client.get(reverse("admin:reports_pathsettings_add")).status_code == 403
    assert client.get(reverse("admin:reports_pathsettings_change", args=[1])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_row_the_pages_read():
    executor = MigrationExecutor(connection)
    executor.migrate([("reports", "0024_enterprise_table")])
    old = executor.loader.project_state([("reports", "0024_enterprise_table")]).apps
    Settings = old.get_model("reports", "PathSettings")
    Settings.objects.create(id=5, min_reporting_pct=90)  # the first row: the one current() read
    Settings.objects.create(id=7, min_reporting_pct=60)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(PathSettings.objects.values_list("id", "min_reporting_pct")) == [(1, 90)]


def test_a_profile_needs_4_or_12_weights():
    from django.core.exceptions import ValidationError

    from reports.models import PROFILE_INVALID, TargetProfile

    assert TargetProfile(year=2024, weights="1, 1, 2, 3").parsed() == [1, 1, 2, 3]
    for weights in ("1,2,3", "0,0,0,0", "1,-1,1,1", "a,b,c,d"):
        with pytest.raises(ValidationError) as refused:
            TargetProfile(year=2024, weights=weights).clean()
        assert refused.value.message_dict == {"weights": [str(PROFILE_INVALID)]}


def test_the_admin_lists_profiles_and_notes(client, administrator):
    client.force_login(administrator)
    for name in ("targetprofile", "pathsettings", "annotation"):
        assert client.get(reverse(f"admin:reports_{name}_changelist")).status_code == 200


def test_an_administrator_sets_a_years_profile_on_the_page_and_a_second_one_replaces_it(
    client, administrator
):
    from reports.models import PROFILE_INVALID, TargetProfile

    client.force_login(administrator)
    url = reverse("note-list")
    assert client.post(url, {"form": "profile", "year": "2024", "weights": "1,2,3,4"}).status_code == 302
    assert client.post(url, {"form": "profile", "year": "2024", "weights": "1,1,1,2"}).status_code == 302
    assert list(TargetProfile.objects.values_list("year", "weights")) == [(2024, "1,1,1,2")]
    assert TargetProfile.objects.weights_for(2024) == [1, 1, 1, 2]
    assert [h.weights for h in TargetProfile.history.order_by("history_date")] == ["1,2,3,4", "1,1,1,2"]
    refused = client.post(url, {"form": "profile", "year": "2025", "weights": "1,2,3"})
    assert refused.status_code == 200
    assert refused.context["profile_form"].errors == {"weights": [str(PROFILE_INVALID)]}
    assert not TargetProfile.objects.filter(year=2025).exists()
    assert "2024: 1,1,1,2" in client.get(url).content.decode()
