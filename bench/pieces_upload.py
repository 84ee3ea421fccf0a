"""Cost of checking uploads (not a test): time and memory of the pieces core on this machine.

    python bench/pieces_upload.py [--runs 5]

Measures, as medians over --runs runs, each in a fresh process (so one run's peak does not
hide the next one's):
- check_upload of a 5 MB PDF, rewritten: a scan-like PDF (few pages, big JPEG images) and a
  text-heavy one (hundreds of pages, thousands of objects);
- merge_to_pdf of 10 phone-like photos (4000 × 3000 JPEG, 2-4 MB each) into one PDF.
Memory is reported twice: tracemalloc peak (Python objects: pypdf's parsing) and growth of the
process's resident size high-water mark (Linux VmHWM, reset just before the operation;
includes Pillow's and zlib's C buffers), with that peak itself.
"""

import argparse
import io
import json
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def _setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecandidat.settings")
    import django

    django.setup()


def make_scan_pdf(target: int) -> bytes:
    """A scanned-looking PDF close to ``target`` bytes: A4 pages of noisy greyscale JPEG."""
    from PIL import Image

    pages = []
    while True:
        noise = Image.effect_noise((1654, 2339), 40).convert("L")  # A4 at 200 dpi
        pages.append(noise)
        buffer = io.BytesIO()
        pages[0].save(
            buffer, "PDF", save_all=True, append_images=pages[1:], quality=75, resolution=200
        )
        if len(buffer.getvalue()) > target * 0.9:
            return buffer.getvalue()


def make_text_pdf(target: int) -> bytes:
    """A text-heavy PDF close to ``target`` bytes: many pages, one content stream and font each."""
    from tests.pieces import corpus

    text = "candidature licence semestre note moyenne valide credits UE " * 2
    page_bytes = 70 * (len(text) + 40)
    return corpus.pdf(pages=int(target * 0.96) // page_bytes, text=text, lines=70)


def make_photos(count: int) -> list[bytes]:
    from PIL import Image, ImageFilter

    photos = []
    for seed in range(count):
        noise = (
            Image.effect_noise((4000, 3000), 30 + seed)
            .convert("L")
            .filter(ImageFilter.GaussianBlur(1))
        )
        gradient = Image.linear_gradient("L").resize((4000, 3000))
        picture = Image.merge(
            "RGB", (noise, gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
        )
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=90)
        photos.append(buffer.getvalue())
    return photos


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _measure(task: str, path: str, trace: bool, queue) -> None:
    """In a fresh process: load the input, then time and measure one operation."""
    _setup_django()
    from pieces.files import check_upload, merge_to_pdf

    data = json.loads(Path(path).read_text()) if task == "merge" else None
    if data is not None:
        inputs = [Path(p).read_bytes() for p in data]
    else:
        payload = Path(path).read_bytes()
    # getrusage's maximum survives exec (the spawned child starts with its parent's peak):
    # Linux's own high-water mark, reset here to the current size, does not.
    Path("/proc/self/clear_refs").write_text("5")
    baseline = _status_kb("VmRSS")
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    if task == "merge":
        result = merge_to_pdf(inputs, max_bytes=5 * MB)
    else:
        result = check_upload(payload, name="bench.pdf", max_bytes=6 * MB)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    peak_rss = _status_kb("VmHWM")
    grown = peak_rss - baseline
    queue.put(
        {
            "seconds": elapsed,
            "traced_mb": peak / MB,
            "rss_mb": grown / 1024,
            "peak_rss_mb": peak_rss / 1024,
            "size": result.size,
            "pages": result.pages,
        }
    )


def _runs(task: str, path: str, runs: int) -> dict:
    """Medians of ``runs`` plain runs (time, RSS) and ``runs`` traced runs (tracemalloc peak,
    which slows Python code down, so it is kept out of the timings)."""
    context = multiprocessing.get_context("spawn")
    results = {False: [], True: []}
    for trace in (False, True):
        for _ in range(runs):
            queue = context.Queue()
            process = context.Process(target=_measure, args=(task, path, trace, queue))
            process.start()
            results[trace].append(queue.get(timeout=600))
            process.join()
    figures = {key: statistics.median(r[key] for r in results[False]) for key in results[False][0]}
    figures["traced_mb"] = statistics.median(r["traced_mb"] for r in results[True])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _setup_django()
    print(
        f"# {platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    with tempfile.TemporaryDirectory() as folder:
        cases = {}
        for label, data in (
            ("scan PDF", make_scan_pdf(5 * MB)),
            ("text PDF", make_text_pdf(5 * MB)),
        ):
            path = Path(folder, label.replace(" ", "_") + ".pdf")
            path.write_bytes(data)
            cases[label] = ("check", str(path), f"{len(data) / MB:.1f} MB")
        photo_paths = []
        photos = make_photos(10)
        for number, photo in enumerate(photos):
            photo_path = Path(folder, f"photo{number}.jpg")
            photo_path.write_bytes(photo)
            photo_paths.append(str(photo_path))
        listing = Path(folder, "photos.json")
        listing.write_text(json.dumps(photo_paths))
        total = sum(len(photo) for photo in photos) / MB
        cases["10 photos"] = ("merge", str(listing), f"{total:.1f} MB, 10 × 4000×3000 JPEG")
        print("| case | input | time | tracemalloc peak | max RSS growth | max RSS | output |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for label, (task, path, described) in cases.items():
            figures = _runs(task, path, args.runs)
            duration = (
                f"{figures['seconds']:.2f} s"
                if task == "merge"
                else f"{figures['seconds'] * 1000:.0f} ms"
            )
            print(
                f"| {label} | {described} | {duration} | {figures['traced_mb']:.1f} MB | "
                f"{figures['rss_mb']:.1f} MB | {figures['peak_rss_mb']:.0f} MB | {figures['size'] / MB:.2f} MB, {figures['pages']:.0f} pages |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
