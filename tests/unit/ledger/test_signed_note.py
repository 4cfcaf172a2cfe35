"""Signed notes and checkpoints against the published golang.org/x/mod/sumdb/note and
C2SP vectors: key ids, verification, deterministic re-signing, malformed notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ledger.offline import NoteInvalid, NoteVerifier, open_checkpoint, open_note, parse_checkpoint, split_note
from ledger.signing import NoteSigner


@pytest.fixture
def note(vectors: Callable[[str], Any]) -> dict[str, Any]:
    return vectors("signed_note_ed25519.json")


def test_verifier_keys_parse_and_their_key_ids_are_computed(note: dict[str, Any]) -> None:
    for name, vkey in note["verifier_keys"].items():
        verifier = NoteVerifier.from_vkey(vkey)
        assert verifier.name == name and verifier.vkey == vkey
    signer = NoteSigner.from_signer_key(note["signer_key_PeterNeumann"])
    assert signer.verifier.vkey == note["verifier_keys"]["PeterNeumann"]


def test_a_tampered_verifier_key_is_refused(note: dict[str, Any]) -> None:
    name, hex_id, key = note["verifier_keys"]["PeterNeumann"].split("+", 2)
    for bad in (f"{name}+{int(hex_id, 16) ^ 1:08x}+{key}", f"Paul+{hex_id}+{key}", f"{name}+{hex_id}",
                f"Bad Name+{hex_id}+{key}"):
        with pytest.raises(NoteInvalid):
            NoteVerifier.from_vkey(bad)


def test_signing_reproduces_the_published_note_byte_for_byte(note: dict[str, Any]) -> None:
    signer = NoteSigner.from_signer_key(note["signer_key_PeterNeumann"])
    assert signer.sign(note["text"]) == note["signed_note_peter_only"]


def test_the_published_note_opens_with_the_trusted_key(note: dict[str, Any]) -> None:
    peter = NoteVerifier.from_vkey(note["verifier_keys"]["PeterNeumann"])
    opened = open_note(note["signed_note_peter_only"], [peter])
    assert opened.text == note["text"] and opened.verified_by == (peter,)


def test_unknown_keys_are_ignored_and_known_ones_all_verify(note: dict[str, Any]) -> None:
    peter, enoch = (NoteVerifier.from_vkey(note["verifier_keys"][n]) for n in ("PeterNeumann", "EnochRoot"))
    both = note["text"] + "\n" + note["sig_lines"]["PeterNeumann"] + note["sig_lines"]["EnochRoot"]
    only_peter = open_note(both, [peter])
    assert only_peter.verified_by == (peter,) and [s.name for s in only_peter.unverified] == ["EnochRoot"]
    assert open_note(both, [peter, enoch]).verified_by == (peter, enoch)
    with pytest.raises(NoteInvalid, match="no signature by a trusted key"):
        open_note(note["signed_note_peter_only"], [enoch])


def test_every_listed_malformed_note_is_rejected(note: dict[str, Any]) -> None:
    text, peter_sig = note["text"], note["sig_lines"]["PeterNeumann"]
    signature = peter_sig.split(" ", 2)[2]
    peter = NoteVerifier.from_vkey(note["verifier_keys"]["PeterNeumann"])
    rejected = {
        "note text only (no blank line / no signatures)": text,
        "text + '\\n' with no signature line": text + "\n",
        "signature line without trailing newline": text + "\n" + peter_sig[:-1],
        "leading 0x01 control byte": b"\x01" + (text + "\n" + peter_sig).encode(),
        "leading 0xff (invalid UTF-8)": b"\xff" + (text + "\n" + peter_sig).encode(),
        "signature line with key name containing a space ('Bad Name')": text + "\n\u2014 Bad Name " + signature,
        "extra non-signature line after signatures": text + "\n" + peter_sig + "Unexpected line.\n",
        "101 copies of the same signature (too many)": text + "\n" + peter_sig * 101,
        "signature with 'ABCD' inserted at char 60 (invalid signature for a known key -> reject whole note)":
            text + "\n" + peter_sig[:60] + "ABCD" + peter_sig[60:],
    }
    assert set(rejected) == set(note["must_reject"])
    for case, message in rejected.items():
        try:
            open_note(message, [peter])
        except NoteInvalid:
            continue
        pytest.fail(f"accepted a malformed note: {case}")


def test_two_trusted_keys_with_one_name_and_id_are_ambiguous(note: dict[str, Any]) -> None:
    peter = NoteVerifier.from_vkey(note["verifier_keys"]["PeterNeumann"])
    with pytest.raises(NoteInvalid, match="ambiguous"):
        open_note(note["signed_note_peter_only"], [peter, peter])


def test_the_c2sp_checkpoint_example_parses(vectors: Callable[[str], Any]) -> None:
    example = vectors("c2sp_checkpoint_examples.json")["checkpoint_example"]
    text, signatures = split_note(example)
    checkpoint = parse_checkpoint(text)
    assert (checkpoint.origin, checkpoint.tree_size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.root_hash.hex().startswith("0ac5186a")
    assert [s.name for s in signatures] == ["example.com/behind-the-sofa", "witness.example.com/w1"]
    assert len(signatures[1].signature) == 8 + 64   # cosignature/v1: timestamp and Ed25519 signature
    with pytest.raises(NoteInvalid):
        open_checkpoint(example, [])    # its keys are not published: nothing to trust


def test_malformed_checkpoint_bodies_are_refused() -> None:
    root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    for text in (f"origin\n012\n{root}\n", f"origin\n12\n{root[:-4]}\n", f"\n12\n{root}\n", "origin\n12\n",
                 f"origin\n12\n{root}\n\n", f"origin\n-1\n{root}\n"):
        with pytest.raises(NoteInvalid):
            parse_checkpoint(text)
    assert parse_checkpoint(f"origin\n12\n{root}\nextension\n").extensions == ("extension",)
