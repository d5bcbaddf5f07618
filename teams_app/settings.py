"""Settings of the app, read from environment variables once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SQLITE_PATH = Path("var") / "mentoring.db"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _items(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    """Every knob of the app; ``from_env`` documents the variable behind each."""

    database_url: str = f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}"
    host: str = "127.0.0.1"
    port: int = 3978
    # Bot registration; an empty app id disables Bot Framework authentication,
    # which only the local Agents Playground and the tests rely on.
    app_id: str = ""
    app_password: str = field(default="", repr=False)
    app_type: str = "SingleTenant"
    app_tenant_id: str = ""
    # Demo mode loads demo mentors, materials and solved cases.
    demo: bool = False
    # Teams user ids ("29:...") or Entra object ids granted roles in demo mode.
    demo_mentor_ids: tuple[str, ...] = ()
    default_locale: str = "ru-RU"
    # How many ranked mentors the teacher is offered in one round.
    candidate_count: int = 3
    # How many library hits the first automatic answer shows.
    library_hit_count: int = 5
    # Seconds to wait for one proactive send or card update.
    connector_timeout: float = 15.0
    # Seconds a claimed delivery stays leased before another worker may take it over.
    delivery_lease: float = 300.0
    # Seconds between two scans of the delivery outbox for abandoned deliveries.
    delivery_sweep_interval: float = 5.0
    # Seconds an unclaimed delivery waits before the sweeper takes it.
    delivery_sweep_min_age: float = 10.0
    # Migrate the schema and load seed data when the app starts.
    migrate_on_start: bool = True
    # Public HTTPS origin of the app: tab URLs, the manifest and feed links use it.
    public_base_url: str = "https://localhost:3978"
    # Id (GUID) of the Teams app in its manifest, and the manifest's app version.
    teams_app_id: str = "6c1f4ad3-59b2-4c8e-9a61-2f0d5e7b8a10"
    app_version: str = "1.0.0"
    # Entra app behind tab SSO and web sign-in; empty means the bot's app id.
    aad_client_id: str = ""
    # Tenants whose users may sign in to the tabs; empty means the bot's tenant.
    aad_allowed_tenants: tuple[str, ...] = ()
    # Entra sign-in host: the token issuers and the web sign-in authority use it.
    aad_authority_host: str = "https://login.microsoftonline.com"
    # Where the signing keys of Entra tokens are published.
    aad_jwks_url: str = "https://login.microsoftonline.com/common/discovery/v2.0/keys"
    # Extra origins allowed to frame the tabs besides Teams and Microsoft 365
    # (only tests set it, for a local stand-in of the Teams host).
    extra_frame_ancestors: tuple[str, ...] = ()

    @property
    def sso_client_id(self) -> str:
        return self.aad_client_id or self.app_id

    @property
    def sso_tenants(self) -> tuple[str, ...]:
        if self.aad_allowed_tenants:
            return self.aad_allowed_tenants
        return (self.app_tenant_id,) if self.app_tenant_id else ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``MENTORING_*`` and ``MICROSOFT_APP_*`` variables."""
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            database_url=env.get("MENTORING_DATABASE_URL", defaults.database_url),
            host=env.get("MENTORING_HOST", defaults.host),
            port=int(env.get("MENTORING_PORT", defaults.port)),
            app_id=env.get("MICROSOFT_APP_ID", ""),
            app_password=env.get("MICROSOFT_APP_PASSWORD", ""),
            app_type=env.get("MICROSOFT_APP_TYPE", defaults.app_type),
            app_tenant_id=env.get("MICROSOFT_APP_TENANT_ID", ""),
            demo=_flag(env.get("MENTORING_DEMO")),
            demo_mentor_ids=_items(env.get("MENTORING_DEMO_MENTOR_IDS", "")),
            default_locale=env.get("MENTORING_DEFAULT_LOCALE", defaults.default_locale),
            candidate_count=int(env.get("MENTORING_CANDIDATE_COUNT", defaults.candidate_count)),
            library_hit_count=int(
                env.get("MENTORING_LIBRARY_HIT_COUNT", defaults.library_hit_count)
            ),
            connector_timeout=float(
                env.get("MENTORING_CONNECTOR_TIMEOUT", defaults.connector_timeout)
            ),
            delivery_lease=float(env.get("MENTORING_DELIVERY_LEASE", defaults.delivery_lease)),
            delivery_sweep_interval=float(
                env.get("MENTORING_DELIVERY_SWEEP_INTERVAL", defaults.delivery_sweep_interval)
            ),
            delivery_sweep_min_age=float(
                env.get("MENTORING_DELIVERY_SWEEP_MIN_AGE", defaults.delivery_sweep_min_age)
            ),
            migrate_on_start=not _flag(env.get("MENTORING_SKIP_MIGRATIONS")),
            public_base_url=env.get("MENTORING_PUBLIC_BASE_URL", defaults.public_base_url).rstrip(
                "/"
            ),
            teams_app_id=env.get("MENTORING_TEAMS_APP_ID", defaults.teams_app_id),
            app_version=env.get("MENTORING_APP_VERSION", defaults.app_version),
            aad_client_id=env.get("MENTORING_AAD_CLIENT_ID", ""),
            aad_allowed_tenants=_items(env.get("MENTORING_AAD_ALLOWED_TENANTS", "")),
            aad_authority_host=env.get(
                "MENTORING_AAD_AUTHORITY_HOST", defaults.aad_authority_host
            ).rstrip("/"),
            aad_jwks_url=env.get("MENTORING_AAD_JWKS_URL", defaults.aad_jwks_url),
            extra_frame_ancestors=_items(env.get("MENTORING_EXTRA_FRAME_ANCESTORS", "")),
        )
