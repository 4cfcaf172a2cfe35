"""The METADATA reader: the YAML subset the catalogue uses, and refusal of anything else."""

import pytest

from decisions.policy._metadata import MetadataError, metadata_blocks

MODULE = '''# METADATA
# title: Insolvency stop
# description: >-
#   First line
#   second line.
# related_resources:
#   - ref: https://www.gesetze-im-internet.de/inso/__89.html
#     description: InsO section 89
#   - ref: https://www.law.cornell.edu/uscode/text/11/362
# custom:
#   id: FD-INSOLVENCY-STOP
#   jurisdiction: "*"
#   citation: 'InsO §§ 87, 89; it''s quoted'
#   severity: high
#   tags:
#   - stop
#   - legal
package rules.stops.insolvency_stop

# METADATA
# title: second block
# notes: |
#   kept
#   as lines
deny contains 1 if false
'''


def test_blocks_are_read_in_order_with_nested_values():
    first, second = metadata_blocks(MODULE)

    assert first == {
        "title": "Insolvency stop",
        "description": "First line second line.",
        "related_resources": [
            {"ref": "https://www.gesetze-im-internet.de/inso/__89.html", "description": "InsO section 89"},
            {"ref": "https://www.law.cornell.edu/uscode/text/11/362"},
        ],
        "custom": {
            "id": "FD-INSOLVENCY-STOP",
            "jurisdiction": "*",
            "citation": "InsO §§ 87, 89; it's quoted",
            "severity": "high",
            "tags": ["stop", "legal"],
        },
    }
    assert second == {"title": "second block", "notes": "kept\nas lines\n"}


def test_a_module_without_metadata_has_no_blocks():
    assert metadata_blocks("package x\n# a comment\n") == []


@pytest.mark.parametrize(("block", "reason"), [
    ("# jurisdiction: *", "quote this scalar"),
    ("# citation: Art. 6: consent", "quote this scalar"),
    ("# note: a #comment-looking value", "quote this scalar"),
    ("# title: a\n# title: b", "duplicate key"),
    ("# title: a\n#   nested: b", "unexpected indentation"),
    ("# just text", "expected 'key: value'"),
    ("# - a list", "must be a mapping"),
    ('# title: "unterminated', "bad double-quoted scalar"),
    ("# custom:\n#   -\n", "empty list item"),
])
def test_what_yaml_would_read_differently_is_refused(block, reason):
    with pytest.raises(MetadataError, match=reason):
        metadata_blocks(f"# METADATA\n{block}\npackage x\n")
