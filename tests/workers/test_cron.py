"""The periodic jobs the cron process schedules."""

from workers.cron import build


def test_sweep_expiry_and_retention_are_scheduled(app):
    jobs = {job.func.__name__: job for job in build().get_jobs()}
    assert set(jobs) == {"sweep", "expire_proposals", "run_retention"}
    assert jobs["run_retention"].interval == 24 * 3600
    assert all(job.queue_name.endswith("default") for job in jobs.values())
