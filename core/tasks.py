from celery import shared_task


@shared_task
def ping(token: str) -> str:
    """Answer a worker health probe; a deployment check sends it through the real broker."""
    return f"pong:{token}"


@shared_task
def sweep_files() -> int:
    """Delete stored files that no row points at (see `core.files.sweep_orphan_files`)."""
    from core.files import sweep_orphan_files

    return len(sweep_orphan_files().orphans)
