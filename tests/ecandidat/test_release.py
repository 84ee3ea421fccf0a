"""The release id (ecandidat/release.py): it changes with a template, a translation or a
module of the project, and not with what does not serve pages."""

from pathlib import Path

from ecandidat import release


def tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


def test_the_id_follows_templates_translations_and_code(tmp_path):
    root = tree(
        tmp_path,
        {
            "candidatures/offer.py": b"x = 1\n",
            "candidatures/templates/candidatures/_offer_centres.html": b"<table>",
            "locale/en/LC_MESSAGES/django.mo": b"\x95\x04\x12\xde",
            "notifications/templates/notifications/x/body.txt": b"Bonjour",
        },
    )
    first = release.digest(root)
    assert release.digest(root) == first
    for name, content in [
        ("candidatures/templates/candidatures/_offer_centres.html", b"<table class=x>"),
        ("locale/en/LC_MESSAGES/django.mo", b"\x95\x04\x12\xdf"),
        ("candidatures/offer.py", b"x = 2\n"),
        ("notifications/templates/notifications/x/body.txt", b"Bonsoir"),
    ]:
        before = release.digest(root)
        (root / name).write_bytes(content)
        assert release.digest(root) != before, name
    # A file moved with the same bytes is another release too.
    (root / "candidatures/offer.py").rename(root / "candidatures/listing.py")
    assert release.digest(root) != before


def test_the_id_ignores_what_does_not_serve_pages(tmp_path):
    root = tree(tmp_path, {"candidatures/offer.py": b"x = 1\n"})
    first = release.digest(root)
    tree(
        root,
        {
            "tests/test_offer.py": b"assert True\n",
            "var/media/cv.txt": b"uploaded",
            ".venv/lib/site.py": b"",
            "ecandidat.egg-info/SOURCES.txt": b"list",
            "bench/run.py": b"",
            "candidatures/notes.md": b"not code",
        },
    )
    assert release.digest(root) == first
    assert "candidatures/offer.py" in release.files(root)
