"""bench/run.py records how long each phase took, and latest.md lists them."""

from bench.run import Phases, markdown


def test_each_phase_is_timed_and_listed_in_the_record():
    phase = Phases()
    with phase("bench data (1x, 10x) and collectstatic"):
        pass
    phase.add("pages (10x, 2 round(s) of 5 s)", 123.44)
    report = {
        "machine": dict.fromkeys(["cpu", "cores", "memory_gb", "kernel", "python", "postgres"], "")
        | {"wrk": ""},
        "settings": {"workers": 4, "connections": 16, "threads": 2, "seconds": 5, "sessions": 200},
        "started": "s",
        "finished": "f",
        "load_before": [1.0],
        "load_after": [2.0],
        "total_s": 600,
        "scales": {},
        "phases": phase.done,
    }

    text = markdown(report)

    assert [p["phase"] for p in phase.done] == [
        "bench data (1x, 10x) and collectstatic",
        "pages (10x, 2 round(s) of 5 s)",
    ]
    assert "| bench data (1x, 10x) and collectstatic | 0.0 s |" in text
    assert "| pages (10x, 2 round(s) of 5 s) | 123.4 s |" in text
    assert "| whole run | 600 s |" in text
