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


async def test_huge_number_in_body(tabs: TabsClient) -> None:
    response = await tabs.request(
        "POST",
        "/api/v1/demo/sessions",
        data=b'{"userId": 10000000000000000000}',
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
    )
    assert response.status == 422
    body = await response.json()
    assert body["code"] == "number_out_of_range"
    assert "10000000000000000000" in body["detail"]


async def test_non_ascii_digit_path_is_404(tabs: TabsClient) -> None:
    user = await tabs.sign_in("teacher")
    for raw in ("%C2%B2", "%EF%BC%91", "%D9%A3", "99999999999"):
        response = await tabs.request("GET", f"/api/v1/news/{raw}", user)
        assert response.status == 404, raw
        assert (await response.json())["code"] == "not_found"


async def test_paging_limit_message(tabs: TabsClient) -> None:
    user = await tabs.sign_in("teacher")
    response = await tabs.request(
        "GET", "/api/v1/news?limit=100000", user, headers={"Accept-Language": "ru-RU"}
    )
    assert response.status == 422
    error = (await response.json())["errors"][0]
    assert error["field"] == "limit"
    assert "Размер страницы" in error["message"]
    assert str(error["limit"]) in error["message"]


async def test_paging_offset_huge(tabs: TabsClient) -> None:
    user = await tabs.sign_in("teacher")
    response = await tabs.request("GET", "/api/v1/news?offset=99999999999999999999999", user)
    assert response.status == 422
    assert (await response.json())["errors"][0]["code"] == "too_large"


async def test_role_name_translated(tabs: TabsClient) -> None:
    user = await tabs.sign_in("teacher")
    response = await tabs.request(
        "GET", "/api/v1/stats/overview", user, headers={"Accept-Language": "ru-RU"}
    )
    assert response.status == 403
    assert "moderator" not in (await response.json())["detail"]


async def test_page_language_wins(tabs: TabsClient) -> None:
    user = await tabs.sign_in("teacher", locale="ru-RU")
    response = await tabs.request(
        "GET", "/api/v1/forum/sections", user, headers={"Accept-Language": "en-US"}
    )
    assert response.status == 200
    text = await response.text()
    assert "Looking for a way out together" in text
