"""nbvc: Git-like versioning of Jupyter notebooks on a versioned S3 bucket.

The Python API (docs/api.md) is the :class:`Workspace` and its verbs::

    import nbvc

    ws = nbvc.Workspace.find()      # the workspace holding the current folder
    report = ws.push()
"""

from __future__ import annotations

__version__ = "0.1.0"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .core.api import Workspace
    from .errors import NbvcError

__all__ = ["NbvcError", "Workspace", "__version__"]


def __getattr__(name: str) -> object:
    """``nbvc.Workspace`` and ``nbvc.NbvcError``, imported on first use: ``nbvc status``
    imports this package and needs neither."""
    if name == "Workspace":
        from .core.api import Workspace

        return Workspace
    if name == "NbvcError":
        from .errors import NbvcError

        return NbvcError
    raise AttributeError(f"module 'nbvc' has no attribute {name!r}")


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """``jupyter server extension enable nbvc`` finds the extension here: the name users
    enable (and installing nbvc enables) stays ``nbvc`` wherever the code lives."""
    return [{"module": "nbvc.integrations.jupyter"}]
