"""Ed25519 keys that sign checkpoints as C2SP signed notes.

Keys live in the instance folder, ``<instance>/keys/ledger/0001.key``, ``0002.key``, …
(base64 of the 32-byte Ed25519 seed, mode 0600), generated on first start like the
other instance keys. Rotation adds the next file: the newest key signs new
checkpoints, and every key keeps verifying old ones (the public halves are
registered in the database and exported as signed-note verifier keys).
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .offline import ALGORITHM_ED25519, SIGNATURE_PREFIX, NoteVerifier, key_id

__all__ = ["NoteSigner", "SigningKeys", "load_signing_keys", "add_signing_key"]

log = logging.getLogger(__name__)
SEED_BYTES = 32
_KEY_FILE = re.compile(r"(\d{4,})\.key")


@dataclass(frozen=True)
class NoteSigner:
    """Signs notes under ``name`` (for checkpoints: the log's origin)."""

    name: str
    private_key: Ed25519PrivateKey

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> NoteSigner:
        return cls(name=name, private_key=Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_signer_key(cls, skey: str) -> NoteSigner:
        """A signed-note signer key, ``PRIVATE+KEY+<name>+<key id>+<base64(0x01 || seed)>``
        (the form golang.org/x/mod/sumdb/note writes)."""
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise ValueError("not a signed-note signer key")
        _, _, name, hex_id, encoded = parts
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise ValueError("the signer key is not base64") from exc
        if len(key) != 1 + SEED_BYTES or key[0] != ALGORITHM_ED25519:
            raise ValueError("not an Ed25519 signer key")
        signer = cls.from_seed(name, key[1:])
        if f"{signer.key_id:08x}" != hex_id:
            raise ValueError("the signer key does not match its key id")
        return signer

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def key_id(self) -> int:
        return key_id(self.name, bytes([ALGORITHM_ED25519]) + self.public_key)

    @property
    def verifier(self) -> NoteVerifier:
        return NoteVerifier(name=self.name, key_id=self.key_id, public_key=self.public_key)

    def sign(self, text: str) -> str:
        """The signed note: ``text``, a blank line, this key's signature line."""
        if not text.endswith("\n"):
            raise ValueError("a note's text ends with a newline")
        signature = self.private_key.sign(text.encode("utf-8"))
        encoded = base64.b64encode(self.key_id.to_bytes(4, "big") + signature).decode("ascii")
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {encoded}\n"


@dataclass(frozen=True)
class SigningKeys:
    """The instance's checkpoint keys, oldest first; the newest signs."""

    signers: tuple[NoteSigner, ...]

    @property
    def newest(self) -> NoteSigner:
        return self.signers[-1]

    @property
    def verifiers(self) -> list[NoteVerifier]:
        return [signer.verifier for signer in self.signers]


def _folder(instance_path: Path) -> Path:
    return Path(instance_path) / "keys" / "ledger"


def _key_files(folder: Path) -> list[tuple[int, Path]]:
    if not folder.is_dir():
        return []
    found = [(int(match.group(1)), path) for path in folder.iterdir() if (match := _KEY_FILE.fullmatch(path.name))]
    return sorted(found)


def _read_seed(path: Path) -> bytes:
    seed = base64.b64decode(path.read_bytes().strip(), validate=True)
    if len(seed) != SEED_BYTES:
        raise ValueError(f"{path} must hold {SEED_BYTES} bytes of base64")
    return seed


def load_signing_keys(instance_path: Path, name: str, *,
                      random_bytes: Callable[[int], bytes] = os.urandom) -> SigningKeys:
    """The instance's signing keys under ``name``, the first one generated if there is none."""
    folder = _folder(instance_path)
    files = _key_files(folder)
    if not files:
        _create(folder, 1, name, random_bytes)
        files = _key_files(folder)
    return SigningKeys(tuple(NoteSigner.from_seed(name, _read_seed(path)) for _, path in files))


def add_signing_key(instance_path: Path, name: str, *,
                    random_bytes: Callable[[int], bytes] = os.urandom) -> NoteSigner:
    """Generate the next key (rotation): it becomes the newest and signs from now on."""
    folder = _folder(instance_path)
    files = _key_files(folder)
    return _create(folder, files[-1][0] + 1 if files else 1, name, random_bytes)


def _create(folder: Path, number: int, name: str, random_bytes: Callable[[int], bytes]) -> NoteSigner:
    """Key file ``number``, unless another worker created it first (then that one)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{number:04d}.key"
    seed = random_bytes(SEED_BYTES)
    # Written whole under a private name, then linked into place: when two workers
    # start at once, one key wins and the other worker reads it complete.
    fd, draft = tempfile.mkstemp(prefix=f".{number:04d}.", suffix=".draft", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(base64.b64encode(seed) + b"\n")
        os.link(draft, path)
    except FileExistsError:
        return NoteSigner.from_seed(name, _read_seed(path))
    finally:
        os.unlink(draft)
    log.warning("generated ledger signing key %s in %s; use managed keys in production", path.name, folder)
    return NoteSigner.from_seed(name, seed)
