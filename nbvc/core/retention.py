"""Retention in the bucket: one S3 lifecycle rule that expires old versions of the
workspace's notebooks, and never a version someone pinned.

S3 lifecycle rules cannot leave out single versions, but they can filter on object
tags. So once this workspace knows nbvc's rule is set (``retention set``, or seen by
``retention show`` or ``doctor``), every version push uploads carries the tag
``nbvc-expirable=true``, and naming a version (``nbvc tag``) or publishing it sets
that version's tag to ``false``: nbvc's rule (prefix ``<workspace_prefix>/`` and that
tag) never matches a named version or a published one's source, and published copies
live under another prefix. A version pushed without the tag (before the rule, or from
a workspace that has not seen it) is spared too (``nbvc prune`` deletes such versions
when asked). Without a rule nothing is tagged: tagging costs the S3 server work on
every upload. The rule only expires noncurrent versions: a notebook's latest is
current and stays.
"""

from __future__ import annotations

from typing import Any

from ..errors import RemoteError
from .workspace import Workspace

EXPIRABLE = "nbvc-expirable"
#: the tags of a version push uploads, and of one that must stay
PRUNABLE = {EXPIRABLE: "true"}
PINNED = {EXPIRABLE: "false"}


#: the index's note that nbvc's rule is set for this workspace (its ID): push tags then
RULE_FACT = "retention-rule"


def rule_id(workspace: Workspace) -> str:
    return f"nbvc {workspace.settings.workspace_prefix}/"


def retention_tags(workspace: Workspace) -> dict[str, str] | None:
    """The tags push gives each version: expirable where nbvc's rule is set, else none."""
    return PRUNABLE if workspace.index.fact(RULE_FACT) == rule_id(workspace) else None


def pin(workspace: Workspace, key: str, version_id: str) -> bool:
    """Keep one version out of nbvc's rule (a named version, a published one's source);
    False when the bucket refused (no ``s3:PutObjectVersionTagging``): the caller says
    so, and goes on (naming or publishing does not depend on it)."""
    try:
        workspace.store.tag_version(key, version_id, PINNED)
    except RemoteError:
        return False
    return True


def set_retention(workspace: Workspace, noncurrent_days: int,
                  keep_newer: int | None = None) -> dict[str, Any]:
    """Write (or replace) nbvc's rule for this workspace; other rules stay as they are.
    Returns the rule as written."""
    expiration: dict[str, Any] = {"NoncurrentDays": noncurrent_days}
    if keep_newer is not None:
        expiration["NewerNoncurrentVersions"] = keep_newer
    rule = {
        "ID": rule_id(workspace),
        "Status": "Enabled",
        "Filter": {"And": {"Prefix": f"{workspace.settings.workspace_prefix}/",
                           "Tags": [{"Key": EXPIRABLE, "Value": "true"}]}},
        "NoncurrentVersionExpiration": expiration,
    }
    store = workspace.store
    others = [r for r in store.lifecycle_rules() if r.get("ID") != rule["ID"]]
    store.set_lifecycle_rules([*others, rule])
    workspace.index.set_fact(RULE_FACT, rule["ID"])
    return rule


def rules_here(workspace: Workspace) -> list[dict[str, Any]]:
    """The bucket's rules that reach the workspace's or the published prefix, each with
    ``nbvc``: whether it is nbvc's own rule, and ``risky``: whether it could expire a
    named or published version."""
    found = []
    for rule in workspace.store.lifecycle_rules():
        prefix, tags = _scope(rule)
        reached = [p for p in (workspace.settings.workspace_prefix, workspace.settings.published_prefix)
                   if _overlaps(prefix, f"{p}/")]
        if not reached:
            continue
        own = rule.get("ID") == rule_id(workspace)
        expires = rule.get("Status") == "Enabled" and (
            "Expiration" in rule or "NoncurrentVersionExpiration" in rule)
        guarded = tags.get(EXPIRABLE) == "true" and reached == [workspace.settings.workspace_prefix]
        found.append({**rule, "nbvc": own, "risky": bool(expires and not guarded)})
    seen = rule_id(workspace) if any(r["nbvc"] for r in found) else ""
    if (workspace.index.fact(RULE_FACT) or "") != seen:  # learned here, or gone meanwhile
        workspace.index.set_fact(RULE_FACT, seen)
    return found


def _scope(rule: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A rule's prefix and tag filters (every form S3 has for them)."""
    given = rule.get("Filter") or {}
    both = given.get("And") or {}
    prefix = str(both.get("Prefix", given.get("Prefix", rule.get("Prefix", ""))))
    tags = {t["Key"]: t["Value"] for t in both.get("Tags", [])}
    if "Tag" in given:
        tags[given["Tag"]["Key"]] = given["Tag"]["Value"]
    return prefix, tags


def _overlaps(prefix: str, ours: str) -> bool:
    """Could a rule for keys under ``prefix`` reach a key under ``ours``?"""
    return ours.startswith(prefix) or prefix.startswith(ours)
