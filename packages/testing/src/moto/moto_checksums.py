"""moto's S3, made to treat checksums as S3 does (imported by moto.ts before the server starts).

moto 5.2 stores the checksum a client sends without checking it, and without the optional `crc32c` module it
computes "CRC32C" as CRC32. S3 refuses a body whose checksum does not match (400 BadDigest) and stores nothing.
This module gives moto a correct CRC32C and that refusal, for PutObject, UploadPart and the full-object checksum of
CompleteMultipartUpload, so the local stack and the tests see what production sees.
"""

import base64
import contextvars
import importlib.util
import sys

import moto.s3.models as models
import moto.s3.responses as responses
import moto.s3.utils as utils
from moto.s3.exceptions import S3ClientError

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")


def _native_crc32c():
    try:
        import crc32c  # PyPI's crc32c, which moto itself looks for

        return crc32c.crc32c
    except ImportError:
        pass
    # Debian's python3-crc32c (the same module) when this Python is not Debian's own: same ABI for one version.
    tag = f"cpython-{sys.version_info.major}{sys.version_info.minor}"
    path = f"/usr/lib/python3/dist-packages/crc32c.{tag}-x86_64-linux-gnu.so"
    try:
        spec = importlib.util.spec_from_file_location("crc32c", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.crc32c
    except (ImportError, OSError, AttributeError):
        return None


def _table():
    table = []
    for index in range(256):
        crc = index
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _table()


def _python_crc32c(data):
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


_crc32c = _native_crc32c()
if _crc32c is None:
    _crc32c = _python_crc32c
    sys.stderr.write(
        "*** NOTE: no native crc32c for moto (pip install crc32c, or apt-get install python3-crc32c): "
        "CRC32C in pure Python, about 10 MB/s ***\n"
    )

_original_compute_checksum = utils.compute_checksum


def compute_checksum(body, algorithm, encode_base64=True):
    if algorithm != "CRC32C":
        return _original_compute_checksum(body, algorithm, encode_base64)
    raw = _crc32c(bytes(body)).to_bytes(4, "big")
    return base64.b64encode(raw) if encode_base64 else raw


class BadDigest(S3ClientError):
    code = "BadDigest"

    def __init__(self, algorithm):
        super().__init__(
            "BadDigest", f"The {algorithm} you specified did not match the calculated checksum."
        )


# moto finds an error's service (and how to serialize it) from the module that defines its class.
BadDigest.__module__ = "moto.s3.exceptions"


def _given_checksum(response):
    """(algorithm, value) the client sent, in a header or an aws-chunked trailer, or (None, None)."""
    for algorithm in ALGORITHMS:
        value = response.headers.get(f"x-amz-checksum-{algorithm.lower()}")
        if value:
            return algorithm, value
    trailer = (response.headers.get("x-amz-trailer") or "").lower()
    if trailer.startswith("x-amz-checksum-"):
        algorithm = trailer[len("x-amz-checksum-") :].upper()
        marker = f"{trailer}:".encode()
        raw = response.raw_body or b""
        start = raw.rfind(marker)
        if start >= 0:
            value = raw[start + len(marker) :].split(b"\r\n", 1)[0].strip().decode()
            return algorithm, value
    return None, None


_original_get_checksum = responses.S3Response._get_checksum


def _get_checksum(self, response_headers):
    algorithm, value = _given_checksum(self)
    if algorithm in ALGORITHMS and value:
        actual = compute_checksum(self.body or b"", algorithm).decode()
        if actual != value:
            raise BadDigest(algorithm)
    return _original_get_checksum(self, response_headers)


_original_upload_part = responses.S3Response.upload_part


def upload_part(self):
    # moto stores the part before it looks at the checksum; S3 checks first.
    algorithm, value = _given_checksum(self)
    if algorithm in ALGORITHMS and value:
        if compute_checksum(self.body or b"", algorithm).decode() != value:
            raise BadDigest(algorithm)
    return _original_upload_part(self)


# The full-object checksum a CompleteMultipartUpload request states, for the FakeMultipart.complete below.
_expected_full_object = contextvars.ContextVar("expected_full_object", default=None)
_original_key_response_post = responses.S3Response._key_response_post


def _key_response_post(self, *args, **kwargs):
    algorithm, value = _given_checksum(self)
    token = _expected_full_object.set((algorithm, value) if value else None)
    try:
        return _original_key_response_post(self, *args, **kwargs)
    finally:
        _expected_full_object.reset(token)


_original_complete = models.FakeMultipart.complete


def complete(self, body):
    value, etag, details = _original_complete(self, body)
    expected = _expected_full_object.get()
    if expected is not None and details is not None and details[0] == "FULL_OBJECT":
        if details[1] != expected[1]:
            raise BadDigest(expected[0])
    return value, etag, details


_original_put_object = models.S3Backend.put_object


def put_object(self, *args, **kwargs):
    # S3 says a single put's checksum is of the FULL_OBJECT type; moto leaves the type empty.
    key = _original_put_object(self, *args, **kwargs)
    if key.checksum_value and not key.checksum_type and kwargs.get("multipart") is None:
        key.checksum_type = "FULL_OBJECT"
    return key


_original_head_object = responses.S3Response.head_object


def head_object(self, bucket_name, query, key_name, headers):
    # S3's HeadObject states the checksum's type (FULL_OBJECT or COMPOSITE) beside its value; moto's does not.
    status, response_headers, body = _original_head_object(self, bucket_name, query, key_name, headers)
    if status == 200 and headers.get("x-amz-checksum-mode") == "ENABLED":
        version_id = query.get("versionId", [None])[0]
        key = self.backend.head_object(bucket_name, key_name, version_id)
        if key is not None and key.checksum_algorithm and key.checksum_type:
            response_headers["x-amz-checksum-type"] = key.checksum_type
    return status, response_headers, body


def install():
    utils.compute_checksum = compute_checksum
    models.compute_checksum = compute_checksum
    responses.compute_checksum = compute_checksum
    responses.S3Response._get_checksum = _get_checksum
    responses.S3Response.upload_part = upload_part
    responses.S3Response._key_response_post = _key_response_post
    models.FakeMultipart.complete = complete
    models.S3Backend.put_object = put_object
    responses.S3Response.head_object = head_object
