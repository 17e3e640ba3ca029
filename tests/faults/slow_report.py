"""A report kind for the worker-kill test: its first attempt takes long enough to be killed."""

import time

from core.report_kinds import register
from oit.reports import build_status_summary


def build_slowly_the_first_time(job, progress) -> bytes:
    if job.attempts == 1:
        progress(10)
        time.sleep(30)  # the test kills the worker during this
    return build_status_summary(job, progress)


register("slow-test", label="slow (tests only)", build=build_slowly_the_first_time, order=99)
