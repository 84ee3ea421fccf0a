"""Do the rows and the stored files agree? Every piece with a file (and every blank form) must
have its object, of the size recorded; every object under the documents' prefixes should
belong to a row (orphans are counted: ``sweep_orphan_files`` deletes them). Used by
``manage.py check_storage`` and by the nightly job (``pieces.jobs``), after a restore in the drill."""

from dataclasses import dataclass, field

from ecandidat.storage import stored_sizes

from .models import FORMS_PREFIX, PIECES_PREFIX, Piece, PieceType


@dataclass
class IntegrityReport:
    rows: int = 0
    objects: int = 0
    missing: list[str] = field(default_factory=list)
    size_mismatches: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.missing and not self.size_mismatches

    def summary(self) -> str:
        verdict = "clean" if self.clean else "PROBLEMS"
        return (
            f"storage {verdict}: {self.rows} file(s) referenced, {self.objects} object(s) stored, "
            f"{len(self.missing)} missing, {len(self.size_mismatches)} size mismatch(es), "
            f"{len(self.orphans)} orphan(s)"
        )


def check_storage() -> IntegrityReport:
    stored = {**stored_sizes(PIECES_PREFIX), **stored_sizes(FORMS_PREFIX)}
    # Shared pieces of several drafts name one file: it is checked once.
    expected: dict[str, int | None] = {}
    for name, size in Piece.objects.exclude(file="").values_list("file", "size"):
        expected[name] = size
    for name in PieceType.objects.exclude(blank_form="").values_list("blank_form", flat=True):
        expected.setdefault(name, None)  # a blank form's size is not recorded
    report = IntegrityReport(rows=len(expected), objects=len(stored))
    for name, size in sorted(expected.items()):
        if name not in stored:
            report.missing.append(name)
        elif size is not None and stored[name] != size:
            report.size_mismatches.append(f"{name} ({size} recorded, {stored[name]} stored)")
    report.orphans = sorted(set(stored) - set(expected))
    return report
