"""Jupyter-side settings: ``c.NbvcSettings.*`` and bookstore's ``c.BookstoreSettings.*``.

Both turn into nbvc setting overrides (strongest in nbvc's precedence). Credentials
given here are used in the server process only and never written to disk.
"""

from __future__ import annotations

from typing import Any

from traitlets import Bool, Integer, Unicode
from traitlets.config import Config, Configurable


class BookstoreSettings(Configurable):
    """bookstore's settings, accepted unchanged (keys are prefix + path, '/' stripped)."""

    workspace_prefix = Unicode("", help="Key prefix of drafts, e.g. /workspace/kylek/notebooks").tag(
        config=True)
    published_prefix = Unicode("", help="Key prefix of published copies").tag(config=True)
    s3_bucket = Unicode("", help="Bucket name").tag(config=True)
    s3_endpoint_url = Unicode("", help="S3-compatible endpoint").tag(config=True)
    s3_region_name = Unicode("", help="Region").tag(config=True)
    s3_access_key_id = Unicode("", help="Access key (else boto3's chain)").tag(config=True)
    s3_secret_access_key = Unicode("", help="Secret key (else boto3's chain)").tag(config=True)

    def overrides(self) -> dict[str, Any]:
        return {
            "remote": f"s3://{self.s3_bucket}" if self.s3_bucket else "",
            "endpoint_url": self.s3_endpoint_url,
            "region": self.s3_region_name,
            "access_key_id": self.s3_access_key_id,
            "secret_access_key": self.s3_secret_access_key,
            "workspace_prefix": self.workspace_prefix,
            "published_prefix": self.published_prefix,
        }


class NbvcSettings(BookstoreSettings):
    """The same settings under nbvc's name, plus the rest of nbvc's configuration."""

    remote = Unicode("", help="s3://BUCKET or local:///DIR (wins over s3_bucket)").tag(config=True)
    user = Unicode("", help="User in keys and history [$JUPYTERHUB_USER or login]").tag(config=True)
    jobs = Integer(0, help="Parallel uploads (0: nbvc's default)").tag(config=True)
    retry_delay_max = Integer(30, help="Longest wait, in seconds, between upload retries").tag(
        config=True)
    checkpoints = Bool(True, help="Jupyter's checkpoints are nbvc versions (False: keep the "
                                  "server's own checkpoints; saves are still archived)").tag(config=True)

    def overrides(self) -> dict[str, Any]:
        values = super().overrides()
        if self.remote:
            values["remote"] = self.remote
        values["user"] = self.user
        if self.jobs:
            values["jobs"] = self.jobs
        return values


def overrides_from(config: Config) -> dict[str, Any]:
    """nbvc overrides from a Jupyter config: NbvcSettings over BookstoreSettings."""
    merged = {k: v for k, v in BookstoreSettings(config=config).overrides().items() if v}
    merged.update({k: v for k, v in NbvcSettings(config=config).overrides().items() if v})
    return merged
