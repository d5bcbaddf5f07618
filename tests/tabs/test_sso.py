"""The SSO token check: the token matrix, the JWKS cache and its refresh rules.

Tokens are RS256-signed here with keys that a JWKS endpoint on 127.0.0.1
publishes, so the real PyJWT and aiohttp code paths run.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import jwt
import pytest
import pytest_asyncio
from jwt.algorithms import HMACAlgorithm
from jwt.utils import base64url_decode

from tabs.sso import (
    DEFAULT_LEEWAY,
    MAX_TOKEN_LENGTH,
    TOKEN_ERROR_MESSAGES,
    SigningKeys,
    TokenClaims,
    TokenError,
    TokenValidator,
    application_id_uri,
)
from teams_app.i18n import Translator
from tests.tabs.jwks import JwksServer, RsaSigningKey
from tests.tabs.tokens import CLIENT_ID, OBJECT_ID, TENANT_ID, TokenFactory

OTHER_TENANT_ID = "0d7c4e21-95ab-4f3e-b6d8-7a9c1e2f3b40"
MIN_REFRESH_INTERVAL = 300.0
RETRY_INTERVAL = 10.0
MAX_AGE = 24 * 3600.0


class FakeClock:
    """Monotonic seconds that move only when a test advances them."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def signing_key() -> RsaSigningKey:
    return RsaSigningKey.generate()


@pytest.fixture(scope="module")
def other_key() -> RsaSigningKey:
    return RsaSigningKey.generate()


@pytest_asyncio.fixture
async def jwks(signing_key: RsaSigningKey) -> AsyncIterator[JwksServer]:
    async with JwksServer([signing_key]) as server:
        yield server


@pytest.fixture
def tokens(signing_key: RsaSigningKey) -> TokenFactory:
    return TokenFactory(signing_key)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest_asyncio.fixture
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def make_validator(
    tokens: TokenFactory,
    jwks: JwksServer,
    http_session: aiohttp.ClientSession,
    clock: FakeClock,
) -> Callable[..., TokenValidator]:
    """Build a validator with fresh keys; keyword arguments replace settings."""

    def make(**settings_overrides: Any) -> TokenValidator:
        settings = tokens.settings(jwks.url, **settings_overrides)
        keys = SigningKeys(
            settings,
            http_session,
            timeout=2.0,
            min_refresh_interval=MIN_REFRESH_INTERVAL,
            retry_interval=RETRY_INTERVAL,
            max_age=MAX_AGE,
            clock=clock,
        )
        return TokenValidator(settings, keys)

    return make


@pytest.fixture
def validator(make_validator: Callable[..., TokenValidator]) -> TokenValidator:
    return make_validator()


async def rejection_code(validator: TokenValidator, token: str) -> str:
    with pytest.raises(TokenError) as caught:
        await validator.validate(token)
    return caught.value.code


# Valid tokens


async def test_valid_v2_token_passes(validator: TokenValidator, tokens: TokenFactory) -> None:
    claims = await validator.validate(tokens.mint(name="Анна Петрова", email="anna@contoso.test"))

    assert claims == TokenClaims(
        tenant_id=TENANT_ID,
        object_id=OBJECT_ID,
        name="Анна Петрова",
        username="test.user@contoso.test",
        email="anna@contoso.test",
        scopes=frozenset({"access_as_user"}),
        version="2.0",
    )


async def test_valid_v1_token_passes(validator: TokenValidator, tokens: TokenFactory) -> None:
    claims = await validator.validate(tokens.mint(version="1.0", scp="access_as_user User.Read"))

    assert claims.version == "1.0"
    assert claims.tenant_id == TENANT_ID
    assert claims.object_id == OBJECT_ID
    assert claims.username == "test.user@contoso.test"
    assert claims.email == ""
    assert claims.scopes == frozenset({"access_as_user", "User.Read"})


@pytest.mark.parametrize("version", ["1.0", "2.0"])
@pytest.mark.parametrize("audience_form", ["client id", "App ID URI", "list"])
async def test_either_audience_form_passes(
    validator: TokenValidator, tokens: TokenFactory, version: str, audience_form: str
) -> None:
    audience: str | list[str] = {
        "client id": CLIENT_ID,
        "App ID URI": f"api://tabs.mentoring.test/{CLIENT_ID}",
        "list": ["https://graph.microsoft.com", CLIENT_ID],
    }[audience_form]

    claims = await validator.validate(tokens.mint(version=version, aud=audience))

    assert claims.version == version


def test_application_id_uri_uses_host(tokens: TokenFactory) -> None:
    settings = tokens.settings("http://127.0.0.1/keys", public_base_url="https://Tabs.Example:8443")

    assert application_id_uri(settings) == f"api://tabs.example/{CLIENT_ID}"


async def test_clock_skew_within_leeway_passes(
    validator: TokenValidator, tokens: TokenFactory
) -> None:
    now = int(time.time())
    skew = int(DEFAULT_LEEWAY) - 20

    expired_recently = tokens.mint(iat=now - 3600, nbf=now - 3600, exp=now - skew)
    issued_ahead = tokens.mint(iat=now + skew, nbf=now + skew)

    assert (await validator.validate(expired_recently)).object_id == OBJECT_ID
    assert (await validator.validate(issued_ahead)).object_id == OBJECT_ID


async def test_tenant_match_ignores_case(
    make_validator: Callable[..., TokenValidator], tokens: TokenFactory
) -> None:
    validator = make_validator(aad_allowed_tenants=(TENANT_ID.upper(), OTHER_TENANT_ID))

    claims = await validator.validate(tokens.mint())

    assert claims.tenant_id == TENANT_ID


# The token matrix: each broken token and the code it is rejected with


def _broken_tokens(
    tokens: TokenFactory, other_key: RsaSigningKey
) -> dict[str, tuple[str, str]]:
    now = int(time.time())
    valid = tokens.mint()
    header, payload, signature = valid.split(".")
    tampered_payload = tokens.mint(oid="someone-else").split(".")[1]
    v2_issuer_of_other_tenant = f"https://login.microsoftonline.com/{OTHER_TENANT_ID}/v2.0"
    no_kid = jwt.encode(tokens.claims(), tokens.signing_key.private_key, algorithm="RS256")

    return {
        "expired": (tokens.mint(iat=now - 7200, nbf=now - 7200, exp=now - 120), "token_expired"),
        "not yet valid": (tokens.mint(nbf=now + 600), "token_not_yet_valid"),
        "issued in the future": (
            tokens.mint(iat=now + 600, nbf=now),
            "token_not_yet_valid",
        ),
        "wrong audience v2": (tokens.mint(aud=str(uuid.uuid4())), "token_bad_audience"),
        "wrong audience v1": (
            tokens.mint(version="1.0", aud=f"api://other.example/{CLIENT_ID}"),
            "token_bad_audience",
        ),
        "audience list without the app": (
            tokens.mint(aud=["https://graph.microsoft.com"]),
            "token_bad_audience",
        ),
        "wrong issuer tenant": (tokens.mint(iss=v2_issuer_of_other_tenant), "token_bad_issuer"),
        "wrong issuer host": (
            tokens.mint(iss=f"https://login.example.test/{TENANT_ID}/v2.0"),
            "token_bad_issuer",
        ),
        "v2 issuer on v1 token": (
            tokens.mint(version="1.0", iss=f"https://login.microsoftonline.com/{TENANT_ID}/v2.0"),
            "token_bad_issuer",
        ),
        "v1 issuer on v2 token": (
            tokens.mint(iss=f"https://sts.windows.net/{TENANT_ID}/"),
            "token_bad_issuer",
        ),
        "wrong tenant": (
            tokens.mint(tid=OTHER_TENANT_ID, iss=v2_issuer_of_other_tenant),
            "token_bad_tenant",
        ),
        "missing scope": (tokens.mint(scp="User.Read openid"), "token_missing_scope"),
        "no scp claim": (tokens.mint(omit=["scp"]), "token_missing_scope"),
        "scope as prefix": (tokens.mint(scp="access_as_user_extra"), "token_missing_scope"),
        "bad signature": (
            tokens.mint(signing_key=other_key, kid=tokens.signing_key.kid),
            "token_bad_signature",
        ),
        "tampered payload": (f"{header}.{tampered_payload}.{signature}", "token_bad_signature"),
        "unknown key id": (
            tokens.mint(signing_key=other_key, kid=other_key.kid),
            "token_unknown_key",
        ),
        "alg none": (tokens.mint(algorithm="none"), "token_bad_algorithm"),
        "alg HS256 with the public key": (tokens.mint(algorithm="HS256"), "token_bad_algorithm"),
        "alg RS512": (tokens.mint(algorithm="RS512"), "token_bad_algorithm"),
        "alg PS256": (tokens.mint(algorithm="PS256"), "token_bad_algorithm"),
        "no kid": (no_kid, "token_malformed"),
        "missing oid": (tokens.mint(omit=["oid"]), "token_missing_claim"),
        "empty oid": (tokens.mint(oid=""), "token_missing_claim"),
        "missing tid": (tokens.mint(omit=["tid"]), "token_missing_claim"),
        "missing ver": (tokens.mint(omit=["ver"]), "token_missing_claim"),
        "missing exp": (tokens.mint(omit=["exp"]), "token_missing_claim"),
        "unknown version": (tokens.mint(ver="3.0"), "token_malformed"),
        "exp not a number": (tokens.mint(exp="tomorrow"), "token_malformed"),
        "garbage": ("this is not a token", "token_malformed"),
        "three garbage parts": ("abc.def.ghi", "token_malformed"),
        "signature missing": (f"{header}.{payload}", "token_malformed"),
        "too long": ("a" * (MAX_TOKEN_LENGTH + 1), "token_malformed"),
        "empty": ("", "token_missing"),
        "blank": ("   ", "token_missing"),
    }


BROKEN_TOKEN_CASES = [
    "expired",
    "not yet valid",
    "issued in the future",
    "wrong audience v2",
    "wrong audience v1",
    "audience list without the app",
    "wrong issuer tenant",
    "wrong issuer host",
    "v2 issuer on v1 token",
    "v1 issuer on v2 token",
    "wrong tenant",
    "missing scope",
    "no scp claim",
    "scope as prefix",
    "bad signature",
    "tampered payload",
    "unknown key id",
    "alg none",
    "alg HS256 with the public key",
    "alg RS512",
    "alg PS256",
    "no kid",
    "missing oid",
    "empty oid",
    "missing tid",
    "missing ver",
    "missing exp",
    "unknown version",
    "exp not a number",
    "garbage",
    "three garbage parts",
    "signature missing",
    "too long",
    "empty",
    "blank",
]


def test_matrix_lists_every_case(tokens: TokenFactory, other_key: RsaSigningKey) -> None:
    assert sorted(BROKEN_TOKEN_CASES) == sorted(_broken_tokens(tokens, other_key))


@pytest.mark.parametrize("case", BROKEN_TOKEN_CASES)
async def test_broken_token_rejected(
    validator: TokenValidator, tokens: TokenFactory, other_key: RsaSigningKey, case: str
) -> None:
    token, expected_code = _broken_tokens(tokens, other_key)[case]

    assert await rejection_code(validator, token) == expected_code


def test_hs256_token_verifies_with_public_key(tokens: TokenFactory) -> None:
    # Proves the HS256 case above is the real confusion attack: a verifier that
    # takes the key's PEM as an HMAC secret would accept this token.
    token = tokens.mint(algorithm="HS256")
    encoded_header, encoded_payload, signature = token.split(".")
    algorithm = HMACAlgorithm(HMACAlgorithm.SHA256)

    verified = algorithm.verify(
        f"{encoded_header}.{encoded_payload}".encode(),
        tokens.signing_key.public_pem(),
        base64url_decode(signature),
    )

    assert verified


@pytest.mark.parametrize("algorithm", ["none", "HS256", "RS512"])
async def test_bad_algorithm_fetches_no_keys(
    validator: TokenValidator, tokens: TokenFactory, jwks: JwksServer, algorithm: str
) -> None:
    await jwks.close()

    code = await rejection_code(validator, tokens.mint(algorithm=algorithm))

    assert code == "token_bad_algorithm"
    assert jwks.request_count == 0


async def test_no_allowed_tenant_rejects_all(
    make_validator: Callable[..., TokenValidator], tokens: TokenFactory
) -> None:
    validator = make_validator(aad_allowed_tenants=(), app_tenant_id="")

    assert await rejection_code(validator, tokens.mint()) == "token_bad_tenant"


async def test_bot_tenant_allowed_by_default(
    make_validator: Callable[..., TokenValidator], tokens: TokenFactory
) -> None:
    validator = make_validator(aad_allowed_tenants=(), app_tenant_id=TENANT_ID)

    assert (await validator.validate(tokens.mint())).tenant_id == TENANT_ID


async def test_no_client_id_rejects_all(
    make_validator: Callable[..., TokenValidator], tokens: TokenFactory
) -> None:
    validator = make_validator(aad_client_id="", app_id="")
    app_id_uri_without_client = "api://tabs.mentoring.test/"

    assert await rejection_code(validator, tokens.mint(aud="")) == "token_bad_audience"
    assert await rejection_code(validator, tokens.mint(aud=app_id_uri_without_client)) == (
        "token_bad_audience"
    )


async def test_client_id_defaults_to_bot_app_id(
    make_validator: Callable[..., TokenValidator], tokens: TokenFactory
) -> None:
    validator = make_validator(aad_client_id="", app_id=CLIENT_ID)

    assert (await validator.validate(tokens.mint())).object_id == OBJECT_ID


# Signing keys: rotation, throttling, single fetch, failures


async def test_keys_fetched_once_for_many_tokens(
    validator: TokenValidator, tokens: TokenFactory, jwks: JwksServer
) -> None:
    for _ in range(20):
        await validator.validate(tokens.mint())

    assert jwks.request_count == 1


async def test_key_rotation_refreshes_once(
    validator: TokenValidator,
    tokens: TokenFactory,
    jwks: JwksServer,
    other_key: RsaSigningKey,
    clock: FakeClock,
) -> None:
    await validator.validate(tokens.mint())
    jwks.publish(tokens.signing_key, other_key)
    clock.advance(MIN_REFRESH_INTERVAL)

    claims = await validator.validate(tokens.mint(signing_key=other_key, kid=other_key.kid))
    await validator.validate(tokens.mint(signing_key=other_key, kid=other_key.kid))

    assert claims.object_id == OBJECT_ID
    assert jwks.request_count == 2


async def test_new_key_waits_for_refresh_interval(
    validator: TokenValidator,
    tokens: TokenFactory,
    jwks: JwksServer,
    other_key: RsaSigningKey,
    clock: FakeClock,
) -> None:
    await validator.validate(tokens.mint())
    jwks.publish(tokens.signing_key, other_key)
    rotated = tokens.mint(signing_key=other_key, kid=other_key.kid)

    clock.advance(MIN_REFRESH_INTERVAL - 1)
    code_before_interval = await rejection_code(validator, rotated)
    clock.advance(1)
    claims_after_interval = await validator.validate(rotated)

    assert code_before_interval == "token_unknown_key"
    assert claims_after_interval.object_id == OBJECT_ID
    assert jwks.request_count == 2


async def test_random_kids_throttle_refresh(
    validator: TokenValidator,
    tokens: TokenFactory,
    jwks: JwksServer,
    other_key: RsaSigningKey,
    clock: FakeClock,
) -> None:
    await validator.validate(tokens.mint())
    clock.advance(MIN_REFRESH_INTERVAL)

    sequential_codes = [
        await rejection_code(validator, tokens.mint(signing_key=other_key, kid=uuid.uuid4().hex))
        for _ in range(50)
    ]
    concurrent_codes = await asyncio.gather(
        *(
            rejection_code(validator, tokens.mint(signing_key=other_key, kid=uuid.uuid4().hex))
            for _ in range(50)
        )
    )

    assert set(sequential_codes) == {"token_unknown_key"}
    assert set(concurrent_codes) == {"token_unknown_key"}
    assert jwks.request_count == 2


async def test_concurrent_unknown_kid_share_fetch(
    tokens: TokenFactory,
    jwks: JwksServer,
    http_session: aiohttp.ClientSession,
    other_key: RsaSigningKey,
) -> None:
    # With no refresh interval only the single-flight rule keeps this at one fetch.
    settings = tokens.settings(jwks.url)
    keys = SigningKeys(settings, http_session, min_refresh_interval=0.0, retry_interval=0.0)
    validator = TokenValidator(settings, keys)
    await validator.validate(tokens.mint())
    jwks.publish(other_key)
    jwks.delay = 0.2
    rotated = tokens.mint(signing_key=other_key, kid=other_key.kid)

    results = await asyncio.gather(*(validator.validate(rotated) for _ in range(20)))

    assert {claims.object_id for claims in results} == {OBJECT_ID}
    assert jwks.request_count == 2


async def test_removed_key_rejected_after_refresh(
    validator: TokenValidator,
    tokens: TokenFactory,
    jwks: JwksServer,
    other_key: RsaSigningKey,
    clock: FakeClock,
) -> None:
    await validator.validate(tokens.mint())
    jwks.publish(other_key)
    clock.advance(MAX_AGE)

    code = await rejection_code(validator, tokens.mint())

    assert code == "token_unknown_key"
    assert jwks.request_count == 2


async def test_keys_refreshed_after_max_age(
    validator: TokenValidator, tokens: TokenFactory, jwks: JwksServer, clock: FakeClock
) -> None:
    await validator.validate(tokens.mint())
    clock.advance(MAX_AGE - 1)
    await validator.validate(tokens.mint())
    fetches_before_max_age = jwks.request_count
    clock.advance(1)
    await validator.validate(tokens.mint())

    assert fetches_before_max_age == 1
    assert jwks.request_count == 2


async def test_failed_refresh_keeps_cached_keys(
    validator: TokenValidator, tokens: TokenFactory, jwks: JwksServer, clock: FakeClock
) -> None:
    await validator.validate(tokens.mint())
    jwks.status = 500
    clock.advance(MAX_AGE)

    claims = await validator.validate(tokens.mint())
    await validator.validate(tokens.mint())

    assert claims.object_id == OBJECT_ID
    assert jwks.request_count == 2


async def test_jwks_server_stopped(
    validator: TokenValidator, tokens: TokenFactory, jwks: JwksServer
) -> None:
    await jwks.close()

    assert await rejection_code(validator, tokens.mint()) == "keys_unavailable"


@pytest.mark.parametrize(
    "failure",
    ["HTTP 500", "HTTP 404", "not JSON", "no keys list", "no usable key", "timeout"],
)
async def test_jwks_failure_makes_keys_unavailable(
    tokens: TokenFactory,
    jwks: JwksServer,
    http_session: aiohttp.ClientSession,
    failure: str,
) -> None:
    settings = tokens.settings(jwks.url)
    keys = SigningKeys(settings, http_session, timeout=0.2)
    validator = TokenValidator(settings, keys)
    if failure == "HTTP 500":
        jwks.status = 500
    elif failure == "HTTP 404":
        jwks.status = 404
    elif failure == "not JSON":
        jwks.body = "<html>Service unavailable</html>"
    elif failure == "no keys list":
        jwks.body = '{"keys": "none"}'
    elif failure == "no usable key":
        jwks.publish()
        jwks.extra_entries.append({"kty": "EC", "kid": "ec-key", "crv": "P-256"})
    elif failure == "timeout":
        jwks.delay = 1.0

    code = await rejection_code(validator, tokens.mint())

    assert code == "keys_unavailable"
    assert jwks.request_count == 1


async def test_failed_fetch_retried_after_interval(
    validator: TokenValidator, tokens: TokenFactory, jwks: JwksServer, clock: FakeClock
) -> None:
    jwks.status = 503
    first_code = await rejection_code(validator, tokens.mint())
    clock.advance(RETRY_INTERVAL - 1)
    code_within_interval = await rejection_code(validator, tokens.mint())
    fetches_within_interval = jwks.request_count
    jwks.status = 200
    clock.advance(1)

    claims = await validator.validate(tokens.mint())

    assert first_code == "keys_unavailable"
    assert code_within_interval == "keys_unavailable"
    assert fetches_within_interval == 1
    assert claims.object_id == OBJECT_ID
    assert jwks.request_count == 2


async def test_cancelled_fetch_not_counted(
    validator: TokenValidator, tokens: TokenFactory, jwks: JwksServer
) -> None:
    jwks.delay = 0.5
    cancelled = asyncio.create_task(validator.validate(tokens.mint()))
    while jwks.request_count == 0:
        await asyncio.sleep(0.01)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    jwks.delay = 0.0

    claims = await validator.validate(tokens.mint())

    assert claims.object_id == OBJECT_ID
    assert jwks.request_count == 2


async def test_unusable_jwks_entries_skipped(
    validator: TokenValidator,
    tokens: TokenFactory,
    jwks: JwksServer,
    other_key: RsaSigningKey,
) -> None:
    encryption_key = other_key.public_jwk() | {"kid": "encryption", "use": "enc"}
    jwks.extra_entries.extend(
        [
            "not an object",
            {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
            {"kty": "EC", "kid": "ec-key", "crv": "P-256", "x": "AA", "y": "AA"},
            {"kty": "RSA", "kid": "broken", "n": "!!!", "e": "AQAB"},
            {"kty": "RSA", "kid": "small", "n": "AQAB", "e": "AQAB"},
            other_key.public_jwk() | {"kid": "rs512", "alg": "RS512"},
            encryption_key,
        ]
    )

    claims = await validator.validate(tokens.mint())
    encryption_code = await rejection_code(
        validator, tokens.mint(signing_key=other_key, kid="encryption")
    )

    assert claims.object_id == OBJECT_ID
    assert encryption_code == "token_unknown_key"


async def test_refresh_raises_when_unavailable(tokens: TokenFactory, jwks: JwksServer) -> None:
    keys = SigningKeys(tokens.settings(jwks.url))
    jwks.status = 502
    try:
        with pytest.raises(TokenError) as caught:
            await keys.refresh()
        jwks.status = 200
        await keys.refresh()
        loaded_kids = keys.kids
    finally:
        await keys.close()

    assert caught.value.code == "keys_unavailable"
    assert loaded_kids == {tokens.signing_key.kid}


async def test_own_session_closed_by_close(tokens: TokenFactory, jwks: JwksServer) -> None:
    keys = SigningKeys(tokens.settings(jwks.url))
    await keys.refresh()
    session = keys._session

    await keys.close()

    assert session is not None
    assert session.closed


async def test_given_session_left_open(
    tokens: TokenFactory, jwks: JwksServer, http_session: aiohttp.ClientSession
) -> None:
    keys = SigningKeys(tokens.settings(jwks.url), http_session)
    await keys.refresh()

    await keys.close()

    assert not http_session.closed


# Error codes and messages


def test_every_code_translated_to_russian() -> None:
    russian = Translator("ru")
    untranslated = [
        code
        for code, message_id in TOKEN_ERROR_MESSAGES.items()
        if russian.gettext(message_id, claim="oid") == message_id.format(claim="oid")
    ]

    assert untranslated == []


def test_error_renders_in_both_languages() -> None:
    error = TokenError("token_missing_claim", claim="oid")

    assert error.render(Translator("en")) == "The access token has no required claim «oid»."
    assert error.render(Translator("ru")) == "В токене доступа нет обязательного утверждения «oid»."


def test_http_status_per_code() -> None:
    statuses = {code: TokenError(code, claim="oid").http_status for code in TOKEN_ERROR_MESSAGES}

    assert statuses.pop("keys_unavailable") == 503
    assert set(statuses.values()) == {401}


def test_unknown_code_rejected() -> None:
    with pytest.raises(ValueError, match="unknown token error code"):
        TokenError("token_fishy")
