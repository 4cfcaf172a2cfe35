"""Proofs built from stored subtrees, for any tree: equal to the RFC's recursive
definitions (an independent implementation), verified by both verifiers, and asking
for O(log n) subtrees."""

from __future__ import annotations

import math

import rfc9162_reference as reference
from hypothesis import given
from hypothesis import strategies as st

from ledger.merkle import consistency_proof, inclusion_proof, subtrees, tree_root
from ledger.offline import CompactRange, verify_consistency, verify_inclusion


def _leaves(n: int) -> list[bytes]:
    return [reference.leaf(i.to_bytes(4, "big")) for i in range(n)]


@st.composite
def tree_and_leaf(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(min_value=1, max_value=300))
    return size, draw(st.integers(min_value=0, max_value=size - 1))


@given(tree_and_leaf())
def test_inclusion_proofs_match_the_rfc_definition_and_verify(case: tuple[int, int]) -> None:
    size, index = case
    leaves = _leaves(size)
    source = reference.MemoryNodes(leaves)
    proof = inclusion_proof(source, index, size)
    assert proof == reference.path(index, leaves)
    root = tree_root(reference.MemoryNodes(leaves), size)
    assert root == reference.mth(leaves)
    assert reference.root_from_path(index, size, leaves[index], proof) == root
    verify_inclusion(index, size, leaves[index], proof, root)
    assert source.requested <= 2 * math.ceil(math.log2(size)) + 1


@given(tree_and_leaf(), st.integers(min_value=1, max_value=300))
def test_consistency_proofs_match_the_rfc_definition_and_verify(case: tuple[int, int], grow: int) -> None:
    old, _ = case
    new = old + grow
    leaves = _leaves(new)
    source = reference.MemoryNodes(leaves)
    proof = consistency_proof(source, old, new)
    assert proof == reference.subproof(old, leaves)
    old_root, new_root = reference.mth(leaves[:old]), reference.mth(leaves)
    assert reference.roots_from_consistency(old, new, old_root, proof) == (old_root, new_root)
    verify_consistency(old, new, old_root, new_root, proof)
    assert source.requested <= 2 * math.ceil(math.log2(new)) + 2


@given(st.integers(min_value=0, max_value=2**40), st.integers(min_value=1, max_value=2**40))
def test_subtrees_tile_a_range_with_aligned_complete_subtrees(start_blocks: int, length: int) -> None:
    # ranges as the RFC splits them: start aligned to the largest power of two <= length
    level = length.bit_length() - 1
    start = start_blocks << level
    parts = subtrees(start, start + length)
    covered = start
    for last, part_level in parts:
        assert last + 1 - (1 << part_level) == covered and covered % (1 << part_level) == 0
        covered = last + 1
    assert covered == start + length and len(parts) == length.bit_count()


@given(st.integers(min_value=0, max_value=200))
def test_appending_completes_exactly_the_subtrees_the_tree_has(size: int) -> None:
    leaves = _leaves(size)
    tree = CompactRange()
    completed = {}
    for seq, leaf in enumerate(leaves):
        for level, node in tree.push(leaf):
            completed[(seq, level)] = node
    expected = {(seq, level) for seq in range(size) for level in range(1, 9) if (seq + 1) % (1 << level) == 0}
    assert set(completed) == expected
    assert all(node == reference.mth(leaves[seq + 1 - (1 << level):seq + 1]) for (seq, level), node in completed.items())
    assert tree.root() == reference.mth(leaves)
