from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client

from governance.celery import app as celery_app
from tests.brokers import broker_down


@pytest.mark.django_db
def test_healthz_answers_ok_without_signing_in() -> None:
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_redis_broker_is_down() -> None:
    with broker_down():
        response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "broker": "down"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_file_broker_folder_is_missing(
    settings: Any, tmp_path: Path
) -> None:
    previous = celery_app.conf.broker_url
    celery_app.conf.update(broker_url="filesystem://", broker_write_url="filesystem://")
    settings.CELERY_BROKER_FOLDER = tmp_path / "missing"
    try:
        response = Client().get("/healthz")
    finally:
        celery_app.conf.update(broker_url=previous, broker_write_url=previous)

    assert response.status_code == 503
    assert response.json()["broker"] == "down"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "down", "broker": "ok"}
