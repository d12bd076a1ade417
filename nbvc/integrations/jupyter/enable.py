"""Turn the server extension on where Jupyter reads first (``nbvc jupyter config --write``).

Installing nbvc already enables it in its environment's config. This writes the same
switch into the first folder of ``jupyter --paths``' config list, the one that wins:
the environment's ``etc/jupyter`` inside a virtual environment or conda (where
``jupyter server extension enable nbvc`` writes too), else the user's
``~/.jupyter``. It undoes an earlier ``jupyter server extension disable nbvc``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ...errors import WorkspaceError
from ...files import write_atomic

CONFIG_D = "jupyter_server_config.d"


def first_config_file() -> Path:
    from jupyter_core.paths import jupyter_config_path

    return Path(jupyter_config_path()[0]) / CONFIG_D / "nbvc.json"


def enable_extension() -> Path:
    """Write ``{"ServerApp": {"jpserver_extensions": {"nbvc": true}}}``, keeping the
    rest of an existing file; returns its path."""
    target = first_config_file()
    try:
        data = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    except (OSError, ValueError) as exc:
        raise WorkspaceError(f"{target}: cannot read it ({exc})",
                             hint="fix or remove that file, then run the command again") from None
    if not isinstance(data, dict):
        raise WorkspaceError(f"{target}: not a JSON object", hint="fix or remove that file")
    data.setdefault("ServerApp", {}).setdefault("jpserver_extensions", {})["nbvc"] = True
    try:
        write_atomic(target, (json.dumps(data, indent=2) + "\n").encode())
    except OSError as exc:
        raise WorkspaceError(f"cannot write {target}: {exc.strerror}",
                             hint="run it as a user who may write there") from None
    return target
