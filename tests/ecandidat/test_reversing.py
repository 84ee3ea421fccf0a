"""``ecandidat.reversing.url_maker``: one reverse, then the same URLs as ``reverse``."""

import pytest
from django.urls import reverse

from ecandidat.reversing import url_maker


def test_the_same_urls_as_reverse_for_any_ids():
    upload = url_maker("pieces:upload", 2)
    download = url_maker("pieces:download")
    for pk, type_pk in [(1, 2), (12, 12), (907, 9070), (2_000_000_000, 3)]:
        assert upload(pk, type_pk) == reverse("pieces:upload", args=[pk, type_pk])
        assert download(pk) == reverse("pieces:download", args=[pk])


def test_refuses_a_wrong_number_of_ids():
    with pytest.raises(ValueError):
        url_maker("pieces:upload", 2)(1)
