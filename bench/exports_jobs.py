"""Cost of the back office's heavy work (not a test; run by hand on PostgreSQL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecandidat_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/exports_jobs.py

- export of N (10,000) applications to XLSX with every column and the documents' statuses:
  seconds, tracemalloc peak and growth of the resident high-water mark (VmHWM);
- full dossier PDF of one application with 10 documents (5 PDFs of 2 pages, 5 photos
  2000 × 1500): median seconds over 3;
- the return-deadline reminder job over the same N applications, all due: seconds and mails
  queued in the outbox (tasks go to the broker, not sent: the mail delivery has its own bench).

Builds its own data with bulk inserts in the given database (migrated first); rows from an
earlier run (emails @bench.invalid) are deleted first.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def vmhwm_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def reset_hwm():
    Path("/proc/self/clear_refs").write_text("5")


def setup(count):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from candidatures.models import Campaign, Candidature, Centre, Programme
    from dossiers.models import Dossier, PersonalInfo
    from pieces.models import Piece, PieceType, RequiredPiece

    User.objects.filter(email__endswith="@bench.invalid").delete()
    Programme.objects.filter(code__startswith="BENCH").delete()
    Centre.objects.filter(name="Bench centre").delete()
    now = timezone.now()
    campaign = Campaign.objects.filter(is_active=True).first() or Campaign.objects.create(
        code="BENCH", label="Bench", is_active=True
    )
    centre = Centre.objects.create(name="Bench centre", contact_email="bench@bench.invalid")
    programme = Programme.objects.create(
        campaign=campaign,
        centre=centre,
        code="BENCH1",
        title="Master bench",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=1),
        return_deadline=now + timedelta(days=2),
        jury_at=now + timedelta(days=20),
        publication_at=now + timedelta(days=30),
        confirmation_days=8,
    )
    types = [
        PieceType.objects.create(label_fr=f"Pièce {n}", label_en=f"Document {n}", order=n)
        for n in range(10)
    ]
    RequiredPiece.objects.bulk_create(
        RequiredPiece(piece_type=t, programme=programme) for t in types
    )
    password = make_password("bench-password-123")
    users = User.objects.bulk_create(
        User(
            email=f"c{n}@bench.invalid",
            candidate_number=f"B{n:07d}",
            password=password,
            first_name="Camille",
            last_name=f"Bench{n}",
            language="fr" if n % 3 else "en",
            activated_at=now,
        )
        for n in range(count)
    )
    dossiers = Dossier.objects.bulk_create(
        Dossier(user=user, number=user.candidate_number) for user in users
    )
    PersonalInfo.objects.bulk_create(
        PersonalInfo(
            dossier=dossier,
            civility="mme",
            birth_name=f"BENCH{n}",
            first_names="Camille",
            birth_date=date(2000, 1, 1),
            birth_country="FR",
            nationality="FR",
            phone="+33612345678",
        )
        for n, dossier in enumerate(dossiers)
    )
    candidatures = Candidature.objects.bulk_create(
        Candidature(dossier=dossier, programme=programme) for dossier in dossiers
    )
    Piece.objects.bulk_create(
        Piece(candidature=c, piece_type=t, status="uploaded", original_name="x.pdf")
        for c in candidatures
        for t in types[:6]
    )
    return candidatures, types


def bench_export(candidatures, count):
    from accounts.models import User
    from candidatures.models import Candidature
    from exports.columns import COLUMNS, PIECES
    from exports.models import Export
    from exports.services import export_build

    staff = User.objects.create_user(email="staff@bench.invalid", password=None, is_staff=True)
    staff.is_superuser = True
    staff.save()
    export = Export.objects.create(
        owner=staff,
        kind="xlsx",
        columns=[c.key for c in COLUMNS] + [PIECES],
        candidature_ids=list(
            Candidature.objects.filter(pk__in=[c.pk for c in candidatures]).values_list(
                "pk", flat=True
            )
        ),
        total=count,
    )
    reset_hwm()
    before = vmhwm_kb()
    tracemalloc.start()
    started = time.perf_counter()
    outcome = export_build(export_id=export.pk)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    export.refresh_from_db()
    size = export.file.size
    return {
        "outcome": outcome,
        "seconds": round(seconds, 2),
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "rss_hwm_growth_mb": round((vmhwm_kb() - before) / 1024, 1),
        "file_mb": round(size / 2**20, 2),
    }


def bench_dossier(candidature, types):
    from django.core.files.base import ContentFile
    from PIL import Image
    from pypdf import PdfWriter

    from exports.dossier import full_dossier_pdf
    from pieces.models import Piece

    Piece.objects.filter(candidature=candidature).delete()
    for n, piece_type in enumerate(types):
        if n < 5:
            writer = PdfWriter()
            for _ in range(2):
                writer.add_blank_page(width=595, height=842)
            out = io.BytesIO()
            writer.write(out)
            data, name = out.getvalue(), f"doc{n}.pdf"
        else:
            out = io.BytesIO()
            Image.effect_noise((2000, 1500), 40).convert("RGB").save(out, "JPEG", quality=80)
            data, name = out.getvalue(), f"photo{n}.jpg"
        piece = Piece(candidature=candidature, piece_type=piece_type, status="uploaded")
        piece.file.save(name, ContentFile(data), save=False)
        piece.original_name = name
        piece.save()
    times = []
    for _ in range(3):
        started = time.perf_counter()
        pdf = full_dossier_pdf(candidature, language="fr")
        times.append(time.perf_counter() - started)
    return {"seconds_median": round(statistics.median(times), 2), "pdf_kb": len(pdf) // 1024}


def bench_reminders(count):
    from jobs.runner import job_run
    from notifications.models import Outbox

    before = Outbox.objects.filter(event="return_deadline_reminder").count()
    started = time.perf_counter()
    run = job_run(name="candidatures.return_reminders")
    seconds = time.perf_counter() - started
    queued = Outbox.objects.filter(event="return_deadline_reminder").count() - before
    return {
        "seconds": round(seconds, 1),
        "mails_queued": queued,
        "per_second": round(queued / seconds),
        "run": run.summary,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")
    os.environ.setdefault("ECANDIDAT_VAR_DIR", tempfile.mkdtemp(prefix="ecandidat-bench-"))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecandidat.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    candidatures, types = setup(args.count)
    print(f"data: {args.count} applications in {time.perf_counter() - started:.1f} s")
    print("export XLSX:", bench_export(candidatures, args.count))
    print("full dossier PDF (10 documents):", bench_dossier(candidatures[0], types))
    print("return reminders:", bench_reminders(args.count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
