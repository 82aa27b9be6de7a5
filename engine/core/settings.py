"""Settings read from the environment with the ``PHANANH_`` prefix."""

from functools import lru_cache
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.core.instance_secret import resolve_secret_key

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """All runtime configuration in one place."""

    model_config = SettingsConfigDict(env_prefix="PHANANH_", extra="ignore")

    database_url: str = "sqlite:///./phananh.db"
    db_pool_size: int = 5
    db_max_overflow: int = 10
    db_pool_timeout_seconds: float = 30.0
    db_pool_recycle_seconds: int = 1800
    # Empty means: the SQLite database's own secret file (see engine.core.instance_secret); required otherwise.
    secret_key: str = ""
    cookie_secure: bool = False
    # Addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated); none by default.
    trusted_proxies: str = ""
    token_minutes: int = 8 * 60
    # Failed sign-ins allowed per username and per client address in one window (then 429 with Retry-After).
    sign_in_failures_per_username: int = 5
    sign_in_failures_per_address: int = 20
    sign_in_window_seconds: int = 900
    timezone: str = "Asia/Ho_Chi_Minh"
    extra_days_off: str = ""
    makeup_working_days: str = ""
    processes_dir: Path = PROJECT_ROOT / "processes"
    forms_dir: Path = PROJECT_ROOT / "forms"
    scheduler_enabled: bool = True
    scheduler_interval_seconds: float = 5.0
    max_upload_bytes: int = 2_000_000
    max_bpmn_bytes: int = 5_000_000
    max_attachment_bytes: int = 10_000_000
    # A JSON body holds at most a BPMN file (lint, drafts) and its envelope; larger bodies are refused unread.
    max_json_bytes: int = 6_000_000
    identity_key: str = ""
    # Liên thông: the key every instance of a federation shares to fingerprint matters (HMAC); empty: none published.
    federation_key: str = ""
    # Official documents: completing a step that names document kinds issues them (number, PDF by LibreOffice,
    # signature). Off: the steps complete without issuing (e.g. a machine without LibreOffice).
    issue_documents: bool = True
    # Public portal (/portal): per-client-address limits (fixed windows counted in the database, so they hold
    # across several web processes) and the spam guard's form-token ages.
    portal_filing_limit: int = 5
    portal_filing_window_seconds: int = 3600
    portal_lookup_limit: int = 20
    portal_lookup_window_seconds: int = 600
    portal_form_min_seconds: float = 3.0
    portal_form_max_seconds: int = 4 * 3600
    portal_base_url: str = "http://127.0.0.1:8000"
    # E-mail to subscribed citizens; sending is disabled while smtp_host is empty (messages wait in the outbox).
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_from: str = "phananh@localhost"
    smtp_max_attempts: int = 5
    # Official documents: LibreOffice for DOCX → PDF (soffice and the system Python that has its uno module),
    # and the units' signing keys: <signing_p12_dir>/<unit code>.p12 (else the demo keys kept in the database),
    # trusted by the instance's roots (the demo CA's, plus the PEM files listed in signing_trust_roots).
    soffice_path: str = "soffice"
    soffice_python: str = "/usr/bin/python3"
    conversion_timeout_seconds: float = 60.0
    signing_p12_dir: Path | None = None
    signing_p12_password: str = ""
    signing_trust_roots: str = ""
    signing_font: Path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    max_verify_bytes: int = 10_000_000  # a PDF posted to be verified

    @property
    def max_body_bytes(self) -> int:
        """The largest non-JSON body read: the largest upload allowed, plus room for the multipart envelope."""
        largest = max(self.max_attachment_bytes, self.max_bpmn_bytes, self.max_upload_bytes, self.max_verify_bytes)
        return largest + 1_000_000

    @model_validator(mode="after")
    def _resolve_secret_key(self) -> "Settings":
        self.secret_key = resolve_secret_key(self.secret_key, self.database_url)
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
