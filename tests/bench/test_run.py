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


def test_the_mixes_start_with_no_rate_limit_counter_and_keep_the_sessions():
    """A second run within the hour found the first one's submission counters (60 an hour
    from one address) and 16 of its 46 submissions were refused."""
    import os

    import pytest
    import redis

    from bench.run import clear_rate_limits

    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs REDIS_URL (a Redis database the tests may write to)")
    client = redis.Redis.from_url(url)
    counter = ":1:allauth:rl:ecandidat:submit:60/3600/ip:ip:127.0.0.1:bench-test"
    session = ":1:django.contrib.sessions.cached_db-bench-test"
    client.set(counter, "30", ex=60)
    client.set(session, "kept", ex=60)
    try:
        clear_rate_limits(url)
        assert client.get(counter) is None
        assert client.get(session) == b"kept"
    finally:
        client.delete(counter, session)
