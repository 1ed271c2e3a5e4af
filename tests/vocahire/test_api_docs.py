from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_schema_lists_the_token_endpoints(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "post" in paths["/api/v1/auth/token"]
    assert "post" in paths["/api/v1/auth/token/refresh"]


def test_docs_page_is_served_from_our_own_static_files(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr.net" not in page
