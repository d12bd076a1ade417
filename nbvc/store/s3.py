"""The S3 backend (AWS or any S3-compatible endpoint).

Credentials, profiles and regions come from boto3's chain, as users configure them:
``AWS_*`` variables, ``~/.aws`` profiles (``AWS_PROFILE`` or the ``profile`` setting),
roles. The commands build their client with botocore, boto3's core: the same client,
chain and configuration, without boto3's resource layer and s3transfer, which nbvc
does not use and which add to the start of every command that touches the remote.
A caller of the Python API may hand in a ``boto3.Session`` of its own; its client is
then made by boto3. Only this module imports either, and only when a command touches
the remote, so commands that stay local start fast.
"""

from __future__ import annotations

import base64
import contextlib
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    FlexibleChecksumError,
    IncompleteReadError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    ResponseStreamingError,
)
from botocore.utils import determine_content_length

from ..errors import ConfigError, RemoteError
from .base import (
    NULL_VERSION,
    Body,
    BucketNotFound,
    CorruptDownload,
    Download,
    ObjectNotFound,
    ObjectVersion,
    PreconditionFailed,
    PutResult,
    Store,
    verify,
)
from .botomodels import cached_loader

NOT_FOUND = {"NoSuchKey", "NoSuchVersion", "404", "NotFound", "NoSuchLifecycleConfiguration"}
#: a GET whose body broke off or arrived damaged: botocore retries requests, but a
#: body is read after the call returned, so nbvc retries these itself
BROKEN_BODY = (IncompleteReadError, ResponseStreamingError, ReadTimeoutError,
               ConnectionClosedError, FlexibleChecksumError, CorruptDownload)
#: the full-object checksums S3 may report, as verify() names them
CHECKSUMS = {"ChecksumSHA256": "sha256", "ChecksumSHA1": "sha1", "ChecksumCRC32": "crc32"}
DENIED = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403", "Forbidden",
          "ExpiredToken", "InvalidToken"}


def make_client(
    endpoint_url: str = "",
    region: str = "",
    access_key_id: str = "",
    secret_access_key: str = "",
    pool_size: int = 16,
    retries: int = 5,
    profile: str = "",
    session: Any = None,
) -> Any:
    """A thread-safe S3 client: adaptive retries, a pool as large as the workers.
    ``profile``: an AWS profile's credentials and region; ``session``: a
    ``boto3.Session`` to make the client with (the keys and profile are then its own)."""
    config = Config(
        retries={"mode": "adaptive", "max_attempts": retries},
        max_pool_connections=max(pool_size, 10),
        connect_timeout=10,
        parameter_validation=False,  # nbvc builds every request itself: spare the CPU
        read_timeout=60,
        # S3-compatible stores may reject the CRC32 that boto3 >= 1.36 adds to
        # every request; nbvc sends its own SHA-256 where it matters.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        s3={"addressing_style": "path"} if endpoint_url else None,
    )
    try:
        if session is not None:  # its own region first; the setting where it has none
            client = session.client("s3", endpoint_url=endpoint_url or None,
                                    region_name=session.region_name or region or None,
                                    config=config)
        else:
            client = _botocore_session(profile, access_key_id, secret_access_key, region) \
                .create_client("s3", endpoint_url=endpoint_url or None, config=config)
    except ProfileNotFound as exc:
        name = exc.kwargs.get("profile", profile)
        raise ConfigError(f"the AWS profile {name!r} is not configured",
                          hint="define it in ~/.aws/config or ~/.aws/credentials "
                               "(aws configure --profile NAME), or name another (profile, AWS_PROFILE)") \
            from None
    client.meta.events.register_last("before-call.s3", _no_expect_for_small_bodies)
    return client


def _botocore_session(profile: str, access_key_id: str, secret_access_key: str,
                      region: str) -> botocore.session.Session:
    session = botocore.session.Session(profile=profile or None)
    cached = cached_loader(session.get_config_variable("data_path"))
    if cached is not None:  # else botocore's own loader, as the session makes it
        session.register_component("data_loader", cached)
    if access_key_id and secret_access_key:
        session.set_credentials(access_key_id, secret_access_key)
    if region:
        session.set_config_variable("region", region)
    return session


EXPECT_CONTINUE_FROM = 1024 * 1024


def _no_expect_for_small_bodies(params: dict[str, Any], **_: Any) -> None:
    """botocore asks for ``Expect: 100-continue`` on every upload: a round trip
    before the body, then the interim response read a byte per syscall. That is
    worth it for a large body the server may refuse, not for a notebook of a few
    KB, which costs less to send than to wait for."""
    size = determine_content_length(params.get("body"))
    if size is not None and size < EXPECT_CONTINUE_FROM:
        params["headers"].pop("Expect", None)


class S3Store(Store):
    """A versioned bucket on S3 or an S3-compatible server."""

    def __init__(self, bucket: str, client: Any, attempts: int = 5) -> None:
        self.bucket = bucket
        self.client = client
        self.attempts = attempts
        #: the credentials may put objects but not tag them (found on the first refusal)
        self.untaggable = False

    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """Translate botocore's exceptions into nbvc's, naming what failed."""
        try:
            yield
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code == "NoSuchBucket":
                raise BucketNotFound(
                    f"bucket {self.bucket!r} does not exist",
                    hint="create it with versioning enabled, or fix the remote with 'nbvc remote set'",
                ) from None
            if code in ("PreconditionFailed", "412") or status == 412:
                raise PreconditionFailed(f"{what}: the remote changed") from None
            if code in NOT_FOUND or status == 404:
                raise ObjectNotFound(f"{what}: not found") from None
            if code in DENIED or status == 403:
                raise RemoteError(
                    f"{what}: access denied ({code})",
                    hint="check the credentials (AWS_ACCESS_KEY_ID/AWS_PROFILE) and bucket policy",
                ) from None
            raise RemoteError(f"{what}: {code or status} {error.get('Message', '')}".strip()) from None
        except (NoCredentialsError, PartialCredentialsError):
            raise RemoteError(
                f"{what}: no AWS credentials found",
                hint="set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE",
            ) from None
        except EndpointConnectionError as exc:
            raise RemoteError(
                f"{what}: cannot reach {exc.kwargs.get('endpoint_url', 'the endpoint')}",
                hint="check --endpoint-url and that the server is running",
            ) from None
        except BotoCoreError as exc:
            raise RemoteError(f"{what}: {exc}") from None

    def display_url(self, key: str = "") -> str:
        return f"s3://{self.bucket}/{key}"

    def versioning(self) -> str:
        try:
            with self._errors(f"versioning of {self.display_url()}"):
                answer = self.client.get_bucket_versioning(Bucket=self.bucket)
        except ObjectNotFound:
            raise BucketNotFound(
                f"{self.display_url()}: no such bucket at this endpoint (is it an S3 endpoint?)",
                hint="check the remote and --endpoint-url with 'nbvc remote show'",
            ) from None
        return answer.get("Status") or "Disabled"

    def put(
        self,
        key: str,
        body: Body,
        *,
        sha256: str,
        metadata: dict[str, str] | None = None,
        if_match: str | None = None,
        if_none_match: bool = False,
        tags: dict[str, str] | None = None,
    ) -> PutResult:
        args: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": key,
            "Metadata": metadata or {},
            "ChecksumAlgorithm": "SHA256",
            "ChecksumSHA256": base64.b64encode(bytes.fromhex(sha256)).decode(),
        }
        if tags and not self.untaggable:
            args["Tagging"] = urlencode(tags)
        if if_match is not None:
            args["IfMatch"] = f'"{if_match}"'
        if if_none_match:
            args["IfNoneMatch"] = "*"
        try:
            answer = self._put(key, body, args)
        except RemoteError as exc:
            if "Tagging" not in args or "access denied" not in exc.message:
                raise
            # a policy that grants PutObject but not PutObjectTagging: the version goes up
            # untagged, which nbvc's retention rule never expires (see core/retention.py)
            self.untaggable = True
            del args["Tagging"]
            answer = self._put(key, body, args)
        return PutResult(key, answer.get("VersionId") or NULL_VERSION, answer["ETag"].strip('"'))

    def _put(self, key: str, body: Body, args: dict[str, Any]) -> dict[str, Any]:
        with self._errors(f"upload of {self.display_url(key)}"):
            if isinstance(body, bytes):
                return self.client.put_object(Body=body, **args)
            with open(body, "rb") as handle:
                return self.client.put_object(Body=handle, **args)

    def _get_args(self, key: str, version_id: str | None) -> dict[str, Any]:
        args: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id is not None:
            args["VersionId"] = version_id
        return args

    def read(self, key: str, version_id: str | None = None) -> Download:
        what = f"download of {self.display_url(key)}"
        for attempt in range(1, self.attempts + 1):
            with self._errors(what):
                try:
                    return self._read_once(what, key, version_id)
                except BROKEN_BODY as exc:
                    if attempt == self.attempts:
                        if isinstance(exc, FlexibleChecksumError):
                            raise CorruptDownload(f"{what}: the bytes received do not match "
                                                  "the checksum the store reports") from None
                        raise
            time.sleep(min(0.05 * 2 ** attempt, 2.0))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _read_once(self, what: str, key: str, version_id: str | None) -> Download:
        # ChecksumMode: S3 then reports the checksums it keeps (nbvc's own puts send
        # a SHA-256); botocore checks them as the body is read, verify() says which did
        answer = self.client.get_object(**self._get_args(key, version_id), ChecksumMode="ENABLED")
        data = answer["Body"].read()
        return Download(data, verify(what, data, reported_digests(answer)))

    def head(self, key: str, version_id: str | None = None) -> ObjectVersion:
        with self._errors(f"details of {self.display_url(key)}"):
            answer = self.client.head_object(**self._get_args(key, version_id))
        return ObjectVersion(
            key=key,
            version_id=answer.get("VersionId") or NULL_VERSION,
            etag=answer["ETag"].strip('"'),
            size=answer["ContentLength"],
            last_modified=answer["LastModified"],
            metadata=answer.get("Metadata", {}),
        )

    def list_versions(self, prefix: str = "") -> Iterator[ObjectVersion]:
        paginator = self.client.get_paginator("list_object_versions")
        with self._errors(f"listing of {self.display_url(prefix)}"):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                entries = [
                    *(self._listed(v, False) for v in page.get("Versions", [])),
                    *(self._listed(m, True) for m in page.get("DeleteMarkers", [])),
                ]
                # S3 returns versions and markers as two lists; merge them back
                # into one newest-first sequence per key
                entries.sort(key=lambda v: (v.key, -v.last_modified.timestamp(), not v.is_latest))
                yield from entries

    @staticmethod
    def _listed(entry: dict, marker: bool) -> ObjectVersion:
        return ObjectVersion(
            key=entry["Key"],
            version_id=entry.get("VersionId") or NULL_VERSION,
            etag=entry.get("ETag", "").strip('"'),
            size=entry.get("Size", 0),
            last_modified=entry["LastModified"],
            is_latest=entry.get("IsLatest", False),
            is_delete_marker=marker,
        )

    def copy(
        self,
        src_key: str,
        src_version_id: str,
        dst_key: str,
        *,
        metadata: dict[str, str] | None = None,
    ) -> PutResult:
        args: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": dst_key,
            "CopySource": {"Bucket": self.bucket, "Key": src_key, "VersionId": src_version_id},
        }
        if metadata is not None:
            args.update(Metadata=metadata, MetadataDirective="REPLACE")
        with self._errors(f"copy of {self.display_url(src_key)} to {dst_key}"):
            answer = self.client.copy_object(**args)
        return PutResult(
            dst_key,
            answer.get("VersionId") or NULL_VERSION,
            answer["CopyObjectResult"]["ETag"].strip('"'),
        )

    def presign(self, key: str, version_id: str | None, expires: int) -> str:
        with self._errors(f"presigning {self.display_url(key)}"):
            return self.client.generate_presigned_url(
                "get_object", Params=self._get_args(key, version_id), ExpiresIn=expires
            )

    def delete(self, key: str) -> str:
        with self._errors(f"delete of {self.display_url(key)}"):
            answer = self.client.delete_object(Bucket=self.bucket, Key=key)
        return answer.get("VersionId") or NULL_VERSION

    def tag_version(self, key: str, version_id: str, tags: dict[str, str]) -> None:
        with self._errors(f"tagging of {self.display_url(key)} version {version_id}"):
            self.client.put_object_tagging(
                Bucket=self.bucket, Key=key, VersionId=version_id,
                Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})

    def lifecycle_rules(self) -> list[dict[str, Any]]:
        try:
            with self._errors(f"lifecycle rules of {self.display_url()}"):
                answer = self.client.get_bucket_lifecycle_configuration(Bucket=self.bucket)
        except ObjectNotFound:  # NoSuchLifecycleConfiguration: none set
            return []
        return list(answer.get("Rules", []))

    def set_lifecycle_rules(self, rules: list[dict[str, Any]]) -> None:
        with self._errors(f"lifecycle rules of {self.display_url()}"):
            if rules:
                self.client.put_bucket_lifecycle_configuration(
                    Bucket=self.bucket, LifecycleConfiguration={"Rules": rules})
            else:
                self.client.delete_bucket_lifecycle(Bucket=self.bucket)

    def delete_version(self, key: str, version_id: str) -> None:
        with self._errors(f"delete of {self.display_url(key)} version {version_id}"):
            self.client.delete_object(Bucket=self.bucket, Key=key, VersionId=version_id)


#: an ETag that is the MD5 of the body: single-part and not encrypted with KMS or a
#: customer key (multipart ETags end in -N; encrypted ones are opaque)
PLAIN_MD5 = re.compile(r"[0-9a-f]{32}")


def reported_digests(answer: dict[str, Any]) -> dict[str, str]:
    """The digests a GET's answer vouches for, in hex, named as :func:`verify` names them."""
    found = {}
    if answer.get("ChecksumType", "FULL_OBJECT") == "FULL_OBJECT":
        for field, name in CHECKSUMS.items():
            value = answer.get(field)
            if value and "-" not in value:  # "-N": a checksum of the parts' checksums
                found[name] = base64.b64decode(value).hex()
    etag = answer.get("ETag", "").strip('"')
    encrypted = (answer.get("ServerSideEncryption", "").startswith("aws:kms")
                 or answer.get("SSECustomerAlgorithm"))
    if PLAIN_MD5.fullmatch(etag) and not encrypted:
        found["md5"] = etag
    return found
