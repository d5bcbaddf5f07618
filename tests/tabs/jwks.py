"""RSA signing keys made in the test, and a JWKS endpoint on 127.0.0.1 that publishes them.

``JwksServer`` serves ``{"keys": [...]}`` at ``url`` on a free port, counts
the requests it gets, and can respond with another status, respond late, or
publish a new key set to simulate a key rotation.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@dataclass(frozen=True)
class RsaSigningKey:
    """An RSA key pair and the key id (``kid``) it is published under."""

    kid: str
    private_key: rsa.RSAPrivateKey

    @classmethod
    def generate(cls, kid: str | None = None) -> RsaSigningKey:
        # 2048 bits: smaller keys make PyJWT warn, which the test settings turn into errors.
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(kid=kid or f"test-key-{uuid.uuid4().hex[:12]}", private_key=private_key)

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK, in the shape Entra publishes."""
        jwk = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {"kty": "RSA", "use": "sig", "kid": self.kid, "n": jwk["n"], "e": jwk["e"]}

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


class JwksServer:
    """A JWKS endpoint for tests; use ``async with JwksServer([key]) as server``."""

    def __init__(self, keys: Iterable[RsaSigningKey] = ()) -> None:
        self.keys: list[RsaSigningKey] = list(keys)
        # Raw JWK entries published after the keys, such as malformed ones.
        self.extra_entries: list[Any] = []
        # A response body sent as-is in place of the key set, when set.
        self.body: str | None = None
        self.request_count = 0
        # The HTTP status of the response. Any status but 200 comes with a plain-text error.
        self.status = 200
        # Seconds to wait before responding.
        self.delay = 0.0
        self.url = ""
        self._runner: web.AppRunner | None = None

    def publish(self, *keys: RsaSigningKey) -> None:
        """Replace the published keys, as Entra does when it rotates them."""
        self.keys = list(keys)

    def document(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk() for key in self.keys] + list(self.extra_entries)}

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/discovery/v2.0/keys", self._handle)
        # Cancel a delayed response when the client disconnects, so close() need not wait for it.
        self._runner = web.AppRunner(app, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/discovery/v2.0/keys"

    async def close(self) -> None:
        """Stop listening. Later fetches from ``url`` fail with a refused connection."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> JwksServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _handle(self, request: web.Request) -> web.Response:
        self.request_count += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.Response(status=self.status, text="JWKS endpoint failure for the test")
        if self.body is not None:
            return web.Response(text=self.body, content_type="application/json")
        return web.json_response(self.document())
