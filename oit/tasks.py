from celery import shared_task


# A run starts no check after LINKWATCH_RUN_SECONDS (300 by default) and each check ends within
# LINKWATCH_TIMEOUT, so it finishes well inside these limits.
@shared_task(time_limit=15 * 60, soft_time_limit=12 * 60)
def watch_links() -> dict:
    """Check the due links of published items (beat, every LINKWATCH_EVERY_MINUTES)."""
    from oit.linkwatch import links_watch

    return links_watch()
