"""Entra-shaped access tokens for tests, signed with keys that a ``JwksServer`` publishes.

Typical use, with the app's settings pointing at the local JWKS endpoint::

    key = RsaSigningKey.generate()
    async with JwksServer([key]) as jwks:
        tokens = TokenFactory(key)
        settings = tokens.settings(jwks.url)
        headers = {"Authorization": f"Bearer {tokens.mint(oid=user_oid)}"}

``mint`` produces a valid v2 token by default (``version="1.0"`` for the v1
shape). Keyword arguments replace claims, ``omit`` drops claims, and
``signing_key``, ``kid`` and ``algorithm`` make the broken tokens of the
token-check tests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import jwt

from teams_app.settings import Settings
from tests.tabs.jwks import RsaSigningKey

TENANT_ID = "9b5b0a4e-6f3c-4c1e-8f7a-2d4e6b8c0a11"
CLIENT_ID = "3f2d9c41-7a5e-4b8d-9c06-1e2f3a4b5c6d"
# The object id (oid) of the signed-in user unless a test passes another.
OBJECT_ID = "c1a2b3d4-e5f6-4789-a0b1-c2d3e4f5a6b7"
PUBLIC_BASE_URL = "https://tabs.mentoring.test"
AUTHORITY_HOST = "https://login.microsoftonline.com"
# The client that asks Entra for the token: the Teams desktop and mobile app.
TEAMS_CLIENT_ID = "1fec8e78-bce4-4aaf-ab1b-5451cc387264"
LIFETIME_SECONDS = 3600


class TokenFactory:
    """Mint access tokens of one Entra app and tenant, signed by ``signing_key``."""

    def __init__(
        self,
        signing_key: RsaSigningKey,
        *,
        tenant_id: str = TENANT_ID,
        client_id: str = CLIENT_ID,
        public_base_url: str = PUBLIC_BASE_URL,
        authority_host: str = AUTHORITY_HOST,
    ) -> None:
        self.signing_key = signing_key
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.public_base_url = public_base_url
        self.authority_host = authority_host

    @property
    def application_id_uri(self) -> str:
        return f"api://{urlsplit(self.public_base_url).hostname}/{self.client_id}"

    def settings(self, jwks_url: str, base: Settings | None = None, **overrides: Any) -> Settings:
        """Return ``base`` (or default settings) set up to accept this factory's tokens.

        ``overrides`` replace settings fields after that, such as
        ``aad_allowed_tenants=()`` to test a tenant list.
        """
        fields: dict[str, Any] = {
            "aad_client_id": self.client_id,
            "aad_allowed_tenants": (self.tenant_id,),
            "public_base_url": self.public_base_url,
            "aad_authority_host": self.authority_host,
            "aad_jwks_url": jwks_url,
        }
        return replace(base or Settings(), **(fields | overrides))

    def claims(self, version: str = "2.0", now: int | None = None) -> dict[str, Any]:
        """Return the claims of a valid token of this version, as Entra issues them."""
        issued_at = int(time.time()) if now is None else now
        common = {
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + LIFETIME_SECONDS,
            "tid": self.tenant_id,
            "oid": OBJECT_ID,
            "sub": "test-subject-of-the-user",
            "name": "Test User",
            "scp": "access_as_user",
            "ver": version,
        }
        if version == "1.0":
            return common | {
                "aud": self.application_id_uri,
                "iss": f"https://sts.windows.net/{self.tenant_id}/",
                "appid": TEAMS_CLIENT_ID,
                "upn": "test.user@contoso.test",
                "unique_name": "test.user@contoso.test",
            }
        return common | {
            "aud": self.client_id,
            "iss": f"{self.authority_host}/{self.tenant_id}/v2.0",
            "azp": TEAMS_CLIENT_ID,
            "preferred_username": "test.user@contoso.test",
        }

    def mint(
        self,
        *,
        version: str = "2.0",
        omit: Iterable[str] = (),
        signing_key: RsaSigningKey | None = None,
        kid: str | None = None,
        algorithm: str = "RS256",
        hmac_secret: bytes | None = None,
        **claims: Any,
    ) -> str:
        """Return a signed token, valid unless the arguments break it.

        ``signing_key`` signs in place of the factory's key and ``kid`` names
        another key id in the header. ``algorithm`` may be any RSA algorithm
        of PyJWT, ``"none"`` (no signature) or ``"HS256"``, which uses
        ``hmac_secret``, by default the PEM of the factory's public key (the
        key-confusion attack).
        """
        payload = self.claims(version) | claims
        for name in omit:
            payload.pop(name, None)
        key = signing_key or self.signing_key
        header = {"typ": "JWT", "alg": algorithm, "kid": kid or self.signing_key.kid}

        if algorithm == "none":
            return _compose(header, payload, b"")
        if algorithm == "HS256":
            secret = hmac_secret if hmac_secret is not None else self.signing_key.public_pem()
            signature = hmac.new(secret, _signing_input(header, payload), hashlib.sha256).digest()
            return _compose(header, payload, signature)
        return jwt.encode(payload, key.private_key, algorithm=algorithm, headers=header)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _signing_input(header: dict[str, Any], payload: dict[str, Any]) -> bytes:
    encoded_header = _b64url(json.dumps(header, separators=(",", ":")).encode())
    encoded_payload = _b64url(json.dumps(payload, separators=(",", ":")).encode())
    return f"{encoded_header}.{encoded_payload}".encode("ascii")


def _compose(header: dict[str, Any], payload: dict[str, Any], signature: bytes) -> str:
    # PyJWT rejects a PEM public key as an HMAC secret, so HS256 tokens (and
    # "none" tokens alike) are assembled by hand.
    return f"{_signing_input(header, payload).decode('ascii')}.{_b64url(signature)}"
