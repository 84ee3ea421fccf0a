"""Scheduled storage check: the same report as ``manage.py check_storage``, in the worker's
log (an error line when a file is missing, so log alerting catches it)."""

import logging

from celery import shared_task

from .integrity import check_storage

logger = logging.getLogger(__name__)


@shared_task
def check_storage_task() -> str:
    report = check_storage()
    for name in report.missing:
        logger.error("check_storage: missing %s", name)
    for line in report.size_mismatches:
        logger.error("check_storage: size mismatch %s", line)
    logger.log(logging.INFO if report.clean else logging.ERROR, "%s", report.summary())
    return report.summary()
