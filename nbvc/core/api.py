"""nbvc's Python API (docs/api.md): :class:`Workspace`, the core workspace with the
verbs as methods. Each is the function the command of the same name runs (the CLI
only prints). It sits above the verbs, which take the core workspace, so nothing
imports back up."""

from __future__ import annotations

from typing import Any

from . import doctor, names, publish, status, sync, undelete, versions
from . import workspace as core
from .doctor import Check
from .status import NotebookStatus
from .sync import FetchReport, PullOutcome, PushReport


class Workspace(core.Workspace):
    """A workspace: ``nbvc.Workspace.find()`` (like git, from the current folder) or
    ``nbvc.Workspace.init(path, settings)``; then its verbs."""

    def status(self, paths: list[str] | None = None) -> list[NotebookStatus]:
        """Per notebook (all, or under ``paths``): its state, as ``nbvc status``."""
        return status.status(self, paths)

    def push(self, paths: list[str] | None = None, *, jobs: int | None = None,
             dry_run: bool = False, force: bool = False, save_first: bool = True) -> PushReport:
        """Save what changed, then upload every pending save, as ``nbvc push``."""
        return sync.push(self, paths, jobs=jobs, dry_run=dry_run, force=force, save_first=save_first)

    def fetch(self, paths: list[str] | None = None, *, full: bool = False) -> FetchReport:
        """Record every version in the bucket, as ``nbvc fetch``."""
        return sync.fetch(self, paths, full=full)

    def pull(self, paths: list[str] | None = None, *, version: str | None = None,
             force: bool = False, strategy: str | None = None
             ) -> tuple[FetchReport, list[PullOutcome]]:
        """Fetch, then bring the remote's latest into the working files, as ``nbvc pull``."""
        return sync.pull(self, paths, version=version, force=force, strategy=strategy)

    def show(self, path: str, version: str | None = None) -> bytes:
        """The exact bytes of one version (default: the newest), as ``nbvc show``."""
        return versions.show(self, path, version)[1]

    def restore(self, path: str, version: str, message: str | None = None) -> dict[str, Any]:
        """Bring a version back into the working file as a new save, as ``nbvc restore``."""
        return versions.restore(self, path, version, message)

    def publish(self, path: str, version: str | None = None) -> dict[str, Any]:
        """Copy one exact version to the published prefix, as ``nbvc publish``."""
        return publish.publish(self, path, version)

    def tag(self, path: str, name: str, version: str | None = None, *,
            force: bool = False) -> dict[str, Any]:
        """Name one version (default: the newest; pushed first), as ``nbvc tag``."""
        return names.tag(self, path, name, version, force=force)

    def untag(self, path: str, name: str) -> dict[str, Any]:
        """Take a name away, as ``nbvc tag --delete``."""
        return names.untag(self, path, name)

    def tags(self, path: str | None = None) -> list[dict[str, Any]]:
        """The names this workspace knows (of one notebook, or all), as ``nbvc tags``."""
        return names.tags(self, path)

    def deleted(self, *, fetch_first: bool = True) -> list[dict[str, Any]]:
        """Notebooks whose latest version in the bucket is a delete marker (fetched
        first unless ``fetch_first`` is off), as ``nbvc deleted``."""
        return undelete.deleted(self, fetch_first=fetch_first)

    def undelete(self, path: str, version: str | None = None) -> dict[str, Any]:
        """Bring a deleted notebook back (the version before the delete, or ``version``)
        as a new save, pushed, as ``nbvc undelete``."""
        return undelete.undelete(self, path, version)

    def doctor(self, *, repair: bool = False) -> list[Check]:
        """The checks of ``nbvc doctor`` (``repair``: of ``nbvc doctor --repair``)."""
        return doctor.repair(self) if repair else doctor.run_checks(self)
