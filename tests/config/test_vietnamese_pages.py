"""Every page in Vietnamese, as a viewer, a zone editor and an administrator would open it on the
demo: no English string of the catalog left untranslated in what a person reads (text, tooltips,
labels), no English role name and no English demo name ("Enterprise BDH-017")."""

import datetime as dt
import re
from html.parser import HTMLParser

import polib
import pytest
from django.conf import settings
from django.urls import get_resolver, reverse

from enterprises.models import Enterprise, PeriodLock
from membership.models import GrassrootsUnion, PartyOrganization
from reports.models import Annotation, Target
from reports.sample import demo
from tests.config.test_security import every_url
from tests.helpers import import_row, upload, uploaded_token, write_csv

pytestmark = pytest.mark.django_db

# What a person never reads in a page: POSTs, files, JSON, Django's own admin and language views.
NOT_PAGES = {
    "logout",
    "logout-everywhere",
    "set_language",
    "healthz",
    "enterprise-export",
    "report-download",
    "report-document",
    "report-version",
    "import-template",
    "import-confirm",
    "import-cancel",
    "period-lock-reopen",
    "enterprise-detach",
    "reporting-step",
    "flag-check",
    "api-indicators",
    "api-periods",
    "api-zones",
    "api-enterprises",
}
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
SKIPPED = ("script", "style", "code")  # <code>: a file's column names and values, the same in any language
ENGLISH_ROLES = re.compile(r"(?<![\w-])(viewer|zone editor|administrator)(?![\w-])", re.I)
ENGLISH_DEMO = re.compile(r"\bEnterprise [A-Z]{2,3}-|\(closed\)")


class Visible(HTMLParser):
    """The text nodes and the attributes a person reads (tooltips, labels, button values)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self._skip += 1
        shown = [*ATTRIBUTES, "value"] if dict(attrs).get("type") in ("submit", "button") else ATTRIBUTES
        self.parts += [value for name, value in attrs if name in shown and value]

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data)


def visible(content: str) -> list[str]:
    # Each language is named in itself in the switcher ("English"): by design, not a leak.
    content = re.sub(r'<form[^>]*class="language-switcher".*?</form>', "", content, flags=re.S)
    parser = Visible()
    parser.feed(content)
    return [" ".join(part.split()) for part in parser.parts]


def english_msgids() -> tuple[set[str], list[str]]:
    """The catalog's English strings whose Vietnamese differs: whole ones (a text node or an
    attribute that is exactly one), and the sentences (four words or more) to look for anywhere."""
    po = polib.pofile(str(settings.BASE_DIR / "locale/vi/LC_MESSAGES/django.po"))
    whole, sentences = set(), []
    for entry in po:
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            if entry.msgstr == msgid or not re.search("[a-z]{3}", msgid):
                continue  # the same in both languages ("PDF", "CSV"), or no word to read
            if "%" in msgid or "{" in msgid:
                msgid = re.split(r"%\(\w+\)\w|%\w|\{\w*\}", msgid)[0].strip()  # the words before a value
            if msgid:
                whole.add(msgid)
                if len(msgid.split()) >= 4:
                    sentences.append(msgid)
    return whole, sentences


@pytest.fixture
def demo_world(db, tmp_path, settings):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
    demo.seed()
    bdh = Enterprise.objects.filter(zone__code="BDH")
    organization = PartyOrganization.objects.filter(host_enterprise__zone__code="BDH").first()
    union = GrassrootsUnion.objects.filter(enterprise__zone__code="BDH").first()
    bare = bdh.exclude(party_organizations__isnull=False).exclude(unions__isnull=False).first()
    lock = PeriodLock.objects.first() or PeriodLock.objects.create(zone=bdh[0].zone, period="2020")
    target = Target.objects.first()
    note = Annotation.objects.create(day=dt.date(2024, 5, 19), title="Chỉ thị 33-CT/TW")
    pk = {
        "enterprise-detail": bdh[0].pk,
        "enterprise-history": bdh[0].pk,
        "enterprise-edit": bdh[0].pk,
        "enterprise-close": bdh[0].pk,
        "enterprise-organizations": organization.host_enterprise_id,
        "organization-detail": organization.pk,
        "party-org-found": bare.pk,
        "union-found": bare.pk,
        "enterprise-attach": bare.pk,
        "party-org-upgrade": organization.pk,
        "party-org-dissolve": organization.pk,
        "union-dissolve": union.pk,
        "target-edit": target.pk,
        "note-edit": note.pk,
        "period-lock-reopen": lock.pk,
    }
    return {"pk": pk, "csv": write_csv(tmp_path / "returns.csv", [import_row()])}


def kwargs_for(name: str, pattern, world) -> dict:
    values = {
        "code": "lao-cai" if name == "province-detail" else "BDH",
        "kind": "industrial_zone",
        "period": "2024S1",
        "zone": "BDH",
        "pk": world["pk"].get(name),
        "enterprise": world["pk"]["enterprise-detail"],
        "field": "union_members",
    }
    return {key: values[key] for key in pattern.pattern.converters}


def pages(world, client) -> list[str]:
    """Every page of the URLconf with sample arguments from the demo (and a dashboard's other period)."""
    urls = []
    for _route, path in every_url():
        if path.startswith(("/admin/", "/api/")):
            continue
        match = get_resolver().resolve(path)
        name = match.url_name
        if name in NOT_PAGES:
            continue
        pattern = next(p for p in _patterns() if p.name == name)
        if name == "import-preview":
            response = upload(client, world["csv"])  # a viewer may not: 403, and no preview
            if response.status_code == 302:
                urls.append(reverse(name, args=[uploaded_token(response)]))
            continue
        urls.append(reverse(name, kwargs=kwargs_for(name, pattern, world)))
    return [*urls, "/zones/BDH/?period=2020S2", "/?period=2020S2", "/enterprises/?period=2020S2"]


def _patterns():
    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns)
            else:
                yield pattern

    return list(walk(get_resolver().url_patterns))


def test_every_url_is_a_page_here_or_listed_as_none():
    names = {p.name for p in _patterns() if p.name}
    assert NOT_PAGES <= names


@pytest.mark.parametrize("username", ["demo-viewer", "demo-editor-bdh", "demo-admin"])
def test_every_page_reads_in_vietnamese(client, demo_world, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    whole, sentences = english_msgids()
    read = 0
    for url in pages(demo_world, client):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi", follow=True)
        if response.status_code == 403 or not response["Content-Type"].startswith("text/html"):
            continue  # a page this role may not open says so, in Vietnamese (tests/config/test_i18n.py)
        assert response.status_code == 200, url
        read += 1
        parts = visible(response.content.decode())
        text = " ".join(parts)
        assert [part for part in parts if part in whole] == [], url
        assert [s for s in sentences if s in text] == [], url
        assert ENGLISH_ROLES.findall(text) == [], url
        assert ENGLISH_DEMO.findall(text) == [], url
    assert read >= {"demo-viewer": 15, "demo-editor-bdh": 30, "demo-admin": 35}[username]
