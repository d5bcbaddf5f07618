"""Every endpoint × every role: the access check allows or rejects as the role table says."""

from __future__ import annotations

import re

import pytest

from tabs.api import all_endpoints
from tabs.api.openapi import openapi_path
from tests.tabs.conftest import ROLE_NAMES, TabsClient
from tests.tabs.role_table import OK, ROLE_TABLE

_PLACEHOLDER = re.compile(r"\{\w+\}")
# Path parameters take a number that names no row, so an allowed role gets 404, not 500.
EXAMPLE_ID = "999999"


def test_role_table_covers_every_endpoint() -> None:
    declared = {(e.method, openapi_path(e.path)) for e in all_endpoints()}
    listed = {(row.method, row.path) for row in ROLE_TABLE}
    assert declared - listed == set(), "endpoints missing from tests/tabs/role_table.py"
    assert listed - declared == set(), "rows naming no endpoint"


@pytest.mark.parametrize("row", ROLE_TABLE, ids=lambda row: f"{row.method} {row.path}")
async def test_role_access(tabs: TabsClient, row) -> None:  # type: ignore[no-untyped-def]
    path = "/api/v1" + _PLACEHOLDER.sub(EXAMPLE_ID, row.path)
    for role in ROLE_NAMES:
        user = None if role == "anonymous" else await tabs.sign_in(role)
        response = await tabs.request(row.method, path, user, json={})
        expected = row.expected[role]
        if expected == OK:
            assert response.status not in (401, 403), (role, response.status, await response.text())
            assert response.status < 500, (role, response.status, await response.text())
        else:
            assert response.status == expected, (role, await response.text())
            body = await response.json()
            assert body["code"], role
