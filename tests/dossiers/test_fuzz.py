"""Generated input on every section form: never a server error, never a half-saved section."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossiers.views import LINE_FORMS, SINGLE_FORMS

PLAUSIBLE = [
    "",
    "FR",
    "MA",
    "31400",
    "31700",
    "toulouse",
    "1998-04-12",
    "2999-12-31",
    "0312345678X",
    "+33612345678",
    "french",
    "none",
    "equivalent",
    "yes",
    "in_progress",
    "full",
    "bac+3",
    "mme",
    "2020",
    "-1",
    "99999999999999999999",
    "1",
]
value = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.text(max_size=40),
    st.integers().map(str),
    st.dates().map(str),
)


def fields_of(form_class):
    return list(form_class.base_fields)


FORMS = [(f"{key}_edit", cls) for key, cls in SINGLE_FORMS.items()] + [
    (f"{key}_add", cls) for key, cls in LINE_FORMS.items()
]


@pytest.mark.parametrize(("url_name", "form_class"), FORMS, ids=[name for name, _ in FORMS])
def test_generated_posts_never_fail(candidate_client, unlocked, url_name, form_class):
    url = reverse(f"dossiers:{url_name}")
    names = fields_of(form_class)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries(dict.fromkeys(names, value)))
    def post(data):
        response = candidate_client.post(url, data)
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            assert "form-error-summary" in response.content.decode()

    post()
