"""manage.py import_communes: both header variants, bad lines reported, idempotent upsert."""

import pytest
from django.core.management import CommandError, call_command

from dossiers.models import Commune

LA_POSTE = (
    "#Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement;Ligne_5\n"
    "09225;ST GIRONS;09200;ST GIRONS;\n"
    "09225;ST GIRONS;09200;ST GIRONS;AUBERT\n"  # a locality: same pair, one row
    "2A004;AJACCIO;20000;AJACCIO;\n"
    "XX;BROKEN;31000;BROKEN;\n"
    "81004;ALBI;ABC;ALBI;\n"
    "81065\n"
)
DATA_GOUV = (
    "code_commune_insee,nom_de_la_commune,code_postal,libelle_d_acheminement,ligne_5\n"
    "09225,ST GIRONS,09200,ST GIRONS,\n"
    "81004,ALBI,81000,ALBI,\n"
)


def run(tmp_path, text, encoding="utf-8", *args):
    path = tmp_path / "codes.csv"
    path.write_text(text, encoding=encoding)
    out, err = [], []

    class Sink:
        def __init__(self, lines):
            self.lines = lines

        def write(self, text):
            self.lines.append(text)

        def flush(self):
            pass

    call_command("import_communes", str(path), *args, stdout=Sink(out), stderr=Sink(err))
    return "".join(out), "".join(err)


@pytest.mark.django_db
def test_good_lines_are_imported_and_bad_ones_reported(tmp_path):
    out, err = run(tmp_path, LA_POSTE, "cp1252")
    assert Commune.objects.filter(insee_code="09225", postal_code="09200").count() == 1
    assert Commune.objects.filter(insee_code="2A004").exists()
    assert "line 5: invalid INSEE code 'XX'" in err
    assert "line 6: invalid postal code 'ABC'" in err
    assert "line 7: missing columns" in err
    assert "2 created, 0 updated, 0 unchanged, 3 bad line(s)" in out


@pytest.mark.django_db
def test_the_import_is_idempotent_and_updates_names(tmp_path):
    run(tmp_path, LA_POSTE)
    before = Commune.objects.count()
    out, _err = run(tmp_path, DATA_GOUV)
    assert "1 created, 0 updated, 1 unchanged" in out
    assert Commune.objects.count() == before + 1
    out, _err = run(tmp_path, DATA_GOUV.replace("ST GIRONS,09200", "SAINT-GIRONS,09200"))
    assert "0 created, 1 updated, 1 unchanged" in out
    assert Commune.objects.get(insee_code="09225").name == "SAINT-GIRONS"


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    out, _err = run(tmp_path, DATA_GOUV, "utf-8", "--dry-run")
    assert out.startswith("dry run: communes: 2 created")
    assert not Commune.objects.filter(insee_code="81004").exists()


@pytest.mark.django_db
def test_a_file_without_the_columns_is_refused(tmp_path):
    with pytest.raises(CommandError, match="missing column"):
        run(tmp_path, "a;b;c\n1;2;3\n")


@pytest.mark.django_db
def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_communes", str(tmp_path / "nope.csv"))


@pytest.mark.django_db
def test_the_demo_subset_is_shipped():
    assert Commune.objects.filter(insee_code="31555").count() == 6
    assert Commune.objects.filter(postal_code__startswith="31").count() >= 30
