"""The API framework: problems, the OpenAPI document, security headers and demo sign-in."""

from __future__ import annotations

from tabs.api import all_endpoints
from tabs.api.openapi import openapi_path
from tabs.security import TEAMS_FRAME_ANCESTORS
from tests.tabs.conftest import TabsClient


async def test_openapi_lists_every_route(tabs: TabsClient) -> None:
    response = await tabs.request("GET", "/api/v1/openapi.json")
    document = await response.json()
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    routed = set()
    for resource in tabs.app.router.resources():
        info = resource.get_info()
        path = info.get("formatter") or info.get("path") or ""
        if not path.startswith("/api/v1/") or path.endswith("{tail}") or path.endswith("openapi.json"):
            continue
        for route in resource:
            routed.add((route.method, openapi_path(path)))
    assert documented == routed
    assert len(routed) == len(all_endpoints())


async def test_unknown_endpoint_is_problem(tabs: TabsClient) -> None:
    response = await tabs.request("GET", "/api/v1/no-such-thing")
    assert response.status == 404
    assert response.content_type == "application/problem+json"
    body = await response.json()
    assert body["code"] == "unknown_endpoint"


async def test_missing_token_is_401(tabs: TabsClient) -> None:
    response = await tabs.request("GET", "/api/v1/me", headers={"Accept-Language": "en-US"})
    assert response.status == 401
    body = await response.json()
    assert body["code"] == "token_missing"
    assert body["status"] == 401
    assert "sign-in is required" in body["detail"].lower()


async def test_problem_in_russian(tabs: TabsClient) -> None:
    response = await tabs.request("GET", "/api/v1/me", headers={"Accept-Language": "ru-RU"})
    body = await response.json()
    assert "войти" in body["detail"].lower()


async def test_csp_frame_ancestors(tabs: TabsClient) -> None:
    response = await tabs.request("GET", "/api/v1/config")
    policy = response.headers["Content-Security-Policy"]
    ancestors = next(
        part for part in policy.split(";") if part.strip().startswith("frame-ancestors")
    ).split()[1:]
    assert set(ancestors) == {"'self'", *TEAMS_FRAME_ANCESTORS}
    assert "script-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_csp_on_errors(tabs: TabsClient) -> None:
    response = await tabs.request("GET", "/api/v1/me")
    assert "frame-ancestors" in response.headers["Content-Security-Policy"]


async def test_demo_sign_in_and_me(tabs: TabsClient) -> None:
    users = await (await tabs.request("GET", "/api/v1/demo/users")).json()
    assert users
    first = users[0]
    created = await tabs.request("POST", "/api/v1/demo/sessions", json={"userId": first["id"]})
    assert created.status == 201
    token = (await created.json())["token"]
    me = await tabs.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status == 200
    body = await me.json()
    assert body["id"] == first["id"]
    assert body["timeZone"] == "Europe/Moscow"


async def test_demo_token_unknown(tabs: TabsClient) -> None:
    response = await tabs.request(
        "GET", "/api/v1/me", headers={"Authorization": "Bearer demo.not-a-session"}
    )
    assert response.status == 401
    assert (await response.json())["code"] == "demo_session_invalid"


async def test_me_update_validates(tabs: TabsClient) -> None:
    user = await tabs.sign_in("teacher")
    response = await tabs.request("PATCH", "/api/v1/me", user, json={"timeZone": "Mars/Olympus"})
    assert response.status == 422
    body = await response.json()
    assert body["errors"][0]["field"] == "timeZone"
    response = await tabs.request(
        "PATCH", "/api/v1/me", user, json={"timeZone": "Asia/Yekaterinburg", "language": "en"}
    )
    assert response.status == 200
    body = await response.json()
    assert body["timeZone"] == "Asia/Yekaterinburg"
    assert body["language"] == "en"


async def test_invalid_json_body(tabs: TabsClient) -> None:
    user = await tabs.sign_in("teacher")
    response = await tabs.request(
        "PATCH", "/api/v1/me", user, data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert (await response.json())["code"] == "invalid_json"


async def test_demo_users_cover_every_role(tabs: TabsClient) -> None:
    users = await (await tabs.request("GET", "/api/v1/demo/users")).json()
    roles = {role for user in users for role in user["roles"]}
    assert {"teacher", "mentor", "moderator"} <= roles
