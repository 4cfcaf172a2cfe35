"""The Merkle tree against the published RFC 6962 / RFC 9162 vectors: hashes, tree
heads, proofs built from subtrees, and every listed mutation refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rfc9162_reference import MemoryNodes

from ledger.merkle import consistency_proof, inclusion_proof, subtrees, tree_root
from ledger.offline import (
    EMPTY_ROOT,
    CompactRange,
    ProofInvalid,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def _leaves(vector: dict[str, Any]) -> list[bytes]:
    return [leaf_hash(h(data)) for data in vector["leaves_hex"]]


def test_the_hasher_vectors(vectors: Callable[[str], Any]) -> None:
    for case in vectors("rfc6962_hasher.json")["cases"]:
        if case["fn"] == "empty_root":
            got = EMPTY_ROOT
        elif case["fn"] == "leaf":
            got = leaf_hash(h(case["data_hex"]))
        else:
            got = node_hash(h(case["left_hex"]), h(case["right_hex"]))
        assert got.hex() == case["want"], case["desc"]


def test_tree_heads_of_every_size_and_every_subtree(vectors: Callable[[str], Any]) -> None:
    vector = vectors("rfc6962_tree_hashes.json")
    leaves = _leaves(vector)
    assert [leaf.hex() for leaf in leaves] == vector["node_hashes_by_level"][0]
    tree = CompactRange()
    completed: dict[int, list[str]] = {}
    for size, root in sorted(vector["root_hashes_by_tree_size"].items(), key=lambda item: int(item[0])):
        size = int(size)
        assert tree.size == size and tree.root().hex() == root
        # the same head from stored subtrees
        assert tree_root(MemoryNodes(leaves), size).hex() == root
        if size < len(leaves):
            for level, node in tree.push(leaves[size]):
                completed.setdefault(level, []).append(node.hex())
    for level, hashes in enumerate(vector["node_hashes_by_level"][1:], start=1):
        assert completed[level] == hashes


def test_compact_ranges_are_the_published_ones(vectors: Callable[[str], Any]) -> None:
    vector = vectors("rfc6962_tree_hashes.json")
    nh = vector["node_hashes_by_level"]
    expected = {3: [nh[1][0], nh[0][2]], 5: [nh[2][0], nh[0][4]], 6: [nh[2][0], nh[1][2]],
                7: [nh[2][0], nh[1][2], nh[0][6]]}
    leaves = _leaves(vector)
    for size, frontier in expected.items():
        tree = CompactRange()
        for leaf in leaves[:size]:
            tree.push(leaf)
        assert [node.hex() for node in tree.frontier] == frontier
    # the same subtrees, addressed as stored: (seq of the last leaf, level)
    assert subtrees(0, 3) == [(1, 1), (2, 0)]
    assert subtrees(0, 5) == [(3, 2), (4, 0)]
    assert subtrees(0, 6) == [(3, 2), (5, 1)]
    assert subtrees(0, 7) == [(3, 2), (5, 1), (6, 0)]


def _inclusion_mutations(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> dict[str, tuple]:
    """corruptInclusionProof() of transparency-dev/merkle, named as the vector file lists them."""
    mutations = {
        "leaf_index-1": (index - 1, size, leaf, proof, root),
        "leaf_index+1": (index + 1, size, leaf, proof, root),
        "leaf_index^2": (index ^ 2, size, leaf, proof, root),
        "tree_size*2": (index, size * 2, leaf, proof, root),
        "tree_size//2": (index, size // 2, leaf, proof, root),
        "wrong leaf bytes": (index, size, leaf_hash(b"WrongLeaf"), proof, root),
        "root=empty-tree hash": (index, size, leaf, proof, EMPTY_ROOT),
        "root=random hash": (index, size, leaf, proof, h("ab" * 32)),
        "append empty element": (index, size, leaf, proof + [b""], root),
        "append root": (index, size, leaf, proof + [root], root),
        "prepend empty element": (index, size, leaf, [b""] + proof, root),
        "prepend root": (index, size, leaf, [root] + proof, root),
    }
    for i in range(len(proof)):
        flipped = bytearray(proof[i])
        flipped[0] ^= 1 << 3
        mutations[f"flip bit 3 of byte 0 of proof element {i}"] = (index, size, leaf,
                                                                    proof[:i] + [bytes(flipped)] + proof[i + 1:], root)
    if proof:
        mutations["drop last element"] = (index, size, leaf, proof[:-1], root)
        mutations["insert extra element after proof[0]"] = (index, size, leaf, proof[:1] + [leaf] + proof[1:], root)
    return mutations


def test_inclusion_proofs_are_built_verified_and_mutations_refused(vectors: Callable[[str], Any]) -> None:
    vector = vectors("rfc6962_inclusion_proofs.json")
    roots = vectors("rfc6962_tree_hashes.json")["root_hashes_by_tree_size"]
    leaves = _leaves(vector)
    named: set[str] = set()
    for case in vector["valid"]:
        index, size, proof = case["leaf_index"], case["tree_size"], [h(p) for p in case["proof"]]
        root = h(roots[str(size)])
        verify_inclusion(index, size, leaves[index], proof, root)
        assert inclusion_proof(MemoryNodes(leaves[:size]), index, size) == proof
        original = (index, size, leaves[index], proof, root)
        for name, mutated in _inclusion_mutations(*original).items():
            named.add(name if not name.startswith("flip") else "flip bit 3 of byte 0 of any proof element")
            with pytest.raises(ProofInvalid):
                verify_inclusion(*mutated)
    assert set(vector["mutations_that_must_fail"]) <= named
    some = h(vector["sha256SomeHash"])
    for index, size in vector["invalid_edge_cases"][0]["pairs"]:
        for root in (b"", EMPTY_ROOT):
            with pytest.raises(ProofInvalid):
                verify_inclusion(index, size, some, [], root)


def _placeholder(vector: dict[str, Any], value: str) -> bytes:
    if value == "EMPTY":
        return h(vector["semantic_placeholders"]["EMPTY"])
    return {"R1": b"don't care 1", "R2": b"don't care 2"}[value]


def test_consistency_proofs_are_built_verified_and_mutations_refused(vectors: Callable[[str], Any]) -> None:
    vector = vectors("rfc6962_consistency_proofs.json")
    leaves = _leaves(vectors("rfc6962_tree_hashes.json"))
    roots = {int(size): h(root) for size, root in vector["roots_by_tree_size"].items()}
    for case in vector["valid"]:
        m, n, proof = case["size1"], case["size2"], [h(p) for p in case["proof"]]
        verify_consistency(m, n, roots[m], roots[n], proof)
        assert consistency_proof(MemoryNodes(leaves[:n]), m, n) == proof
        if m == n:
            continue
        mutations = {
            "size1-1": (m - 1, n, roots[m], roots[n], proof),
            "size1+1": (m + 1, n, roots[m], roots[n], proof),
            "size1^2": (m ^ 2, n, roots[m], roots[n], proof),
            "size2*2": (m, n * 2, roots[m], roots[n], proof),
            "size2//2": (m, n // 2, roots[m], roots[n], proof),
            "wrong root1": (m, n, h("00" * 32), roots[n], proof),
            "wrong root2": (m, n, roots[m], h("00" * 32), proof),
            "swapped roots": (m, n, roots[n], roots[m], proof),
            "empty proof": (m, n, roots[m], roots[n], []),
            "append empty": (m, n, roots[m], roots[n], proof + [EMPTY_ROOT]),
            "append root1": (m, n, roots[m], roots[n], proof + [roots[m]]),
            "append root2": (m, n, roots[m], roots[n], proof + [roots[n]]),
            "prepend empty": (m, n, roots[m], roots[n], [EMPTY_ROOT] + proof),
            "prepend root1": (m, n, roots[m], roots[n], [roots[m]] + proof),
            "prepend root2": (m, n, roots[m], roots[n], [roots[n]] + proof),
            "prepend proof[0]": (m, n, roots[m], roots[n], proof[:1] + proof),
            "drop last element": (m, n, roots[m], roots[n], proof[:-1]),
        }
        for i in range(len(proof)):
            flipped = bytearray(proof[i])
            flipped[0] ^= 1 << 4
            mutations[f"flip bit 4 of byte 0 of element {i}"] = (m, n, roots[m], roots[n],
                                                                 proof[:i] + [bytes(flipped)] + proof[i + 1:])
        assert set(vector["mutations_that_must_fail"]) - {"flip bit 4 of byte 0 of any element"} <= set(mutations)
        for mutated in mutations.values():
            with pytest.raises(ProofInvalid):
                verify_consistency(*mutated)


def test_consistency_edge_cases_follow_the_strict_policy(vectors: Callable[[str], Any]) -> None:
    vector = vectors("rfc6962_consistency_proofs.json")
    for case in vector["semantic_cases_from_TestVerifyConsistency"]:
        arguments = (case["size1"], case["size2"], _placeholder(vector, case["root1"]),
                     _placeholder(vector, case["root2"]), [_placeholder(vector, p) for p in case["proof"]])
        if case["want_ok"]:
            verify_consistency(*arguments)
        else:
            with pytest.raises(ProofInvalid):
                verify_consistency(*arguments)


def test_a_real_certificate_transparency_audit_path(vectors: Callable[[str], Any]) -> None:
    vector = vectors("ct_real_audit_path.json")
    proof = [h(p) for p in vector["audit_path"]]
    leaf, root = h(vector["leaf_hash"]), h(vector["expected_root_hash"])
    verify_inclusion(vector["leaf_index"], vector["tree_size"], leaf, proof, root)
    for case in vector["must_fail"]:
        with pytest.raises(ProofInvalid):
            verify_inclusion(case.get("leaf_index", vector["leaf_index"]), vector["tree_size"], leaf, proof,
                             h(case["root"]) if "root" in case else root)
