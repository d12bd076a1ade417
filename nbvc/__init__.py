"""nbvc: Git-like versioning of Jupyter notebooks on a versioned S3 bucket."""

__version__ = "0.1.0"


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """``jupyter server extension enable nbvc`` finds the extension here."""
    return [{"module": "nbvc.jupyter"}]
