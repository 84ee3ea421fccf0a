"""The admin's app list (navigation sidebar, index) is written in Python by
ecandidat.admin_tags: it must be exactly what Django's own admin/app_list.html renders."""

from pathlib import Path

import pytest
from django.contrib import admin
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from tests.factories import CentreFactory, UserFactory, centre_staff

pytestmark = pytest.mark.django_db

DJANGO_APP_LIST = (
    Path(admin.__file__).parent / "templates" / "admin" / "app_list.html"
).read_text()


def _both(user, path, show_changelinks, language, apps=None):
    request = RequestFactory().get(path)
    request.user = user
    with translation.override(language):
        app_list = admin.site.get_app_list(request) if apps is None else apps
        context = {"app_list": app_list, "show_changelinks": show_changelinks, "request": request}
        engine = engines["django"]
        ours = engine.get_template("admin/app_list.html").render(context)
        django = engine.from_string(DJANGO_APP_LIST).render(context)
    return ours, django


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("show_changelinks", [False, True])
@pytest.mark.parametrize(
    "path",
    ["/admin/", "/admin/candidatures/candidature/", "/admin/candidatures/", "/admin/audit/"],
)
def test_app_list_is_the_one_django_renders(language, show_changelinks, path):
    superuser = UserFactory(staff=True)
    ours, django = _both(superuser, path, show_changelinks, language)
    assert ours == django
    assert ours.count('<tr class="model-') > 10


@pytest.mark.parametrize("language", ["fr", "en"])
def test_app_list_of_centre_staff_and_of_nobody(language):
    """Centre staff see fewer models, some view-only and without an "add" link; somebody with
    no model gets Django's sentence."""
    staff = centre_staff(CentreFactory())
    ours, django = _both(staff, "/admin/candidatures/candidature/", True, language)
    assert ours == django
    assert "viewlink" in ours and "changelink" in ours
    ours, django = _both(staff, "/admin/", False, language, apps=[])
    assert ours == django
    assert "<p>" in ours


def test_app_list_escapes_like_django():
    """Labels go through the same escaping (a hostile verbose name, no request)."""
    apps = [
        {
            "name": "<b>Apps & co</b>",
            "app_label": "x<y",
            "app_url": "/admin/x/?a=1&b=2",
            "has_module_perms": True,
            "models": [
                {
                    "name": "Mo\"del's",
                    "object_name": "Model<X>",
                    "perms": {},
                    "admin_url": None,
                    "add_url": "/admin/x/add/?q=<",
                    "view_only": True,
                }
            ],
        }
    ]
    engine = engines["django"]
    context = {"app_list": apps, "show_changelinks": True}
    ours = engine.get_template("admin/app_list.html").render(context)
    assert ours == engine.from_string(DJANGO_APP_LIST).render(context)
    assert "&lt;b&gt;Apps &amp; co&lt;/b&gt;" in ours


def _django_app_list(request):
    """Django's own AdminSite.get_app_list (a reverse() per URL, lazy names)."""
    return admin.AdminSite.get_app_list(admin.site, request)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_app_list_data_is_djangos(language):
    """The site's app list (URLs reversed once per process) holds what Django's gives: the
    same apps, models, permissions and URLs in the same order, for a superuser and for
    centre staff (fewer models, some view-only)."""
    for user in (UserFactory(staff=True), centre_staff(CentreFactory())):
        request = RequestFactory().get("/admin/")
        request.user = user
        with translation.override(language):
            ours, django = admin.site.get_app_list(request), _django_app_list(request)
            assert [str(a["name"]) for a in ours] == [str(a["name"]) for a in django]
            for app, expected in zip(ours, django, strict=True):
                assert {k: v for k, v in app.items() if k not in ("name", "models")} == {
                    k: v for k, v in expected.items() if k not in ("name", "models")
                }
                for model, want in zip(app["models"], expected["models"], strict=True):
                    assert {**model, "name": str(model["name"])} == {
                        **want,
                        "name": str(want["name"]),
                    }


def test_app_list_urls_follow_the_script_prefix():
    """The URLs kept per process are kept per script prefix: a site mounted under /sub/
    links under /sub/, and back at / links at / again."""
    from django.urls import set_script_prefix

    request = RequestFactory().get("/admin/")
    request.user = UserFactory(staff=True)
    before = admin.site.get_app_list(request)[0]["app_url"]
    set_script_prefix("/sub/")
    try:
        under = admin.site.get_app_list(request)
        assert under[0]["app_url"] == "/sub" + before
        assert all(m["admin_url"].startswith("/sub/admin/") for m in under[0]["models"])
    finally:
        set_script_prefix("/")
    assert admin.site.get_app_list(request)[0]["app_url"] == before
