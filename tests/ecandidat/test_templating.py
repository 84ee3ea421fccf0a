"""``{% extends %}`` with the root template's blocks listed once (ecandidat/templating.py)
renders what Django's own tag does."""

import pytest
from django.template import Context, Engine
from django.template.base import NodeList
from django.template.loader_tags import ExtendsNode

from ecandidat import templating

TEMPLATES = {
    "root.html": (
        "{% load i18n %}<title>{% block title %}Root{% endblock %}</title>"
        "{% block body %}<p>root body</p>{% block inner %}root inner{% endblock %}"
        "{% endblock %}{% block tail %}root tail{% endblock %}{% if x %}{{ x }}{% endif %}"
    ),
    "middle.html": (
        '{% extends "root.html" %}{% block title %}Middle - {{ block.super }}{% endblock %}'
        "{% block inner %}[{{ block.super }} + middle]{% endblock %}"
    ),
    "leaf.html": (
        '{% extends "middle.html" %}{% block title %}Leaf / {{ block.super }}{% endblock %}'
        "{% block inner %}leaf {{ block.super }}{% endblock %}{% block tail %}{% endblock %}"
    ),
    "other-leaf.html": '{% extends "root.html" %}{% block body %}other{% endblock %}',
    "parent-from-a-variable.html": "{% extends parent %}{% block tail %}v{% endblock %}",
}


def engine(builtins):
    return Engine(
        loaders=[
            (
                "django.template.loaders.cached.Loader",
                [("django.template.loaders.locmem.Loader", TEMPLATES)],
            )
        ],
        builtins=builtins,
        libraries={"i18n": "django.templatetags.i18n"},
    )


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_the_same_html_as_djangos_extends(name):
    ours, django = engine(["ecandidat.templating"]), engine([])
    assert type(ours.get_template("leaf.html").nodelist[0]) is templating.KeptBlocksExtendsNode
    assert type(django.get_template("leaf.html").nodelist[0]) is ExtendsNode
    for x in ("", "<x>"):
        for _ in range(2):  # the second from the kept blocks
            context = {"x": x, "parent": "middle.html"}
            assert ours.get_template(name).render(Context(context)) == django.get_template(
                name
            ).render(Context(context))


def test_the_root_is_walked_once(monkeypatch):
    """Django lists the root template's blocks by walking all of it on every render."""
    ours = engine(["ecandidat.templating"])
    walks = []
    original = NodeList.get_nodes_by_type

    def counted(self, nodetype):
        walks.append(nodetype)
        return original(self, nodetype)

    leaf = ours.get_template("leaf.html")
    leaf.render(Context())
    monkeypatch.setattr(NodeList, "get_nodes_by_type", counted)
    for _ in range(3):
        assert leaf.render(Context()).startswith("<title>Leaf / Middle - Root</title>")
    assert walks == []


def test_the_sites_templates_use_it(client):
    from django.template.loader import get_template

    assert isinstance(
        get_template("home.html").template.nodelist[0], templating.KeptBlocksExtendsNode
    )
