"""Entra tokens at the API: the token matrix over HTTP, and one person for bot and tabs."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from teams_app.app import create_app
from teams_app.settings import Settings
from teams_app.workflow.views import TeamsIdentity
from tests.factories import reference_for
from tests.tabs.conftest import TabsClient
from tests.tabs.jwks import JwksServer, RsaSigningKey
from tests.tabs.tokens import TokenFactory

NOW = int(time.time())


@dataclasses.dataclass
class SsoSetup:
    tabs: TabsClient
    tokens: TokenFactory
    jwks: JwksServer


@pytest_asyncio.fixture
async def sso(settings: Settings, aiohttp_client: Any) -> AsyncIterator[SsoSetup]:
    key = RsaSigningKey.generate()
    async with JwksServer([key]) as jwks:
        tokens = TokenFactory(key)
        app_settings = tokens.settings(
            jwks.url, base=dataclasses.replace(settings, migrate_on_start=True)
        )
        app = create_app(app_settings)
        client = await aiohttp_client(app)
        yield SsoSetup(TabsClient(client, app), tokens, jwks)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("version", ["1.0", "2.0"])
async def test_valid_token_signs_in(sso: SsoSetup, version: str) -> None:
    token = sso.tokens.mint(version=version, name="Ирина Соколова")
    response = await sso.tabs.request("GET", "/api/v1/me", headers=_bearer(token))
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["displayName"] == "Ирина Соколова"
    assert body["roles"] == ["teacher"]


async def test_tab_user_is_bot_user(sso: SsoSetup) -> None:
    workflow = sso.tabs.services.workflow
    oid = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    bot_actor = await workflow.identify(
        TeamsIdentity("29:bot-user", oid, sso.tokens.tenant_id, "Ольга Белова", "ru-RU"),
        reference_for("29:bot-user"),
    )
    token = sso.tokens.mint(oid=oid, name="Ольга Белова")
    body = await (await sso.tabs.request("GET", "/api/v1/me", headers=_bearer(token))).json()
    assert body["id"] == bot_actor.user_id


BAD_TOKENS: dict[str, tuple[dict[str, Any], str]] = {
    "expired": ({"exp": NOW - 3600, "iat": NOW - 7200, "nbf": NOW - 7200}, "token_expired"),
    "not yet valid": ({"nbf": NOW + 3600, "iat": NOW}, "token_not_yet_valid"),
    "wrong audience": ({"aud": "api://elsewhere.test/other"}, "token_bad_audience"),
    "wrong issuer": ({"iss": "https://evil.test/issuer/v2.0"}, "token_bad_issuer"),
    "missing scope": ({"scp": "User.Read"}, "token_missing_scope"),
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_bad_claims_rejected(sso: SsoSetup, case: str) -> None:
    claims, code = BAD_TOKENS[case]
    response = await sso.tabs.request(
        "GET", "/api/v1/me", headers=_bearer(sso.tokens.mint(**claims))
    )
    assert response.status == 401
    body = await response.json()
    assert body["code"] == code
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_wrong_tenant_rejected(sso: SsoSetup) -> None:
    other = TokenFactory(sso.tokens.signing_key, tenant_id="7e6d5c4b-3a29-4817-9605-f4e3d2c1b0a9")
    response = await sso.tabs.request("GET", "/api/v1/me", headers=_bearer(other.mint()))
    assert response.status == 401
    assert (await response.json())["code"] == "token_bad_tenant"


async def test_bad_signature_rejected(sso: SsoSetup) -> None:
    forged = sso.tokens.mint(signing_key=RsaSigningKey.generate(kid=sso.tokens.signing_key.kid))
    response = await sso.tabs.request("GET", "/api/v1/me", headers=_bearer(forged))
    assert response.status == 401
    assert (await response.json())["code"] == "token_bad_signature"


async def test_unknown_key_rejected(sso: SsoSetup) -> None:
    stranger = RsaSigningKey.generate()
    token = sso.tokens.mint(signing_key=stranger, kid=stranger.kid)
    response = await sso.tabs.request("GET", "/api/v1/me", headers=_bearer(token))
    assert response.status == 401
    assert (await response.json())["code"] == "token_unknown_key"


@pytest.mark.parametrize("algorithm", ["none", "HS256"])
async def test_algorithm_attacks_rejected(sso: SsoSetup, algorithm: str) -> None:
    token = sso.tokens.mint(algorithm=algorithm)
    response = await sso.tabs.request("GET", "/api/v1/me", headers=_bearer(token))
    assert response.status == 401
    assert (await response.json())["code"] == "token_bad_algorithm"


async def test_garbage_token_rejected(sso: SsoSetup) -> None:
    response = await sso.tabs.request("GET", "/api/v1/me", headers=_bearer("not.a.jwt"))
    assert response.status == 401
    assert (await response.json())["code"] == "token_malformed"


async def test_problem_in_users_language(sso: SsoSetup) -> None:
    token = sso.tokens.mint(exp=NOW - 3600, iat=NOW - 7200, nbf=NOW - 7200)
    response = await sso.tabs.request(
        "GET", "/api/v1/me", headers=_bearer(token) | {"Accept-Language": "ru-RU"}
    )
    body = await response.json()
    english = await (
        await sso.tabs.request(
            "GET", "/api/v1/me", headers=_bearer(token) | {"Accept-Language": "en-GB"}
        )
    ).json()
    assert body["detail"] != english["detail"]
    assert any("а" <= ch <= "я" for ch in body["detail"].lower())


async def test_keys_down_is_503(sso: SsoSetup) -> None:
    sso.jwks.status = 500
    response = await sso.tabs.request("GET", "/api/v1/me", headers=_bearer(sso.tokens.mint()))
    assert response.status == 503
    assert (await response.json())["code"] == "keys_unavailable"


async def test_demo_token_refused_outside_demo(sso: SsoSetup) -> None:
    response = await sso.tabs.request("GET", "/api/v1/me", headers=_bearer("demo.anything"))
    assert response.status == 401
    assert (await response.json())["code"] == "demo_session_invalid"


async def test_demo_endpoints_hidden_outside_demo(sso: SsoSetup) -> None:
    response = await sso.tabs.request("GET", "/api/v1/demo/users")
    assert response.status == 404
