"""ecandidat.widgets.SelectWidget writes what Django's Select renders through the site's form
renderer (the DSFR's), byte for byte."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from dossiers.forms import AddressForm, PersonalInfoForm
from ecandidat.widgets import SelectWidget

CHOICES = [
    ("", "---------"),
    ("a", "Côte d'Ivoire <b>&\""),
    (2, gettext_lazy("French")),
    ("safe", mark_safe("<i>kept</i>")),
    (
        "Group <&>",
        [("g1", "In a group"), ("g2", "Another & more")],
    ),
    (3.5, 1234567),
]


def pair(widget_attrs=None, **field):
    class Form(forms.Form):
        django = forms.ChoiceField(choices=CHOICES, widget=forms.Select(widget_attrs), **field)
        ours = forms.ChoiceField(choices=CHOICES, widget=SelectWidget(widget_attrs), **field)

    return Form


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("data", "attrs", "field"),
    [
        (None, None, {}),
        ({"django": "g2", "ours": "g2"}, None, {}),
        ({"django": "2", "ours": "2"}, {"class": "fr-select", "data-x": 'q"<'}, {}),
        (None, {"disabled": True, "hidden": False, "aria-invalid": "true"}, {"required": False}),
        ({"django": "nope", "ours": "nope"}, None, {"disabled": True}),
    ],
)
def test_the_same_html_as_djangos_select(language, data, attrs, field):
    from django.utils import translation

    with translation.override(language):
        form = pair(attrs, **field)(data)
        django = str(form["django"]).replace("django", "FIELD")
        ours = str(form["ours"]).replace("ours", "FIELD")
    assert "<option" in ours
    assert ours == django


def test_the_bound_field_is_still_a_select():
    assert pair()()["ours"].widget_type == "select"


@pytest.mark.django_db
def test_the_dossier_forms_lists_use_it():
    for form in (PersonalInfoForm(), AddressForm()):
        selects = [f for f in form.fields.values() if isinstance(f.widget, forms.Select)]
        assert selects
        assert all(type(f.widget) is SelectWidget for f in selects)
