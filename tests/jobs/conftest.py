"""The real services of the notifications' fault tests (Redis, real worker processes, the
SMTP sink), for the jobs killed in a worker (test_worker_killed.py)."""

from tests.notifications.conftest import (  # noqa: F401 (fixtures)
    _fresh_mail_connection,
    celery_producer,
    postgres_db,
    process_settings,
    redis_broker,
    smtp_sink,
    start_worker,
)
