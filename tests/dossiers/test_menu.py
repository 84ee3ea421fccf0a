"""``{% dossier_menu %}`` writes the bytes of the loop it replaces (``dossiers/_menu.html``),
FR and EN, for every state a section shows (locked, read only, complete, to do), the current
one marked, whatever page is current."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from dossiers.templatetags.dossier_menu import dossier_menu
from dossiers.views import SECTION_ORDER, _context
from tests.factories import DossierFactory, PersonalInfoFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("unlocked", [False, True])
def test_the_menu_written_in_python_is_the_templates(language, unlocked):
    dossier = DossierFactory()
    if unlocked:
        PersonalInfoFactory(dossier=dossier)
    with translation.override(language):
        for current in ["overview", *SECTION_ORDER]:
            context = _context(dossier, current)
            reference = render_to_string("dossiers/_menu.html", context)
            assert dossier_menu(context["menu"], current) == reference.removesuffix("\n")
            states = {(s.locked, s.read_only, s.complete) for s, _url in context["menu"] if s.key}
            assert len(states) >= 2
