from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from governance.celery import app as celery_app

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@contextmanager
def broker_down() -> Iterator[None]:
    """Point Celery at a broker that refuses connections, and stop running tasks inline."""
    keys = ("broker_url", "broker_read_url", "broker_write_url", "task_always_eager")
    previous = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(
        broker_url=DEAD_BROKER,
        broker_read_url=DEAD_BROKER,
        broker_write_url=DEAD_BROKER,
        task_always_eager=False,
    )
    _forget_connections()
    try:
        yield
    finally:
        celery_app.conf.update(previous)
        _forget_connections()


def _forget_connections() -> None:
    """Celery keeps its connection and producer pools once made; make them again from conf."""
    # As Celery does in a forked worker child: both pools are made again on next use. (Not
    # closed: kombu's global producer pools may still hand out the old one's connections.)
    vars(celery_app)["_pool"] = None
    vars(celery_app.amqp)["_producer_pool"] = None
