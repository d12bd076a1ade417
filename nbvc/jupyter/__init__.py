"""The stable path of nbvc's Jupyter integration, the one Jupyter configs name.

Configs written for nbvc say ``c.FileContentsManager.post_save_hook =
"nbvc.jupyter.post_save_hook"``, ``c.ServerApp.contents_manager_class =
"nbvc.jupyter.NbvcContentsArchiver"`` or ``from nbvc.jupyter import
BookstoreContentsArchiver`` (docs/jupyter.md), so this path stays and the docs keep
showing it. The code lives in :mod:`nbvc.integrations.jupyter`; this module re-exports
its public names (its ``__all__``, so they are listed in one place) and the server
extension's entry points, for a config that enables ``nbvc.jupyter`` itself
(``jpserver_extensions``), as earlier nbvc's did.
"""

from .. import _jupyter_server_extension_points  # noqa: F401
from ..integrations.jupyter import *  # noqa: F403
from ..integrations.jupyter import _load_jupyter_server_extension  # noqa: F401
