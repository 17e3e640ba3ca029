from celery import shared_task


@shared_task
def ping(token: str) -> str:
    """Answer a worker health probe; a deployment check sends it through the real broker."""
    return f"pong:{token}"
