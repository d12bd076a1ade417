"""The stable path of nbvc's Jupyter integration, the one Jupyter configs name.

Configs written for nbvc say ``c.FileContentsManager.post_save_hook =
"nbvc.jupyter.post_save_hook"``, ``c.ServerApp.contents_manager_class =
"nbvc.jupyter.NbvcContentsArchiver"`` or ``from nbvc.jupyter import
BookstoreContentsArchiver`` (docs/jupyter.md), so this path stays and the docs keep
showing it. The code lives in :mod:`nbvc.integrations.jupyter`; this module re-exports
its public names (its ``__all__``, so they are listed in one place).
"""

from ..integrations.jupyter import *  # noqa: F403
