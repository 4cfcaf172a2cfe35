"""Instance secrets: generated on first start into the instance folder, never in the repo.

The embedded default keeps them as files (mode 0600) in ``<instance>/keys/``; a
``FAIRDUN_MASTER_KEY`` / ``FAIRDUN_PSEUDONYM_KEY`` environment variable (base64,
32 bytes) takes precedence, which is how a KMS or secret store hands them in.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["KEY_BYTES", "load_or_create_key"]

KEY_BYTES = 32  # AES-256 and HMAC-SHA-256 keys
log = logging.getLogger(__name__)


def load_or_create_key(instance_path: Path, name: str, *, environ: Mapping[str, str] | None = None,
                       random_bytes: Callable[[int], bytes] = os.urandom) -> bytes:
    environ = os.environ if environ is None else environ
    variable = f"FAIRDUN_{name.upper()}_KEY"
    if variable in environ:
        key = base64.b64decode(environ[variable], validate=True)
        if len(key) != KEY_BYTES:
            raise ValueError(f"{variable} must hold {KEY_BYTES} bytes of base64")
        return key
    path = Path(instance_path) / "keys" / f"{name}.key"
    if path.exists():
        key = base64.b64decode(path.read_bytes().strip(), validate=True)
        if len(key) != KEY_BYTES:
            raise ValueError(f"{path} must hold {KEY_BYTES} bytes of base64")
        return key
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = random_bytes(KEY_BYTES)
    # O_EXCL: when two workers start at once, one creates the key and the other reads it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_or_create_key(instance_path, name, environ=environ, random_bytes=random_bytes)
    with os.fdopen(fd, "wb") as handle:
        handle.write(base64.b64encode(key) + b"\n")
    log.warning("generated a new %s key in %s; use managed keys (%s) in production", name, path.parent, variable)
    return key
