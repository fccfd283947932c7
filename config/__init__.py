"""Project configuration; loading the Celery app here makes `shared_task` bind to it."""

from .celery_app import app as celery_app

__all__ = ("celery_app",)
