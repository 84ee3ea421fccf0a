"""``ecandidat.prepared``: a queryset compiled once gives what the ORM gives, every time."""

from unittest import mock

import pytest
from django.db.models.sql.compiler import SQLCompiler

from candidatures.models import Candidature
from ecandidat.prepared import Prepared
from tests.factories import CandidatureFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def _with_programme(dossier_id, **filters):
    return (
        Candidature.objects.filter(dossier_id=dossier_id, **filters)
        .select_related("programme__centre", "programme__campaign")
        .order_by("pk")
    )


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_same_instances_and_related_rows_as_the_orm(django_assert_num_queries):
    first = CandidatureFactory(programme=ProgrammeFactory(optional_sections=["internships"]))
    CandidatureFactory(dossier=first.dossier)
    CandidatureFactory()  # another candidate's
    prepared = Prepared(_with_programme)
    with django_assert_num_queries(1):
        got = prepared(dossier_id=first.dossier_id)
    expected = list(_with_programme(first.dossier_id))
    assert [_fields(c) for c in got] == [_fields(c) for c in expected]
    assert [c.pk for c in got] == [first.pk, expected[1].pk]
    with django_assert_num_queries(0):
        for obj, orm in zip(got, expected, strict=True):
            assert _fields(obj.programme) == _fields(orm.programme)
            assert _fields(obj.programme.centre) == _fields(orm.programme.centre)
            assert _fields(obj.programme.campaign) == _fields(orm.programme.campaign)
    # Converted as the ORM converts: JSON decoded, times aware, the instance saved as loaded.
    assert got[0].programme.optional_sections == ["internships"]
    assert got[0].created_at.tzinfo is not None
    assert not got[0]._state.adding and got[0]._state.db == "default"


def test_compiled_once_then_run_with_each_calls_values():
    one, two = CandidatureFactory(), CandidatureFactory()
    prepared = Prepared(_with_programme)
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as as_sql:
        assert [c.pk for c in prepared(dossier_id=one.dossier_id)] == [one.pk]
        assert [c.pk for c in prepared(dossier_id=two.dossier_id)] == [two.pk]
        assert prepared(dossier_id=two.dossier_id, pk=one.pk) == []
    # Once for each shape of parameters (one, then two of them), not once per call.
    assert as_sql.call_count == 2


def test_lists_by_length_and_the_orm_for_empty_or_long_ones():
    rows = [CandidatureFactory() for _ in range(4)]
    prepared = Prepared(
        lambda pks: Candidature.objects.filter(pk__in=pks).order_by("pk"), max_length=3
    )
    pks = [c.pk for c in rows]
    assert [c.pk for c in prepared(pks=pks[:1])] == pks[:1]
    assert [c.pk for c in prepared(pks=pks[1:3])] == pks[1:3]
    assert [c.pk for c in prepared(pks=[pks[3], pks[0], pks[2]])] == sorted(
        [pks[3], pks[0], pks[2]]
    )
    assert [c.pk for c in prepared(pks=pks)] == pks  # longer than max_length: the ORM
    assert prepared(pks=[]) == []


def test_refuses_what_it_cannot_build():
    CandidatureFactory()
    with pytest.raises(TypeError):
        Prepared(lambda pk: Candidature.objects.filter(pk=pk).values("pk"))(pk=1)
    # A parameter used twice cannot be told apart from a constant: refused, not guessed.
    twice = Prepared(
        lambda pk: Candidature.objects.filter(pk=pk) | Candidature.objects.filter(dossier_id=pk)
    )
    with pytest.raises(ValueError, match="exactly once"):
        twice(pk=1)
