"""The ``nbvc`` command: parse, call the core, render. The only layer that prints.

Built on click itself, which parses with no validation layer of its own, so every
command starts with only what it needs (benchmarks/README.md says why not typer).
"""

from __future__ import annotations

import atexit
import os
import sys
from functools import cached_property
from pathlib import Path
from typing import Any, NoReturn

import click

from .. import __version__
from ..errors import EXIT_CODES, PARTLY_DONE, NbvcError, UsageError
from ..index import KINDS
from .render import emit_json, human_size, print_log, print_status, when


class HelpArgument(click.Argument):
    """A positional argument with a help text, which click's arguments take only from
    click 8.5 (listed under "Arguments" by :class:`NbvcCommand`)."""

    def __init__(self, param_decls: list[str], help: str, **attrs: Any) -> None:
        super().__init__(param_decls, **attrs)
        self.help = help


class NbvcCommand(click.Command):
    """A command whose help describes its arguments before its options, and whose
    line in the list of commands is its help's whole first paragraph."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's own order, plus the arguments; written here rather than left to
        # click 8.5's format_arguments so that help reads the same in every version
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        rows = [(param.human_readable_name, param.help) for param in self.get_params(ctx)
                if isinstance(param, HelpArgument)]
        if rows:
            with formatter.section("Arguments"):
                formatter.write_dl(rows)
        self.format_options(ctx, formatter)
        self.format_epilog(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        # click cuts the line at ``limit`` characters with "..."; the list wraps it instead
        return " ".join((self.help or "").split("\n\n")[0].split())


class NbvcGroup(click.Group):
    """nbvc and its command groups: help when run bare, commands listed in the order
    they are defined (groups last), and a suggestion for a misspelt command."""

    command_class = NbvcCommand
    group_class = type  # its groups are NbvcGroups too

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Run bare: the help on stdout and the exit code of a usage error. Done here, not
        # by click's no_args_is_help, whose exit code and stream changed in click 8.2.
        if not args and not ctx.resilient_parsing:
            click.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(2)
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands, key=lambda name: isinstance(self.commands[name], click.Group))

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0]
        if self.get_command(ctx, name) is None and not ctx.resilient_parsing \
                and not name.startswith("-"):
            # checked before click's own lookup, so the message is the same in every
            # click version (8.4 began to suggest in its own words); difflib is imported
            # only for a misspelt command, not on every command's start
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx))
            if close:
                raise click.UsageError(f"No such command {name!r}. Did you mean "
                                       f"{', '.join(map(repr, close))}?", ctx)
        return super().resolve_command(ctx, args)


def argument(name: str, help: str, **attrs: Any) -> Any:
    return click.argument(name, cls=HelpArgument, help=help, **attrs)


def list_or_none(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[str] | None:
    """PATH... as the core takes it: a list, or None for "every notebook"."""
    return list(values) or None


def paths_argument() -> Any:
    return argument("paths", "Notebooks or folders [all].", nargs=-1, callback=list_or_none)


def json_option() -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def version_ref_option() -> Any:
    return click.option("--version", "-v", "version",
                        help="VersionId, name, hash prefix (7+), latest or latest~N.")


def exit_with(code: int) -> NoReturn:
    """End the command with ``code``, after what it printed."""
    click.get_current_context().exit(code)


def parse_and_run(args: list[str]) -> None:
    """Run the command ``args`` name. Click reports its own errors (a usage error: the
    usage, the message, exit 2); nbvc's errors and an interrupt are left to the
    launcher's policy, which click's standalone mode would pre-empt (an interrupt
    there is "Aborted!" and exit 1, not the launcher's exit 130)."""
    try:
        code = cli.main(args, standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):  # click turns ^C into Abort
            raise KeyboardInterrupt from None
        print("Aborted!", file=sys.stderr)
        sys.exit(1)
    if code:  # what ctx.exit(code) returns outside standalone mode; commands return None
        sys.exit(code)


class LazyConsole:
    """A rich Console made on first use: importing rich is a large share of a
    command's start, which the commands that print plain text (``--version``, ``log``) need not pay."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    @cached_property
    def console(self) -> Any:
        from rich.console import Console

        return Console(highlight=False, **self.options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


out = LazyConsole()
err = LazyConsole(stderr=True)


def print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        print(f"nbvc {__version__}")
        ctx.exit()


EXIT_CODES_EPILOG = "\b\nExit codes:\n" + "\n".join(
    f"  {code}  {meaning.split(':')[0]}" for code, meaning in EXIT_CODES.items())


@click.group(cls=NbvcGroup, epilog=EXIT_CODES_EPILOG,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "directory", type=click.Path(path_type=Path),
              help="Run as if started in this directory.")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=print_version,
              help="Print the version.")
def cli(directory: Path | None, debug: bool) -> None:
    """Git-like versioning of Jupyter notebooks on a versioned S3 bucket."""
    if debug:
        os.environ["NBVC_DEBUG"] = "1"
    if directory is not None:
        try:
            os.chdir(directory)
        except OSError as exc:
            raise NbvcError(f"cannot enter {directory}: {exc.strerror}") from None



def workspace(**overrides: Any) -> Any:
    """The workspace around the current directory (imported late: keeps --help fast)."""
    from ..core.workspace import Workspace

    return Workspace.find(overrides=overrides or None)


# -- init / remote ---------------------------------------------------------------------


def settings_options(command: Any) -> Any:
    """--endpoint-url, --region, --profile, --user and the two key prefixes: init and remote
    set take them alike, each passed on under its setting's name (``**settings``)."""
    for option in reversed([
        click.option("--endpoint-url", help="S3-compatible endpoint, e.g. http://127.0.0.1:9000."),
        click.option("--region", help="S3 region."),
        click.option("--profile", help="AWS profile whose credentials and region to use "
                                       "(~/.aws/config, ~/.aws/credentials)."),
        click.option("--user", help="User name in keys and history."),
        click.option("--workspace-prefix", help="Key prefix of drafts [workspace/USER]."),
        click.option("--published-prefix", help="Key prefix of published copies [published/USER]."),
    ]):
        command = option(command)
    return command


@cli.command()
@argument("path", "Folder of notebooks. [default: .]", default=".", type=click.Path(path_type=Path))
@click.option("--remote", help="s3://BUCKET, or local:///DIR for a local store.")
@settings_options
def init(path: Path, remote: str | None, **settings: str | None) -> None:
    """Make a folder an nbvc workspace (creates .nbvc/ with config, index, objects).

    With no --remote, versions go to the embedded local store: no account, no network.

    Examples:

    \b
      nbvc init
      nbvc init --remote s3://my-bucket --endpoint-url http://127.0.0.1:9000 --user kylek
    """
    from ..core.workspace import Workspace

    if not path.is_dir():
        raise NbvcError(f"{path}: not a directory")
    ws, created = Workspace.init(path, {"remote": remote, **settings})
    verb = "Initialised" if created else "Reinitialised"
    out.print(f"{verb} nbvc workspace in {ws.nbvc_dir}")
    out.print(f"remote: {ws.store.display_url(ws.settings.workspace_prefix + '/')}")


@cli.group()
def remote() -> None:
    """Show or change the remote bucket."""


@remote.command("show")
@json_option()
def remote_show(as_json: bool) -> None:
    """Print the remote and the key prefixes in use.

    Example: nbvc remote show --json
    """
    ws = workspace()
    s = ws.settings
    info = {
        "remote": s.remote or "",
        "kind": "embedded" if not s.remote else s.remote.split("://")[0],
        "url": ws.store.display_url(),
        "endpoint_url": s.endpoint_url,
        "region": s.region,
        "profile": s.profile,
        "user": s.user,
        "workspace_prefix": s.workspace_prefix,
        "published_prefix": s.published_prefix,
    }
    if as_json:
        emit_json(info)
        return
    for name, value in info.items():
        out.print(f"{name:17} {value}")


@remote.command("set")
@argument("remote", "s3://BUCKET, local:///DIR, or '' for embedded.")
@settings_options
def remote_set(remote: str, **settings: str | None) -> None:
    """Point the workspace at another remote (saved in .nbvc/config.toml).

    Example: nbvc remote set s3://team-notebooks --region eu-west-1
    """
    from ..store import parse_remote

    ws = workspace()
    parse_remote(remote, ws.nbvc_dir)  # refuse a malformed URL before writing anything
    ws.update_settings({"remote": remote, **settings})
    out.print(f"remote: {ws.store.display_url(ws.settings.workspace_prefix + '/')}")


@cli.command()
@json_option()
@click.option("--repair", is_flag=True, help="Rebuild damaged local state.")
def doctor(as_json: bool, repair: bool) -> None:
    """Check config, index, credentials, bucket and versioning; say how to fix each.

    --repair rebuilds a damaged index from the bucket, removes damaged local
    objects and downloads pushed versions missing locally. Exits 5 when a check fails.

    Examples:

    \b
      nbvc doctor --json
      nbvc doctor --repair
    """
    from ..core.doctor import repair as repair_workspace
    from ..core.doctor import run_checks

    checks = repair_workspace(workspace()) if repair else run_checks(workspace())
    if as_json:
        emit_json([c.__dict__ for c in checks])
    else:
        colours = {"ok": "green", "warn": "yellow", "fail": "red"}
        for check in checks:
            label = check.status.upper() if check.status == "fail" else check.status
            mark = f"[{colours[check.status]}]{label:>4}[/]"
            out.print(f"{mark}  {check.name:18} {check.detail}", soft_wrap=True)
            if check.fix and check.status != "ok":
                out.print(f"      {'':18} fix: {check.fix}", soft_wrap=True)
    if any(c.status == "fail" for c in checks):
        exit_with(5)


# -- save / log ------------------------------------------------------------------------


@cli.command()
@paths_argument()
@click.option("-m", "--message", help="A label.")
@json_option()
def save(paths: list[str] | None, message: str | None, as_json: bool) -> None:
    """Record a version of notebooks whose bytes changed (identical bytes: unchanged).

    Examples:

    \b
      nbvc save analysis.ipynb
      nbvc save -m "before refactor"        (every changed notebook)
    """
    results = workspace().save(paths or None, message)
    if as_json:
        from ..core.records import version_record

        emit_json([{"status": r.status, **version_record(r.version)} for r in results if r.version])
        return
    if not results:
        out.print("no notebooks found")
    for r in results:
        if r.status == "saved":
            out.print(f"saved      {r.path}  {r.version['sha256'][:8]}")
        elif paths:
            out.print(f"unchanged  {r.path}")


@cli.command()
@argument("path", "A notebook [every notebook].", required=False)
@click.option("-n", "--limit", type=int, help="At most N versions.")
@click.option("--since", help="Only versions saved since: 2026-12-01, 2026-12-01T09:30, 3h, 2d, 1w.")
@click.option("--author", help="Only versions saved by USER.")
@click.option("--kind", help="Only versions of one kind: " + ", ".join(KINDS) + ".")
@json_option()
def log(path: str | None, limit: int | None, since: str | None, author: str | None,
        kind: str | None, as_json: bool) -> None:
    """List versions newest first, with S3 VersionIds: of one notebook, or of every
    notebook in the workspace (with their paths).

    Examples:

    \b
      nbvc log analysis.ipynb -n 5
      nbvc log --since 2d --author ana
      nbvc log --kind checkpoint
      nbvc log analysis.ipynb --json | jq -r '.[0].version_id'
    """
    if limit is not None and limit < 0:
        raise UsageError("-n must be 0 or more")
    if kind is not None and kind not in KINDS:
        raise UsageError(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    from ..core.history import parse_since

    print_log(path, limit, as_json, parse_since(since) if since else None, author, kind)


# -- sync ------------------------------------------------------------------------------


def progress_bar(as_json: bool) -> Any:
    """A rich progress bar on a terminal; nothing when piped or with --json."""
    if as_json or not sys.stderr.isatty():  # not err.is_terminal: that would load rich
        return None

    def start(total: int, total_bytes: int) -> Any:
        from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

        bar = Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                       TransferSpeedColumn(), console=err.console, transient=True)
        bar.start()
        atexit.register(bar.stop)
        task = bar.add_task(f"pushing {total} saves" if total else "saving and pushing",
                            total=total_bytes or None)
        done = [0]

        def advance(size: int) -> None:
            done[0] += 1
            bar.update(task, advance=size, description=f"pushed {done[0]} saves")
            if total and done[0] == total:
                bar.stop()
        return advance
    return start


@cli.command()
@paths_argument()
@click.option("--jobs", "-j", type=click.IntRange(1, 256), help="Parallel uploads [16].")
@click.option("--dry-run", is_flag=True, help="Say what would be sent.")
@click.option("--force", is_flag=True, help="Push over remote changes (both kept).")
@click.option("--no-save", is_flag=True, help="Push only what is already saved.")
@json_option()
def push(paths: list[str] | None, jobs: int | None, dry_run: bool, force: bool, no_save: bool,
         as_json: bool) -> None:
    """Save changed notebooks, then upload every pending save as a new object version.

    One request per save; a notebook whose remote moved is refused (exit 4) while
    the others still push. Safe to interrupt and run again.

    Examples:

    \b
      nbvc push
      nbvc push notebooks/ --jobs 32 --json
    """
    from ..core import sync

    ws = workspace()
    report = sync.push(ws, paths or None, jobs=jobs, dry_run=dry_run, force=force,
                       save_first=not no_save, progress=progress_bar(as_json))
    if as_json:
        emit_json({**report.summary(),
                   "results": [o.__dict__ for o in report.outcomes],
                   "invalid_notebooks": [{"path": r.path, "error": r.error} for r in report.invalid]})
    else:
        for r in report.invalid:
            reason = r.error if r.error.startswith(r.path) else f"{r.path}: {r.error}"
            err.print(f"[yellow]skipped[/]  {reason}", soft_wrap=True)
        for o in report.outcomes:
            if o.status in ("conflict", "failed"):
                err.print(f"[red]{o.status}[/] {o.path}: {o.detail}", soft_wrap=True)
            elif dry_run:
                print(f"would push  {o.path}  {o.sha256[:8]}  {o.detail}")  # paths are not markup
        s = report.summary()
        done = (f"dry run: {s['would_upload']} would upload" if dry_run
                else f"{s['uploaded']} uploaded, {s['adopted']} adopted")
        print(f"{done}, {s['conflicts']} conflicts, {s['failed']} failed, "
              f"{s['invalid']} invalid, {human_size(s['bytes'])} in {s['seconds']:.2f}s")
    if report.count("conflict"):
        exit_with(4)
    if report.count("failed"):
        exit_with(5)
    if report.invalid:
        exit_with(PARTLY_DONE)


@cli.command()
@paths_argument()
@click.option("--full", is_flag=True,
              help="Read every version's metadata now (default: each notebook's latest; "
                   "older ones on first use, e.g. by log)")
@json_option()
def fetch(paths: list[str] | None, full: bool, as_json: bool) -> None:
    """Learn the remote's versions (other machines' pushes, a lost index) into the index.

    Example: nbvc fetch && nbvc status
    """
    from ..core import sync

    report = sync.fetch(workspace(), paths or None, full=full)
    if as_json:
        emit_json(report.summary())
    else:
        for key in report.refused:
            err.print(f"[yellow]refused[/] unsafe key {key!r}: never written locally",
                      soft_wrap=True)
        later = f" ({report.sketched} described on first use)" if report.sketched else ""
        print(f"{report.listed} versions listed, {report.learned} new{later}, {report.adopted} "
              f"adopted, {report.deleted} delete markers, {report.names} names "
              f"in {report.seconds:.2f}s")
    if report.refused:
        exit_with(PARTLY_DONE)


@cli.command()
@paths_argument()
@click.option("--version", help="A version ref (one notebook).")
@click.option("--force", is_flag=True,
              help="Take theirs whole where both sides changed (yours stay in history).")
@click.option("--strategy", help="Settle conflicting cells for one side: ours or theirs.")
@json_option()
def pull(paths: list[str] | None, version: str | None, force: bool, strategy: str | None,
         as_json: bool) -> None:
    """Bring the remote's latest (or --version REF) into the workspace, verified by sha256.

    Changed only here: left alone. Changed only there: fast-forward. Changed on both
    sides: merged cell by cell (nbdime) and saved as a merge, or a conflict listed
    cell by cell with your file untouched. Deleted there: an unchanged copy is
    removed. Your changes are saved as a version before anything is written.

    Examples:

    \b
      nbvc pull
      nbvc pull analysis.ipynb --strategy theirs
      nbvc pull analysis.ipynb --version latest~2
    """
    from ..core import sync

    fetched, outcomes = sync.pull(workspace(), paths or None, version=version, force=force,
                                  strategy=strategy)
    if as_json:
        emit_json({"fetch": fetched.summary(), "results": [o.__dict__ for o in outcomes]})
    else:
        for o in outcomes:
            line = f"{o.status:11} {o.path}  {o.version_id}  {o.detail}".rstrip()
            (err if o.status in ("conflict", "refused", "skipped", "failed") else out).print(
                line, soft_wrap=True)
    if any(o.status == "conflict" for o in outcomes):
        exit_with(4)
    if any(o.status == "failed" for o in outcomes):
        exit_with(5)
    if any(o.status in ("refused", "skipped") for o in outcomes):
        exit_with(PARTLY_DONE)


@cli.command()
@paths_argument()
@json_option()
def status(paths: list[str] | None, as_json: bool) -> None:
    """Per notebook: new, modified, pending push, remote ahead (as of the last fetch), conflict.

    Example: nbvc fetch && nbvc status --json
    """
    print_status(paths or None, as_json)


# -- versions and publishing -----------------------------------------------------------


@cli.command()
@argument("path", "A notebook.")
@version_ref_option()
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to FILE.")
def show(path: str, version: str | None, output: Path | None) -> None:
    """Print the exact bytes of a version (default: the newest) or write them to a file.

    Examples:

    \b
      nbvc show analysis.ipynb --version latest~1 > previous.ipynb
      nbvc show analysis.ipynb -v 3HL4kqtJlcpXroDTDmJ -o pinned.ipynb
    """
    from ..core.versions import show as show_version

    _row, data = show_version(workspace(), path, version)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise NbvcError(f"cannot write {output}: {exc.strerror}") from None
    err.print(f"wrote {len(data)} bytes to {output}")


@cli.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
@argument("path", "A notebook.")
@argument("ref_a", "Old side [latest version].", required=False)
@argument("ref_b", "New side [the working file].", required=False)
@json_option()
@click.option("--web", is_flag=True, help="Open nbdime's web diff on 127.0.0.1.")
@click.pass_context
def diff(ctx: click.Context, path: str, ref_a: str | None, ref_b: str | None, as_json: bool,
         web: bool) -> None:
    """Cell-aware diff of two versions, by nbdime (defaults: newest version vs working file).

    nbdime's own flags pass through: -s/-S sources, -o/-O outputs, -a/-A attachments,
    -m/-M metadata, -i/-I ids, -d/-D details (lower case: only these; upper: ignore).

    Examples:

    \b
      nbvc diff analysis.ipynb
      nbvc diff analysis.ipynb latest~2 latest -s        (sources only)
      nbvc diff analysis.ipynb --json | jq length
    """
    from ..core.versions import diff_sides

    a, b = diff_sides(workspace(), path, ref_a, ref_b)
    from ..integrations.nbdime import diff_json, print_diff, web_diff

    if as_json:
        emit_json(diff_json(a, b))
    elif web:
        web_diff(a, b, ctx.args)
    else:
        print_diff(a, b, ctx.args, color=out.is_terminal)


@cli.command()
@argument("path", "A notebook.")
@click.option("--version", "-v", required=True, help="The version to bring back.")
@json_option()
def restore(path: str, version: str, as_json: bool) -> None:
    """Bring an old version back as the working file (the current file is saved first;
    the restore is itself a new save).

    Example: nbvc restore analysis.ipynb --version latest~3
    """
    from ..core.versions import restore as restore_version

    result = restore_version(workspace(), path, version)
    if as_json:
        emit_json(result)
        return
    if result["saved_first"]:
        out.print(f"saved the working file first as {result['saved_first'][:8]}")
    out.print(f"restored {result['path']} to {result['restored'][:8]}")


@cli.command()
@argument("path", "A notebook.")
@version_ref_option()
@json_option()
def publish(path: str, version: str | None, as_json: bool) -> None:
    """Copy one exact version (server-side) to the published prefix; print its VersionId.

    An unpushed version is pushed first. Publishing the same content again makes no
    new version.

    Examples:

    \b
      nbvc publish notebooks/mine.ipynb
      nbvc publish notebooks/mine.ipynb --version 3HL4kqtJlcpXroDTDmJ --json
    """
    from ..core.publish import publish as publish_version

    result = publish_version(workspace(), path, version)
    if as_json:
        emit_json(result)
        return
    verb = "published" if result["status"] == "published" else "already published"
    out.print(f"{verb} {result['path']} {result['sha256'][:8]} "
              f"(source version {result['source_version_id']})")
    out.print(f"{result['published_url']}  version {result['published_version_id']}")
    unpinned_warning(result)


@cli.command()
@paths_argument()
@click.option("--keep-last", type=int, required=True,
              help="Versions each notebook keeps, newest first (1 or more).")
@click.option("--keep-within", help="Also keep every version saved within this span: 12h, 30d, 2w.")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted.")
@click.option("--yes", is_flag=True, help="Delete without asking.")
@json_option()
def prune(paths: list[str] | None, keep_last: int, keep_within: str | None, dry_run: bool,
          yes: bool, as_json: bool) -> None:
    """Delete old versions from the bucket for good: never the latest, a named or
    published one, the one this workspace stands on, or anything not pushed.

    Examples:

    \b
      nbvc prune --keep-last 20 --dry-run
      nbvc prune analysis.ipynb --keep-last 5 --keep-within 30d --yes
    """
    from ..core import prune as pruning

    ws = workspace()
    planned = pruning.plan(ws, paths, keep_last, keep_within)
    doomed = planned.doomed
    listing = [{"path": r["path"], "short": r["sha256"][:8] or None, "saved_at": r["saved_at"],
                "version_id": r["version_id"], "key": r["key"]} for r in doomed]
    if dry_run or not doomed:
        if as_json:
            emit_json({"deleted": 0, "would_delete": listing, "kept": planned.kept})
            return
        for r in listing:
            out.print(f"would delete {r['path']} {r['short'] or '-'} {when(r['saved_at'])} "
                      f"{r['version_id']}", soft_wrap=True, highlight=False)
        out.print(f"{len(doomed)} version(s) would be deleted, {planned.kept} kept"
                  if dry_run else f"nothing to delete ({planned.kept} version(s) kept)")
        return
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"prune would delete {len(doomed)} version(s) for good; "
                             "not on a terminal, so pass --yes to confirm",
                             hint="see what it would delete with --dry-run")
        for r in listing:
            err.print(f"{r['path']} {r['short'] or '-'} {when(r['saved_at'])} {r['version_id']}",
                      soft_wrap=True, highlight=False)
        if not click.confirm(f"Delete these {len(doomed)} version(s) from the bucket for good?"):
            exit_with(1)
    deleted = pruning.prune(ws, doomed)
    if as_json:
        emit_json({"deleted": deleted, "versions": listing, "kept": planned.kept})
        return
    for r in listing:
        out.print(f"deleted {r['path']} {r['short'] or '-'} {r['version_id']}", soft_wrap=True,
                  highlight=False)
    out.print(f"{deleted} version(s) deleted, {planned.kept} kept")


def unpinned_warning(result: dict[str, Any]) -> None:
    """The bucket refused to tag a named or published version as kept: say what it means."""
    if result.get("pinned") is False:
        err.print("[yellow]warning:[/] the bucket refused to tag this version as kept "
                  "(s3:PutObjectVersionTagging); a retention rule from 'nbvc retention set' "
                  "could expire it", soft_wrap=True)


@cli.group()
def retention() -> None:
    """S3 lifecycle rules that expire old versions, sparing pins."""


@retention.command("set")
@click.option("--noncurrent-days", type=click.IntRange(min=1), required=True,
              help="Expire a version this many days after a newer one.")
@click.option("--keep-newer", type=click.IntRange(min=1),
              help="But keep this many newer noncurrent versions.")
@json_option()
def retention_set(noncurrent_days: int, keep_newer: int | None, as_json: bool) -> None:
    """Write nbvc's lifecycle rule for this workspace's prefix: noncurrent versions
    expire, never a named version or a published one's source, never the published
    prefix. Other rules in the bucket stay as they are.

    Example: nbvc retention set --noncurrent-days 90 --keep-newer 20
    """
    from ..core.retention import set_retention

    rule = set_retention(workspace(), noncurrent_days, keep_newer)
    if as_json:
        emit_json(rule)
        return
    kept = f", keeping the {keep_newer} newest noncurrent" if keep_newer else ""
    out.print(f"retention set: versions under {rule['Filter']['And']['Prefix']} expire "
              f"{noncurrent_days} day(s) after a newer one{kept}; named and published "
              f"versions are spared (rule {rule['ID']!r})", soft_wrap=True, highlight=False)


@retention.command("show")
@json_option()
def retention_show(as_json: bool) -> None:
    """The bucket's lifecycle rules that reach this workspace or its published prefix,
    and whether any could expire a named or published version.

    Example: nbvc retention show --json
    """
    from ..core.retention import rules_here

    rules = rules_here(workspace())
    if as_json:
        emit_json(rules)
        return
    if not rules:
        out.print("no lifecycle rule reaches this workspace: every version stays until pruned")
        return
    for rule in rules:
        expiry = rule.get("NoncurrentVersionExpiration") or rule.get("Expiration") or {}
        what = ", ".join(f"{k} {v}" for k, v in expiry.items())
        mark = "nbvc's rule" if rule["nbvc"] else ("could expire named or published versions"
                                                    if rule["risky"] else "spares them")
        out.print(f"{rule.get('ID') or '(no id)'}: {rule.get('Status')}; {what or 'no expiry'}; "
                  f"{mark}", soft_wrap=True, highlight=False)


@cli.command()
@argument("path", "A published notebook.")
def unpublish(path: str) -> None:
    """Remove a notebook from the published prefix (its history stays, behind a delete marker).

    Example: nbvc unpublish notebooks/mine.ipynb
    """
    from ..core.publish import unpublish as unpublish_path

    result = unpublish_path(workspace(), path)
    out.print(f"unpublished {result['published_key']} (delete marker {result['delete_marker']})")


@cli.command()
@json_option()
def published(as_json: bool) -> None:
    """Every published notebook: key, current VersionId, source VersionId, sha256, when, who.

    Example: nbvc published --json
    """
    from ..core.publish import published as list_published

    rows = list_published(workspace())
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("published key", "version id", "source version id", "sha256", "when", "by"):
        table.add_column(column, no_wrap=True)
    for r in rows:
        table.add_row(r["published_key"], r["published_version_id"], r["source_version_id"],
                      r["sha256"][:8], when(r["published_at"]), r["published_by"])
    out.print(table if rows else "nothing published")


@cli.command()
@argument("path", "A notebook.")
@version_ref_option()
@click.option("--published", "published_copy", is_flag=True, help="The published copy.")
@click.option("--expires", type=int, default=3600, show_default=True,
              help="Seconds the URL works (max 7 days).")
@json_option()
def url(path: str, version: str | None, published_copy: bool, expires: int, as_json: bool) -> None:
    """A presigned GET URL of one exact version (S3 remotes only).

    Examples:

    \b
      curl -o run.ipynb "$(nbvc url notebooks/mine.ipynb --published)"
      nbvc url notebooks/mine.ipynb --version latest~1 --expires 600 --json
    """
    from ..core.publish import presigned_url

    result = presigned_url(workspace(), path, version, published_copy=published_copy,
                           expires=expires)
    if as_json:
        emit_json(result)
    else:
        print(result["url"])


# -- names -----------------------------------------------------------------------------


@cli.command()
@argument("path", "A notebook.")
@argument("name", "The name: letters, digits, '.', '_', '-'.")
@version_ref_option()
@click.option("--force", "-f", is_flag=True, help="Move the name if it names another version.")
@click.option("--delete", "-d", is_flag=True, help="Take the name away.")
@json_option()
def tag(path: str, name: str, version: str | None, force: bool, delete: bool, as_json: bool) -> None:
    """Name one version of a notebook (default: its newest; pushed first if it is not).

    The name is kept in the bucket (another machine sees it after 'nbvc fetch') and
    is a version ref wherever one is taken: show, diff, restore, publish, pull, url,
    nbvc://KEY@NAME. A name that names another version moves only with --force.

    Examples:

    \b
      nbvc tag analysis.ipynb reviewed
      nbvc tag analysis.ipynb q3-report --version latest~1 --force
      nbvc tag --delete analysis.ipynb reviewed
    """
    from ..core import names

    if delete:
        if version is not None or force:
            raise UsageError("--delete takes no --version or --force")
        result = names.untag(workspace(), path, name)
        if as_json:
            emit_json(result)
            return
        was = f" (was {(result['sha256'] or '')[:8] or result['version_id']})" if result["version_id"] else ""
        out.print(f"deleted name {result['name']} of {result['path']}{was}", soft_wrap=True)
        return
    result = names.tag(workspace(), path, name, version, force=force)
    unpinned_warning(result)
    if as_json:
        emit_json(result)
        return
    if result["status"] == "unchanged":
        line = f"{result['name']} already names {result['path']} {result['short']}"
    elif result["status"] == "moved":
        line = f"moved {result['name']} of {result['path']} to {result['short']}"
    else:
        line = f"tagged {result['path']} {result['short']} as {result['name']}"
    out.print(f"{line} (version {result['version_id']})", soft_wrap=True)


@cli.command()
@argument("path", "A notebook [every notebook].", required=False)
@json_option()
def tags(path: str | None, as_json: bool) -> None:
    """List named versions: path, name, hash, VersionId, who and when (as last fetched).

    Examples:

    \b
      nbvc fetch && nbvc tags
      nbvc tags analysis.ipynb --json
    """
    from ..core.names import tags as list_tags

    rows = list_tags(workspace(), path)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        out.print("no names")
        return
    lines = [("path", "name", "version", "version id", "by", "when")]
    lines += [(r["path"], r["name"], r["short"] or "-", r["version_id"], r["tagged_by"],
               when(r["tagged_at"])) for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(5)]
    for line in lines:  # plain text, never cut short: paths and VersionIds are for copying
        print("  ".join([*(cell.ljust(w) for cell, w in zip(line, widths, strict=False)),
                         line[5]]).rstrip())


# -- deleted notebooks -----------------------------------------------------------------


@cli.command()
@click.option("--no-fetch", is_flag=True,
              help="Read the last fetch instead of asking the bucket (offline).")
@json_option()
def deleted(no_fetch: bool, as_json: bool) -> None:
    """List notebooks whose latest version in the bucket is a delete marker (deleted in
    Jupyter, on another machine, in the console): when, by whom where known, and the
    last version before the delete. The bucket is fetched first.

    Examples:

    \b
      nbvc deleted
      nbvc deleted --json | jq -r '.[].path'
    """
    from ..core.undelete import deleted as list_deleted

    rows = list_deleted(workspace(), fetch_first=not no_fetch)
    if as_json:
        emit_json(rows)
        return
    if no_fetch:
        fetched = max((r["fetched_at"] for r in rows), default=None)
        err.print(f"as of the last fetch{f' ({when(fetched)})' if fetched else ''}; "
                  "run without --no-fetch to ask the bucket", soft_wrap=True)
    if not rows:
        out.print("no deleted notebooks")
        return
    lines = [("path", "deleted", "by", "last version", "version id")]
    lines += [(r["path"], when(r["deleted_at"]) or "-", r["deleted_by"] or "unknown",
               r["last_short"] or "-", r["last_version_id"] or "-") for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    for line in lines:  # plain text, never cut short: paths and VersionIds are for copying
        print("  ".join([*(cell.ljust(w) for cell, w in zip(line, widths, strict=False)),
                         line[4]]).rstrip())
    print(f"'nbvc undelete PATH' brings one back ({len(rows)} deleted)")


@cli.command()
@argument("path", "A deleted notebook.")
@version_ref_option()
@json_option()
def undelete(path: str, version: str | None, as_json: bool) -> None:
    """Bring a deleted notebook back: the last version before the delete (or --version
    REF) is written to the working file, saved as a new version and pushed, so the
    bucket's latest is a real version again.

    A different file already at the path is never overwritten (exit 4); identical
    bytes there are just recorded. A notebook that is not deleted exits 2; one the
    bucket never had, 3.

    Examples:

    \b
      nbvc undelete analysis.ipynb
      nbvc undelete analysis.ipynb --version latest~2 --json
    """
    from ..core.undelete import undelete as undelete_path

    result = undelete_path(workspace(), path, version)
    if as_json:
        emit_json(result)
    elif result["status"] == "undeleted":
        out.print(f"undeleted {result['path']}: {result['short']} (from "
                  f"{result['restored_version_id'] or 'a local save'}) is the latest again "
                  f"as version {result['version_id']}", soft_wrap=True)
    else:
        err.print(f"[yellow]restored here, not pushed[/]: {result['path']}: {result['detail']}",
                  soft_wrap=True)
    if result["status"] != "undeleted":
        exit_with({"conflict": 4, "busy": 6}.get(result["push_status"], 5))


# -- jupyter ---------------------------------------------------------------------------


@cli.group()
def jupyter() -> None:
    """Set up Jupyter to archive every save."""


@jupyter.command("config")
@click.option("--write", is_flag=True,
              help="Enable nbvc's server extension where Jupyter reads config first.")
def jupyter_config(write: bool) -> None:
    """Print this workspace's settings as Jupyter config, or --write the switch that
    turns nbvc on in Jupyter.

    Installing nbvc enables its server extension already: `jupyter lab` (or
    `notebook`, `server`) started in a workspace archives every save. The printed
    text is for a Jupyter config file that must name the bucket itself, e.g. a
    JupyterHub image's /etc/jupyter/jupyter_server_config.py.

    Examples:

    \b
      nbvc jupyter config --write && jupyter lab
      nbvc jupyter config >> /etc/jupyter/jupyter_server_config.py
    """
    ws = workspace()
    if write:
        from ..integrations.jupyter.enable import enable_extension

        target = enable_extension()
        remote = ws.store.display_url(ws.settings.workspace_prefix + "/")
        out.print(f"wrote {target}: Jupyter started in {ws.root} archives every notebook save to {remote}")
        return
    s = ws.settings
    lines = ["# nbvc: every notebook save becomes a version (printed by `nbvc jupyter config`)"]
    # the bucket only: user and prefixes default per user ($JUPYTERHUB_USER on a hub)
    for name, trait in (("remote", "remote"), ("endpoint_url", "s3_endpoint_url"),
                        ("region", "s3_region_name")):
        if value := getattr(s, name):
            lines.append(f"c.NbvcSettings.{trait} = {value!r}")
    if not s.remote:
        lines.append("# (none needed: this workspace uses its embedded store; `jupyter lab` here archives)")
    print("\n".join(lines))
