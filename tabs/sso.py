"""Validation of the Entra ID (SSO) access tokens that the tabs send as bearer tokens.

Inside Teams a tab page calls ``authentication.getAuthToken()`` and sends the
token in ``Authorization: Bearer ...``. This module checks such a token and
returns the identity in it. It takes the token as a string and uses no request
or response types.

Construction, once per app in its cleanup context::

    keys = SigningKeys(settings, session)  # session: an aiohttp.ClientSession, or None
    validator = TokenValidator(settings, keys)
    claims = await validator.validate(token)  # TokenClaims, or raises TokenError
    ...
    await keys.close()  # closes the session only if SigningKeys created it

``SigningKeys(settings, session=None, *, timeout=10.0, min_refresh_interval=300.0,
retry_interval=10.0, max_age=86400.0, clock=time.monotonic)`` loads the JWKS
from ``settings.aad_jwks_url`` on first use. ``TokenValidator(settings, keys, *,
leeway=60.0)`` reads ``sso_client_id``, ``public_base_url``,
``aad_authority_host`` and ``sso_tenants`` from the settings.

Every failure raises ``TokenError`` with a stable ``code`` (see
``TOKEN_ERROR_MESSAGES``). The API answers 401 for every code except
``keys_unavailable``, which is 503 because the token may well be valid.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from jwt.algorithms import RSAAlgorithm

from teams_app.i18n import Translator, gettext_noop as N_
from teams_app.settings import Settings

logger = logging.getLogger(__name__)

# The only signature algorithm Entra uses for access tokens. Checking it before
# any key lookup rejects "none" and the HS256 key-confusion attack outright.
ACCEPTED_ALGORITHM = "RS256"
REQUIRED_SCOPE = "access_as_user"
# Allowed clock difference between Entra and this server, in seconds.
DEFAULT_LEEWAY = 60.0
# Longer strings are rejected unparsed. Entra access tokens are a few kilobytes,
# and aiohttp rejects header fields over 8190 bytes anyway.
MAX_TOKEN_LENGTH = 16 * 1024
# A JWKS document larger than this is rejected. Entra's contains a few keys.
MAX_JWKS_BYTES = 1024 * 1024
MIN_RSA_KEY_BITS = 2048
# v1 tokens are issued by the STS host whatever the sign-in host is.
# NOTE: national clouds (such as Azure China) use another v1 issuer host,
# which this module does not accept.
V1_ISSUER_TEMPLATE = "https://sts.windows.net/{tenant_id}/"
V2_ISSUER_TEMPLATE = "{authority_host}/{tenant_id}/v2.0"

# English message id per error code; Russian texts are in locale/ru/LC_MESSAGES/tabs.po.
TOKEN_ERROR_MESSAGES: Mapping[str, str] = {
    "token_missing": N_("Sign-in is required: the request has no access token."),
    "token_malformed": N_(
        "The access token is not a valid Entra ID token. Reload the tab to sign in again."
    ),
    "token_expired": N_("Your sign-in has expired. Reload the tab to sign in again."),
    "token_not_yet_valid": N_(
        "The access token is not valid yet. Check the date and time of your device, "
        "then reload the tab."
    ),
    "token_bad_signature": N_("The signature of the access token is invalid."),
    "token_unknown_key": N_(
        "The access token is signed with an unknown key. Reload the tab to sign in again."
    ),
    "token_bad_algorithm": N_(
        "The access token uses an unsupported signature algorithm; only RS256 is accepted."
    ),
    "token_bad_issuer": N_("The access token was not issued by Microsoft Entra ID."),
    "token_bad_audience": N_("The access token was issued for another app."),
    "token_bad_tenant": N_(
        "Your organisation is not allowed to sign in to this app. "
        "Ask the administrator of the app to add it."
    ),
    "token_missing_scope": N_(
        "The access token does not grant the access_as_user scope. "
        "Ask the administrator to grant consent to the app."
    ),
    "token_missing_claim": N_("The access token has no required claim «{claim}»."),
    "keys_unavailable": N_(
        "The Microsoft Entra ID signing keys could not be loaded. Try again in a minute."
    ),
}


class TokenError(Exception):
    """A rejected access token, or keys that could not be loaded to check it.

    ``code`` is a key of ``TOKEN_ERROR_MESSAGES`` and stays stable for
    clients. ``detail`` is a short English description for logs, and it
    never contains the token. ``http_status`` is 401 for every code except
    ``keys_unavailable``, which is 503 (the Entra key endpoint failed, so the
    client should retry rather than sign in again).
    """

    def __init__(self, code: str, detail: str = "", **fields: str) -> None:
        if code not in TOKEN_ERROR_MESSAGES:
            raise ValueError(f"unknown token error code {code!r}")
        self.code = code
        self.fields = fields
        self.detail = detail or TOKEN_ERROR_MESSAGES[code].format(**fields)
        super().__init__(f"{code}: {self.detail}")

    @property
    def message_id(self) -> str:
        return TOKEN_ERROR_MESSAGES[self.code]

    @property
    def http_status(self) -> int:
        return 503 if self.code == "keys_unavailable" else 401

    def render(self, translate: Translator) -> str:
        """Translate the user-facing message of this error."""
        return translate(self.message_id, **self.fields)


@dataclass(frozen=True)
class TokenClaims:
    """The identity in a validated access token; users are keyed by (tenant_id, object_id)."""

    tenant_id: str  # tid, lower case
    object_id: str  # oid
    name: str  # display name, "" when absent
    username: str  # preferred_username (v2) or upn / unique_name (v1), "" when absent
    email: str  # the optional email claim, "" when absent
    scopes: frozenset[str]  # scp, split on spaces
    version: str  # ver: "1.0" or "2.0"


def application_id_uri(settings: Settings) -> str:
    """Build the App ID URI of the SSO app: ``api://<host of public_base_url>/<client id>``.

    The manifest's ``webApplicationInfo.resource`` must be the same string.
    """
    host = urlsplit(settings.public_base_url).hostname or ""
    return f"api://{host}/{settings.sso_client_id}"


def _describe_kid(kid: str) -> str:
    # The kid comes from an unauthenticated header; keep log lines short.
    return repr(kid[:64])


class SigningKeys:
    """The RSA public keys that sign Entra tokens, fetched from the JWKS URL and cached by kid.

    The cache is per process and contains public keys only. It is refreshed:

    - on first use, and when a token names an unknown kid, but at most once
      per ``min_refresh_interval`` seconds after a fetch (``retry_interval``
      after a failed one), so tokens with random kids cannot flood the endpoint;
    - when it is older than ``max_age`` seconds, which also drops keys that
      Entra has withdrawn.

    Concurrent callers share one fetch. A failed fetch keeps the keys already
    cached. ``get`` raises ``TokenError("keys_unavailable")`` when a needed key
    could not be fetched, for which the API returns 503, and
    ``TokenError("token_unknown_key")`` when the JWKS was fetched and lacks the kid.

    ``session`` is an ``aiohttp.ClientSession`` that the caller owns and closes.
    Without one, this object creates its own and ``close()`` closes it.
    ``clock`` returns monotonic seconds; tests pass a fake one.
    """

    def __init__(
        self,
        settings: Settings,
        session: aiohttp.ClientSession | None = None,
        *,
        timeout: float = 10.0,
        min_refresh_interval: float = 300.0,
        retry_interval: float = 10.0,
        max_age: float = 24 * 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = settings.aad_jwks_url
        self._session = session
        self._owns_session = session is None
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._min_refresh_interval = min_refresh_interval
        self._retry_interval = retry_interval
        self._max_age = max_age
        self._clock = clock
        self._keys: dict[str, RSAPublicKey] = {}
        self._loaded_at: float | None = None
        self._attempted_at: float | None = None
        self._last_fetch_failed = False
        # Counts finished fetches, so callers that waited on the lock can tell
        # that another caller fetched meanwhile.
        self._generation = 0
        self._lock = asyncio.Lock()

    @property
    def kids(self) -> frozenset[str]:
        """Key ids in the cache."""
        return frozenset(self._keys)

    async def get(self, kid: str) -> RSAPublicKey:
        """Return the public key with this kid, fetching the JWKS when the rules above allow."""
        key = self._keys.get(kid)
        if key is not None and not self._is_stale():
            return key
        if key is not None and self._lock.locked():
            # A refresh of a stale cache is running; the cached key is still usable.
            return key

        generation = self._generation
        async with self._lock:
            if self._generation == generation and self._may_fetch():
                await self._fetch()
        key = self._keys.get(kid)
        if key is not None:
            return key
        if self._last_fetch_failed:
            raise TokenError("keys_unavailable", f"fetching the JWKS from {self._url} failed")
        raise TokenError("token_unknown_key", f"kid {_describe_kid(kid)} is not in the JWKS")

    async def refresh(self) -> None:
        """Fetch the JWKS now, ignoring the refresh interval.

        Raises ``TokenError("keys_unavailable")`` on failure. The app may call
        it at start-up to load the keys before the first request.
        """
        async with self._lock:
            await self._fetch()
        if self._last_fetch_failed:
            raise TokenError("keys_unavailable", f"fetching the JWKS from {self._url} failed")

    async def close(self) -> None:
        """Close the HTTP session if this object created it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _is_stale(self) -> bool:
        return self._loaded_at is None or self._clock() - self._loaded_at >= self._max_age

    def _may_fetch(self) -> bool:
        if self._attempted_at is None:
            return True
        interval = self._retry_interval if self._last_fetch_failed else self._min_refresh_interval
        return self._clock() - self._attempted_at >= interval

    async def _fetch(self) -> None:
        # The caller holds self._lock. Network, HTTP and JSON failures are logged
        # and recorded rather than raised. A cancelled fetch records nothing, so
        # the next caller fetches at once.
        attempted_at = self._clock()
        try:
            document = await self._download()
            keys = _parse_jwks(document, self._url)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            self._last_fetch_failed = True
            logger.warning(
                "Failed to fetch the signing keys from %s (%d keys kept in the cache): %r",
                self._url,
                len(self._keys),
                error,
            )
        else:
            self._keys = keys
            self._loaded_at = self._clock()
            self._last_fetch_failed = False
            logger.info("Loaded %d signing keys from %s", len(keys), self._url)
        self._attempted_at = attempted_at
        self._generation += 1

    async def _download(self) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.get(
            self._url, timeout=self._timeout, headers={"Accept": "application/json"}
        ) as response:
            if response.status != 200:
                raise ValueError(f"the JWKS endpoint returned HTTP {response.status}")
            body = bytearray()
            async for chunk in response.content.iter_chunked(64 * 1024):
                body.extend(chunk)
                if len(body) > MAX_JWKS_BYTES:
                    raise ValueError(f"the JWKS document is larger than {MAX_JWKS_BYTES} bytes")
        return json.loads(body)


def _parse_jwks(document: Any, url: str) -> dict[str, RSAPublicKey]:
    """Extract the RSA signature keys of a JWKS document; raise ValueError if there are none."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("the JWKS document has no 'keys' list")

    keys: dict[str, RSAPublicKey] = {}
    for jwk in document["keys"]:
        if not isinstance(jwk, dict):
            continue
        kid = jwk.get("kid")
        if not isinstance(kid, str) or not kid:
            continue
        if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
            continue
        if jwk.get("alg", ACCEPTED_ALGORITHM) != ACCEPTED_ALGORITHM:
            continue
        try:
            key = RSAAlgorithm.from_jwk(jwk)
        except (jwt.InvalidKeyError, ValueError, TypeError, KeyError) as error:
            logger.warning("Skipped key %s of the JWKS at %s: %r", _describe_kid(kid), url, error)
            continue
        if isinstance(key, RSAPrivateKey):
            # A published private key is a misconfiguration; use its public half only.
            key = key.public_key()
        if key.key_size < MIN_RSA_KEY_BITS:
            logger.warning(
                "Skipped key %s of the JWKS at %s: %d bits is under %d",
                _describe_kid(kid),
                url,
                key.key_size,
                MIN_RSA_KEY_BITS,
            )
            continue
        keys[kid] = key

    if not keys:
        raise ValueError("the JWKS document has no usable RSA signature key")
    return keys


class TokenValidator:
    """Check Entra access tokens for this app, in the v1 and the v2 form.

    A token passes when all of these hold:

    - its header names RS256 and a known kid, and the signature verifies;
    - ``exp``, ``nbf`` and ``iat`` are valid within ``leeway`` seconds;
    - ``iss`` is the v1 or v2 issuer (by ``ver``) of the token's own ``tid``;
    - ``aud`` is the client id or the App ID URI, either form for either version;
    - ``tid`` is in ``settings.sso_tenants``, so an empty list lets nobody in;
    - ``scp`` contains ``access_as_user`` and ``oid`` is present.
    """

    def __init__(
        self, settings: Settings, keys: SigningKeys, *, leeway: float = DEFAULT_LEEWAY
    ) -> None:
        self._keys = keys
        self._leeway = leeway
        self._authority_host = settings.aad_authority_host.rstrip("/")
        # Without a client id no audience matches, so every token is rejected.
        client_id = settings.sso_client_id
        self._audiences: frozenset[str] = frozenset()
        if client_id:
            self._audiences = frozenset((client_id, application_id_uri(settings)))
        self._tenants = frozenset(tenant.lower() for tenant in settings.sso_tenants)

    async def validate(self, token: str) -> TokenClaims:
        """Return the claims of a valid token, or raise TokenError naming the first failed check."""
        kid = self._check_header(token)
        key = await self._keys.get(kid)
        payload = self._verify_signature_and_times(token, key)
        return self._check_claims(payload)

    def _check_header(self, token: str) -> str:
        if not isinstance(token, str) or not token.strip():
            raise TokenError("token_missing")
        if len(token) > MAX_TOKEN_LENGTH:
            raise TokenError(
                "token_malformed", f"the token is longer than {MAX_TOKEN_LENGTH} characters"
            )
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise TokenError("token_malformed", f"unreadable JWT header: {error}") from None

        algorithm = header.get("alg")
        if algorithm != ACCEPTED_ALGORITHM:
            raise TokenError(
                "token_bad_algorithm", f"alg {str(algorithm)[:16]!r} is not {ACCEPTED_ALGORITHM}"
            )
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenError("token_malformed", "the JWT header has no kid")
        return kid

    def _verify_signature_and_times(self, token: str, key: RSAPublicKey) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[ACCEPTED_ALGORITHM],
                leeway=self._leeway,
                options={
                    "require": ["exp", "iat"],
                    # The issuer depends on the token's own tid and the audience
                    # has two accepted forms, so _check_claims checks both.
                    "verify_aud": False,
                    "verify_iss": False,
                    "verify_sub": False,
                    "verify_jti": False,
                },
            )
        except jwt.InvalidSignatureError:
            raise TokenError("token_bad_signature") from None
        except jwt.ExpiredSignatureError:
            raise TokenError("token_expired") from None
        except jwt.ImmatureSignatureError as error:
            raise TokenError("token_not_yet_valid", str(error)) from None
        except jwt.MissingRequiredClaimError as error:
            raise TokenError("token_missing_claim", claim=error.claim) from None
        except jwt.InvalidTokenError as error:
            raise TokenError("token_malformed", str(error)) from None

    def _check_claims(self, payload: dict[str, Any]) -> TokenClaims:
        version = _required_text(payload, "ver")
        tenant_id = _required_text(payload, "tid")
        object_id = _required_text(payload, "oid")
        if version == "1.0":
            expected_issuer = V1_ISSUER_TEMPLATE.format(tenant_id=tenant_id)
        elif version == "2.0":
            expected_issuer = V2_ISSUER_TEMPLATE.format(
                authority_host=self._authority_host, tenant_id=tenant_id
            )
        else:
            raise TokenError("token_malformed", f"unsupported token version {version[:16]!r}")

        if payload.get("iss") != expected_issuer:
            raise TokenError(
                "token_bad_issuer", f"iss is not {expected_issuer!r} for a v{version} token"
            )

        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience
        if not isinstance(audiences, list) or not self._audiences.intersection(
            item for item in audiences if isinstance(item, str)
        ):
            raise TokenError("token_bad_audience")

        if tenant_id.lower() not in self._tenants:
            raise TokenError("token_bad_tenant", f"tenant {tenant_id[:64]!r} is not allowed")

        scope_claim = payload.get("scp")
        scopes = frozenset(scope_claim.split()) if isinstance(scope_claim, str) else frozenset()
        if REQUIRED_SCOPE not in scopes:
            raise TokenError("token_missing_scope")

        return TokenClaims(
            tenant_id=tenant_id.lower(),
            object_id=object_id,
            name=_optional_text(payload, "name"),
            username=(
                _optional_text(payload, "preferred_username")
                or _optional_text(payload, "upn")
                or _optional_text(payload, "unique_name")
            ),
            email=_optional_text(payload, "email"),
            scopes=scopes,
            version=version,
        )


def _required_text(payload: Mapping[str, Any], claim: str) -> str:
    value = payload.get(claim)
    if not isinstance(value, str) or not value:
        raise TokenError("token_missing_claim", claim=claim)
    return value


def _optional_text(payload: Mapping[str, Any], claim: str) -> str:
    value = payload.get(claim)
    return value if isinstance(value, str) else ""
