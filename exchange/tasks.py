"""The import's task: what a worker process runs (exchange.jobs tells how)."""

from django_tasks import TaskContext, task, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from . import jobs


@task(takes_context=True)
def run_import_job(context: TaskContext, job_id: str) -> None:
    # A queued task runs in a worker: its signs of life go through a connection of their own.
    # The immediate backend runs it in the caller's process and transaction instead.
    backend = task_backends[context.task_result.backend]
    jobs.job_run(job_id=job_id, separate=not isinstance(backend, ImmediateBackend))
