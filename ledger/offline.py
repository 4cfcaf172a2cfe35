"""The offline verifier: everything an auditor needs to check a fairdun ledger export.

One file that imports only the Python standard library and ``cryptography``, so it
can be read in one sitting and run without fairdun installed::

    python offline.py --export DIR --public-key FILE [--checkpoint FILE ...]

An export holds ``entries.jsonl``, ``checkpoint.txt`` (the signed head it was made
at), ``checkpoints.jsonl`` (every checkpoint signed before, one JSON object with its
``note`` per line) and ``public-keys.txt``.

It implements, from their specifications:

- RFC 9162 §2.1: Merkle tree hashing, inclusion and consistency proof verification;
- C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 keys, and the
  C2SP tlog-checkpoint body (https://c2sp.org/tlog-checkpoint);
- the fairdun ledger's entry chain (DESIGN.md, "Ledger format"): each entry is the
  RFC 8785 canonical JSON of ``{seq, ts, kind, prev, body, sealed_sha256}``, its hash
  is the RFC 9162 leaf hash, ``prev`` is the previous entry's hash.

fairdun's own code uses these functions too (the checkpoint signer and the database
verification). Verification raises ``VerificationFailed`` (or ``ProofInvalid``,
``NoteInvalid``); it never returns False.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

__all__ = [
    "MODIFIED", "MISSING", "REORDERED", "TRUNCATED", "BAD_SIGNATURE", "INCONSISTENT", "UNSIGNED",
    "VerificationFailed", "ProofInvalid", "NoteInvalid",
    "EMPTY_ROOT", "leaf_hash", "node_hash", "CompactRange", "verify_inclusion", "verify_consistency",
    "ALGORITHM_ED25519", "SIGNATURE_PREFIX", "NoteVerifier", "Note", "key_id", "open_note", "split_note",
    "Checkpoint", "parse_checkpoint", "open_checkpoint",
    "GENESIS_PREV", "SHREDDED_KIND", "RETENTION_RUN_KIND", "SHREDDING_KINDS", "Walked", "WalkSummary", "ChainWalker", "shredded_blobs",
    "ENTRIES_FILE", "CHECKPOINT_FILE", "CHECKPOINTS_FILE", "PUBLIC_KEYS_FILE", "ExportIncomplete", "ExportReport", "read_public_keys", "verify_export", "describe", "main",
]

# -- failures ---------------------------------------------------------------------------------

# Reasons a ledger fails verification. ``seq`` is always the first entry whose
# integrity the failure puts in doubt: for entry-level reasons the entry itself;
# for checkpoint-level reasons the first entry no valid checkpoint vouches for.
MODIFIED = "modified"              # an entry's text differs from what was hashed and chained
MISSING = "missing"                # an entry is absent
REORDERED = "reordered"            # an entry sits at another seq than the one it was written at
TRUNCATED = "truncated"            # a trusted checkpoint covers entries the ledger no longer has
BAD_SIGNATURE = "bad_signature"    # a checkpoint is not validly signed by a trusted key
INCONSISTENT = "inconsistent_checkpoint"   # a trusted checkpoint's root is not the entries' tree head
UNSIGNED = "unsigned"              # an export carries entries no checkpoint covers


class VerificationFailed(Exception):
    def __init__(self, seq: int, reason: str, detail: str = "") -> None:
        self.seq = seq
        self.reason = reason
        self.detail = detail
        super().__init__(f"seq {seq}: {reason}" + (f" ({detail})" if detail else ""))


class ProofInvalid(Exception):
    """An RFC 9162 inclusion or consistency proof does not prove what it claims."""


class NoteInvalid(Exception):
    """A signed note is malformed, carries a bad signature of a trusted key, or none at all."""


# -- RFC 9162 §2.1: Merkle tree hashes -----------------------------------------------------------

# RFC 9162 §2.1.1: leaf hash = SHA-256(0x00 || leaf), node hash = SHA-256(0x01 || left || right),
# the empty tree's hash = SHA-256("").
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


class CompactRange:
    """The roots of the complete subtrees a tree of ``size`` leaves decomposes into,
    largest first: enough to compute the tree head and to keep appending."""

    def __init__(self, size: int = 0, frontier: Sequence[bytes] = ()) -> None:
        if len(frontier) != size.bit_count():
            raise ValueError(f"a tree of {size} leaves has {size.bit_count()} complete subtrees, not {len(frontier)}")
        self.size = size
        self.frontier = list(frontier)

    def push(self, leaf: bytes) -> list[tuple[int, bytes]]:
        """Append one leaf hash; return the complete subtrees it completes as
        ``(level, hash)`` (level 1 = two leaves), lowest first."""
        node, level, made = leaf, 0, []
        while self.size >> level & 1:
            node = node_hash(self.frontier.pop(), node)
            level += 1
            made.append((level, node))
        self.frontier.append(node)
        self.size += 1
        return made

    def root(self) -> bytes:
        """RFC 9162 §2.1.1 MTH: the right-most subtrees fold first."""
        if not self.frontier:
            return EMPTY_ROOT
        root = self.frontier[-1]
        for subtree in reversed(self.frontier[:-1]):
            root = node_hash(subtree, root)
        return root


def verify_inclusion(leaf_index: int, tree_size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """RFC 9162 §2.1.3.2, step by step. ``leaf`` is the leaf hash."""
    # (1) the leaf must lie inside the tree
    if leaf_index >= tree_size or leaf_index < 0:
        raise ProofInvalid(f"leaf {leaf_index} lies outside a tree of {tree_size}")
    # (2) fn, sn; (3) r
    fn, sn, r = leaf_index, tree_size - 1, leaf
    # (4) fold the path in
    for p in proof:
        if sn == 0:
            raise ProofInvalid("the proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    # (5) the path must end at the root, and at the root's hash
    if sn != 0:
        raise ProofInvalid("the proof is shorter than the path to the root")
    if r != root:
        raise ProofInvalid("the proof does not lead to the root hash")


def verify_consistency(size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]) -> None:
    """RFC 9162 §2.1.4.2 for 0 < size1 < size2; the edge cases as transparency-dev/merkle
    decides them (a non-empty proof where none is needed is refused)."""
    if size1 < 0 or size2 < size1:
        raise ProofInvalid(f"a tree of {size2} cannot extend a tree of {size1}")
    if size1 == size2:
        if proof:
            raise ProofInvalid("equal sizes need an empty proof")
        if root1 != root2:
            raise ProofInvalid("equal sizes with different roots")
        return
    if size1 == 0:
        if proof:
            raise ProofInvalid("the empty tree needs an empty proof")
        return
    # (1) a proof is needed
    if not proof:
        raise ProofInvalid("empty proof")
    path = list(proof)
    # (2) the old tree is itself a complete subtree of the new one
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    # (3), (4)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # (5)
    fr = sr = path[0]
    # (6)
    for c in path[1:]:
        if sn == 0:
            raise ProofInvalid("the proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # (7)
    if sn != 0:
        raise ProofInvalid("the proof is shorter than the path to the root")
    if fr != root1:
        raise ProofInvalid("the proof does not lead to the old root")
    if sr != root2:
        raise ProofInvalid("the proof does not lead to the new root")


# -- C2SP signed-note ----------------------------------------------------------------------------

# signed-note: a signature line is "— <key name> <base64(key id || signature)>\n" (U+2014, a space).
SIGNATURE_PREFIX = "\u2014 "
ALGORITHM_ED25519 = 0x01
MAX_SIGNATURES = 100    # as golang.org/x/mod/sumdb/note: parsing a note stays cheap


def _valid_key_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(ch.isspace() for ch in name)


def key_id(name: str, key: bytes) -> int:
    """signed-note: the first four bytes of SHA-256(name || "\\n" || algorithm byte || public key),
    as a big-endian number. ``key`` starts with the algorithm byte."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8") + b"\n" + key).digest()[:4], "big")


@dataclass(frozen=True)
class NoteVerifier:
    """An Ed25519 verifier key: ``<name>+<8 hex digit key id>+<base64(0x01 || public key)>``."""

    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def from_vkey(cls, vkey: str) -> NoteVerifier:
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or not _valid_key_name(parts[0]) or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
            raise NoteInvalid(f"not a verifier key: {vkey!r}")
        name, hex_id, encoded = parts
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise NoteInvalid(f"verifier key of {name!r} is not base64") from exc
        if len(key) != 33 or key[0] != ALGORITHM_ED25519:
            raise NoteInvalid(f"verifier key of {name!r} is not an Ed25519 key")
        if key_id(name, key) != int(hex_id, 16):
            raise NoteInvalid(f"verifier key of {name!r} does not match its key id")
        return cls(name=name, key_id=int(hex_id, 16), public_key=key[1:])

    @property
    def vkey(self) -> str:
        encoded = base64.b64encode(bytes([ALGORITHM_ED25519]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id:08x}+{encoded}"

    def verify(self, text: bytes, signature: bytes) -> None:
        """Raises ``cryptography.exceptions.InvalidSignature``."""
        Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, text)


@dataclass(frozen=True)
class SignatureLine:
    name: str
    key_id: int
    signature: bytes


@dataclass(frozen=True)
class Note:
    text: str
    verified_by: tuple[NoteVerifier, ...]
    unverified: tuple[SignatureLine, ...]


def split_note(message: str | bytes) -> tuple[str, list[SignatureLine]]:
    """The text and the signature lines of a signed note, checked for form only."""
    raw = message.encode("utf-8") if isinstance(message, str) else message
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoteInvalid("a note must be UTF-8") from exc
    if any(ch < " " and ch != "\n" for ch in decoded):
        raise NoteInvalid("a note must not contain control characters other than newline")
    split = decoded.rfind("\n\n")
    if split < 0:
        raise NoteInvalid("a note needs a blank line before its signatures")
    text, block = decoded[:split + 1], decoded[split + 2:]
    if not block or not block.endswith("\n"):
        raise NoteInvalid("a note's signature lines must each end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteInvalid(f"a note may carry at most {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteInvalid("not a signature line")
        name, _, encoded = line[len(SIGNATURE_PREFIX):].partition(" ")
        try:
            blob = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise NoteInvalid("a signature must be base64") from exc
        if not _valid_key_name(name) or not encoded or len(blob) < 5:
            raise NoteInvalid("malformed signature line")
        signatures.append(SignatureLine(name=name, key_id=int.from_bytes(blob[:4], "big"), signature=blob[4:]))
    return text, signatures


def open_note(message: str | bytes, verifiers: Sequence[NoteVerifier]) -> Note:
    """Check a signed note against trusted ``verifiers``: every signature of a
    trusted key must verify, at least one must be present; others are ignored."""
    text, signatures = split_note(message)
    known: dict[tuple[str, int], NoteVerifier] = {}
    for verifier in verifiers:
        slot = (verifier.name, verifier.key_id)
        if slot in known:   # as golang.org/x/mod/sumdb/note: a name and key id must pick one key
            raise NoteInvalid(f"ambiguous key: two trusted keys are named {verifier.name}+{verifier.key_id:08x}")
        known[slot] = verifier
    verified: dict[tuple[str, int], NoteVerifier] = {}
    unverified: list[SignatureLine] = []
    for line in signatures:
        match = known.get((line.name, line.key_id))
        if match is None:
            if line not in unverified:
                unverified.append(line)
            continue
        if (line.name, line.key_id) in verified:
            continue
        try:
            match.verify(text.encode("utf-8"), line.signature)
        except InvalidSignature as exc:
            raise NoteInvalid(f"the signature of trusted key {line.name}+{line.key_id:08x} does not verify") from exc
        verified[(line.name, line.key_id)] = match
    if not verified:
        raise NoteInvalid("no signature by a trusted key")
    return Note(text=text, verified_by=tuple(verified.values()), unverified=tuple(unverified))


# -- C2SP tlog-checkpoint ------------------------------------------------------------------------

@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint: origin, tree size and root hash (the first three lines of the
    note text), any extension lines, the signed note it came from, and the trusted
    keys that signed it (empty until opened with ``open_checkpoint``)."""

    origin: str
    tree_size: int
    root_hash: bytes
    extensions: tuple[str, ...]
    note: str
    signed_by: tuple[NoteVerifier, ...] = ()


def parse_checkpoint(text: str, *, note: str = "") -> Checkpoint:
    """The body of a checkpoint note (tlog-checkpoint: origin, decimal size, base64 root)."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteInvalid("a checkpoint has an origin, a tree size and a root hash, one per line")
    origin, size, root, *extensions = lines[:-1]
    if not origin or not re.fullmatch(r"0|[1-9][0-9]{0,19}", size):
        raise NoteInvalid("malformed checkpoint origin or tree size")
    try:
        root_hash = base64.b64decode(root, validate=True)
    except binascii.Error as exc:
        raise NoteInvalid("the checkpoint's root hash is not base64") from exc
    if len(root_hash) != 32 or any(not line for line in extensions):
        raise NoteInvalid("malformed checkpoint root hash or extension line")
    return Checkpoint(origin=origin, tree_size=int(size), root_hash=root_hash, extensions=tuple(extensions),
                      note=note)


def open_checkpoint(note: str, verifiers: Sequence[NoteVerifier]) -> Checkpoint:
    opened = open_note(note, verifiers)
    checkpoint = parse_checkpoint(opened.text, note=note)
    return Checkpoint(origin=checkpoint.origin, tree_size=checkpoint.tree_size, root_hash=checkpoint.root_hash,
                      extensions=checkpoint.extensions, note=note, signed_by=opened.verified_by)


# -- the fairdun entry chain ---------------------------------------------------------------------

GENESIS_PREV = "0" * 64
SHREDDED_KIND = "subject_shredded"
# Entries that declare sealed blobs destroyed (``body.blobs``): a subject's crypto-shredding, and
# a retention run's single entry for every key whose retention period ended.
RETENTION_RUN_KIND = "retention_run"
SHREDDING_KINDS = frozenset({SHREDDED_KIND, RETENTION_RUN_KIND})
# RFC 8785 orders members by their UTF-16 code units, so every entry ends in the same
# fields in the same order after its body. Reading them from the tail spares parsing
# the body (which the leaf hash covers byte for byte anyway). The kind cannot contain
# a quote, so the match is anchored unambiguously.
_HEAD = b'{"body":'
_TAIL = re.compile(rb',"kind":"([^"\\]*)","prev":"([0-9a-f]{64})","sealed_sha256":(null|"[0-9a-f]{64}"),'
                   rb'"seq":(0|[1-9][0-9]*),"ts":"([^"\\]*)"\}\Z')
_TAIL_WINDOW = 512


def _tail(entry: bytes) -> re.Match[bytes] | None:
    # The tail is a few hundred bytes; searching only there keeps the check cheap for
    # large bodies (a kind too long for the window is found by the full search).
    return _TAIL.search(entry, max(0, len(entry) - _TAIL_WINDOW)) or _TAIL.search(entry)


@dataclass(frozen=True, slots=True)
class Walked:
    """What verification learnt of one entry: its kind, time (as written), sealed blob digest
    and the Merkle subtrees it completed ``(level, hash)``."""

    kind: str
    ts: str
    sealed_sha256: str | None
    nodes: list[tuple[int, bytes]]


@dataclass(frozen=True)
class WalkSummary:
    entries: int
    head_hash: str
    root_hash: bytes
    sealed: int
    shredded: frozenset[str]   # blob digests declared destroyed by subject_shredded entries
    vouched: int            # entries covered by a trusted checkpoint that matched
    checkpoints: int        # trusted checkpoints that matched


class ChainWalker:
    """Checks entries one by one, in seq order, and builds their tree head.

    Per entry: (1) the leaf hash of the exact text; (2) the entry's own seq;
    (3) the link to its predecessor; (4) the Merkle tree, compared with each trusted
    checkpoint when the walk reaches its size. A broken link is attributed with one
    entry of look-ahead: if the next entry still links to the suspect one, the
    predecessor was altered (and rehashed); otherwise the suspect itself was.
    """

    def __init__(self, *, checkpoints: Iterable[Checkpoint] = (), start: int = 0, prev: str = GENESIS_PREV,
                 frontier: Sequence[bytes] = ()) -> None:
        self._tree = CompactRange(start, frontier)
        self._prev = prev
        self._pending: int | None = None     # seq of an entry whose link to its predecessor broke
        self._checkpoints = sorted(checkpoints, key=lambda c: c.tree_size)
        self._next_checkpoint = 0
        self._vouched = 0
        self._matched = 0
        self._sealed = 0
        self._shredded: set[str] = set()
        self._next_size = -1
        self._compare_checkpoints()

    @property
    def size(self) -> int:
        return self._tree.size

    def root(self) -> bytes:
        return self._tree.root()

    @property
    def settled(self) -> bool:
        """False while a broken link awaits the next entry to be attributed."""
        return self._pending is None

    def add(self, seq: int, entry: bytes, leaf_hash_hex: str | None = None) -> Walked:
        digest = hashlib.sha256(LEAF_PREFIX + entry).digest()   # RFC 9162 leaf hash, inline: the hot path
        hex_digest = digest.hex()
        match = _tail(entry) if entry.startswith(_HEAD) else None
        if self._pending is not None:
            self._blame_broken_link(match)
        if seq != self._tree.size:
            raise VerificationFailed(self._tree.size, MISSING, f"the next entry present is seq {seq}")
        # (1) RFC 9162 §2.1.1 leaf hash of the exact text, against the hash recorded with it
        if leaf_hash_hex is not None and leaf_hash_hex != hex_digest:
            raise VerificationFailed(seq, MODIFIED, "the entry's text does not hash to its recorded leaf hash")
        if match is None:
            raise VerificationFailed(seq, MODIFIED, "not a canonical ledger entry")
        kind, prev, sealed, own_seq, ts = match.groups()
        # (2) the entry names the seq it was written at
        if int(own_seq) != seq:
            raise VerificationFailed(seq, REORDERED, f"the entry at seq {seq} was written as seq {int(own_seq)}")
        # (3) the link to the predecessor (blamed once the next entry is seen)
        if prev.decode("ascii") != self._prev:
            if seq == 0:
                raise VerificationFailed(0, MODIFIED, "the first entry does not start the chain")
            self._pending = seq
        self._prev = hex_digest
        sealed_sha256 = None if sealed == b"null" else sealed[1:-1].decode("ascii")
        if sealed_sha256 is not None:
            self._sealed += 1
        kind_text = kind.decode("utf-8")
        if kind_text in SHREDDING_KINDS:
            self._shredded.update(shredded_blobs(entry, seq))
        # (4) the Merkle tree
        nodes = self._tree.push(digest)
        if self._tree.size == self._next_size:
            self._compare_checkpoints()
        return Walked(kind=kind_text, ts=ts.decode("utf-8"), sealed_sha256=sealed_sha256, nodes=nodes)

    def finish(self) -> WalkSummary:
        if self._pending is not None:
            self._blame_broken_link(None)
        if self._next_checkpoint < len(self._checkpoints):
            beyond = self._checkpoints[-1]
            raise VerificationFailed(self._tree.size, TRUNCATED,
                                     f"a trusted checkpoint covers {beyond.tree_size} entries, "
                                     f"only {self._tree.size} are present")
        return WalkSummary(entries=self._tree.size, head_hash=self._prev, root_hash=self._tree.root(),
                           sealed=self._sealed, shredded=frozenset(self._shredded), vouched=self._vouched,
                           checkpoints=self._matched)

    def _blame_broken_link(self, next_entry: re.Match[bytes] | None) -> None:
        suspect = self._pending
        assert suspect is not None
        if next_entry is not None and next_entry.group(2).decode("ascii") != self._prev:
            raise VerificationFailed(suspect, MODIFIED, f"entry {suspect} links neither to entry {suspect - 1} "
                                                        f"nor is it linked from entry {suspect + 1}")
        raise VerificationFailed(suspect - 1, MODIFIED, f"entry {suspect} no longer links to entry {suspect - 1}: "
                                                        f"entry {suspect - 1} was altered after it was chained")

    def _compare_checkpoints(self) -> None:
        while (self._next_checkpoint < len(self._checkpoints)
               and self._checkpoints[self._next_checkpoint].tree_size == self._tree.size):
            checkpoint = self._checkpoints[self._next_checkpoint]
            if self._pending is not None:
                break    # the broken link is reported first, once the next entry is seen
            if checkpoint.root_hash != self._tree.root():
                # the first checkpoint that disagrees: the change lies after the last one that agreed
                agreed = f"the checkpoints up to size {self._vouched} match" if self._matched else "none before it"
                raise VerificationFailed(self._vouched, INCONSISTENT,
                                         f"the trusted checkpoint of size {checkpoint.tree_size} is the first that "
                                         f"does not match the tree of these entries ({agreed}): an entry from seq "
                                         f"{self._vouched} to {checkpoint.tree_size - 1} was rewritten")
            self._vouched = checkpoint.tree_size
            self._matched += 1
            self._next_checkpoint += 1
        self._next_size = (self._checkpoints[self._next_checkpoint].tree_size
                           if self._next_checkpoint < len(self._checkpoints) else -1)


def shredded_blobs(entry: bytes, seq: int) -> list[str]:
    """The blob digests a ``subject_shredded`` entry declares destroyed."""
    try:
        blobs = json.loads(entry)["body"]["blobs"]
    except (ValueError, KeyError, TypeError) as exc:
        raise VerificationFailed(seq, MODIFIED, "a shredding entry without its list of blobs") from exc
    if not isinstance(blobs, list) or not all(isinstance(b, str) for b in blobs):
        raise VerificationFailed(seq, MODIFIED, "a shredding entry without its list of blobs")
    return blobs


# -- exports ------------------------------------------------------------------------------------

ENTRIES_FILE = "entries.jsonl"
CHECKPOINT_FILE = "checkpoint.txt"
CHECKPOINTS_FILE = "checkpoints.jsonl"     # every earlier checkpoint: ``{"tree_size", "note"}`` per line
PUBLIC_KEYS_FILE = "public-keys.txt"


class ExportIncomplete(Exception):
    """A file the export must hold is missing or unreadable."""


@dataclass(frozen=True)
class ExportReport:
    entries: int
    root_hash: str
    checkpoint: Checkpoint
    checkpoints: int          # trusted checkpoints (the export's and the auditor's) that matched
    sealed: int               # entries that commit to a sealed blob
    shredded: int             # blobs declared destroyed by subject_shredded entries


def read_public_keys(text: str) -> list[NoteVerifier]:
    """Verifier keys, one per line (a repeated line counts once); blank lines and ``#``
    comments are skipped."""
    lines = dict.fromkeys(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    keys = [NoteVerifier.from_vkey(line) for line in lines]
    if not keys:
        raise NoteInvalid("no verifier keys given")
    return keys


# The layout `fairdun ledger export` writes; any other valid JSON layout is parsed in full.
_WIRE_HEAD = re.compile(r'\{"seq":(0|[1-9][0-9]*),"entry":"')
_WIRE_TAIL = re.compile(r',"leaf_hash":"([0-9a-f]{64})"\}\n?\Z')


def _wire_entries(path: Path) -> Iterator[tuple[int, int, bytes, str]]:
    """(position, seq, entry bytes, leaf hash) of every line of ``entries.jsonl``."""
    with path.open("r", encoding="utf-8") as handle:
        for position, line in enumerate(handle):
            try:
                yield (position, *_wire_entry(line))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise VerificationFailed(position, MODIFIED, f"line {position + 1} is not an exported entry") from exc


def _wire_entry(line: str) -> tuple[int, bytes, str]:
    head = _WIRE_HEAD.match(line)
    if head is not None:
        # json's own string decoder on the entry alone: the same result as json.loads,
        # without building the surrounding object (the hot path of a large export)
        entry, end = json.decoder.scanstring(line, head.end())  # type: ignore[attr-defined]
        tail = _WIRE_TAIL.match(line, end)
        if tail is not None:
            return int(head.group(1)), entry.encode("utf-8"), tail.group(1)
    wire = json.loads(line)
    return int(wire["seq"]), wire["entry"].encode("utf-8"), str(wire["leaf_hash"])


def verify_export(directory: Path, trusted: Sequence[NoteVerifier], *, checkpoints: Sequence[str] = ()) -> ExportReport:
    """Verify an export (``entries.jsonl``, ``checkpoint.txt``) against ``trusted``
    keys and, optionally, checkpoints the auditor kept from earlier.

    (1) open every checkpoint with the trusted keys; (2) walk the chain; (3) compare
    each trusted checkpoint with the tree head at its size; (4) the export's own
    checkpoint must be validly signed and cover every exported entry.
    """
    directory = Path(directory)
    if not (directory / ENTRIES_FILE).is_file():
        raise ExportIncomplete(f"{directory} holds no {ENTRIES_FILE}: not a ledger export")
    # (1) checkpoints: the export's own, every earlier one it carries, then the auditor's
    own_note = _read(directory / CHECKPOINT_FILE)
    opened: list[Checkpoint] = []
    own: Checkpoint | None = None
    own_problem = ""
    try:
        own = open_checkpoint(own_note, trusted)
        opened.append(own)
    except NoteInvalid as exc:
        own_problem = str(exc)
    for line, note in _earlier_checkpoints(directory / CHECKPOINTS_FILE):
        try:
            opened.append(open_checkpoint(note, trusted))
        except NoteInvalid as exc:
            raise VerificationFailed(0, BAD_SIGNATURE, f"{CHECKPOINTS_FILE} line {line}: {exc}") from exc
    for note in checkpoints:
        try:
            opened.append(open_checkpoint(note, trusted))
        except NoteInvalid as exc:
            raise VerificationFailed(0, BAD_SIGNATURE, f"a checkpoint given for comparison: {exc}") from exc
    # (2), (3) the chain and the tree heads
    walker = ChainWalker(checkpoints=opened)
    entries = _wire_entries(directory / ENTRIES_FILE)
    for position, seq, entry, leaf in entries:
        if seq != position:
            raise VerificationFailed(position, _misplaced(position, seq, entries), f"line {position + 1} holds seq {seq}")
        walker.add(seq, entry, leaf)
    summary = walker.finish()
    # (4) the export's checkpoint
    if own is None:
        raise VerificationFailed(summary.vouched, BAD_SIGNATURE, f"{CHECKPOINT_FILE}: {own_problem}")
    if summary.entries > own.tree_size:
        raise VerificationFailed(own.tree_size, UNSIGNED,
                                 f"{summary.entries - own.tree_size} entries beyond the export's checkpoint")
    return ExportReport(entries=summary.entries, root_hash=summary.root_hash.hex(), checkpoint=own,
                        checkpoints=summary.checkpoints, sealed=summary.sealed,
                        shredded=len(summary.shredded))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExportIncomplete(f"the export holds no {path.name}: it cannot be checked against a signature") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportIncomplete(f"{path.name} cannot be read: {exc}") from exc


def _earlier_checkpoints(path: Path) -> list[tuple[int, str]]:
    """(line number, note) of each checkpoint in ``checkpoints.jsonl``; none if the export
    predates that file."""
    if not path.exists():
        return []
    notes = []
    for number, line in enumerate(_read(path).splitlines(), start=1):
        try:
            notes.append((number, str(json.loads(line)["note"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise VerificationFailed(0, BAD_SIGNATURE, f"{CHECKPOINTS_FILE} line {number} is not a checkpoint") from exc
    return notes


def _misplaced(position: int, seq: int, rest: Iterator[tuple[int, int, bytes, str]]) -> str:
    """An entry out of place: the expected one comes later (reordered) or never (missing)."""
    if seq < position:
        return REORDERED
    return REORDERED if any(later == position for _, later, _, _ in rest) else MISSING


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a fairdun ledger export offline.")
    parser.add_argument("--export", required=True, type=Path, help="folder written by `fairdun ledger export`")
    parser.add_argument("--public-key", required=True, type=Path, help="trusted verifier keys, one per line")
    parser.add_argument("--checkpoint", action="append", default=[], type=Path,
                        help="a checkpoint seen earlier that the export must still agree with (repeatable)")
    args = parser.parse_args(argv)
    try:
        report = verify_export(args.export, read_public_keys(args.public_key.read_text(encoding="utf-8")),
                               checkpoints=[path.read_text(encoding="utf-8") for path in args.checkpoint])
    except VerificationFailed as exc:
        print(f"FAILED at seq {exc.seq}: {exc.reason}" + (f" ({exc.detail})" if exc.detail else ""), file=sys.stderr)
        return 1
    except (NoteInvalid, ExportIncomplete, OSError) as exc:   # OSError: a key or checkpoint file unreadable
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print(describe(report))
    return 0


def describe(report: ExportReport) -> str:
    signers = ", ".join(v.vkey.rsplit("+", 1)[0] for v in report.checkpoint.signed_by)
    return (f"ok: {report.entries} entries, tree root {report.root_hash}, checkpoint of size "
            f"{report.checkpoint.tree_size} signed by {signers}; {report.checkpoints} trusted checkpoint(s) "
            f"match; {report.sealed} sealed blobs committed, {report.shredded} shredded")


if __name__ == "__main__":
    sys.exit(main())
