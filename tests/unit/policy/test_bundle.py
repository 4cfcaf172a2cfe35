"""The policy bundle: locating, loading fail-closed, the catalogue and the SHA-256 recipe."""

import shutil
import subprocess
from pathlib import Path

import pytest

from decisions.policy import PolicyError, load_bundle, shipped_bundle_dir, write_registry

# The recipe of policies_rego/README.md, run by coreutils: an independent check of bundle.sha256.
RECIPE = (
    "find . -type f \\( -name '*.rego' ! -name '*_test.rego' -o -path ./data.json \\) "
    "| sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum"
)


@pytest.fixture
def bundle_dir(tmp_path):
    """A private copy of the shipped bundle to break."""
    target = tmp_path / "policies_rego"
    shutil.copytree(shipped_bundle_dir(), target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_the_shipped_bundle_is_found_and_loads():
    bundle = load_bundle()

    assert (bundle.root / "data.json").is_file()
    assert load_bundle(bundle.root).sha256 == bundle.sha256
    assert "fairdun/decision.rego" in dict(bundle.modules)
    assert not any(path.endswith("_test.rego") for path, _ in bundle.modules)
    assert bundle.files == tuple(sorted([p for p, _ in bundle.modules] + ["data.json"]))


def test_the_catalogue_lists_every_rule_with_its_metadata():
    rules = {rule.id: rule for rule in load_bundle().rules}

    assert set(rules) == {
        # common
        "FD-CONSENT-CHANNEL", "FD-DISPUTE-HOLD", "FD-DECEASED-STOP", "FD-INSOLVENCY-STOP",
        "FD-CEASE-COMMUNICATION", "FD-NO-WORK-CONTACT", "FD-CHANNEL-OPT-OUT", "FD-PROMISE-TO-PAY-PAUSE",
        "FD-ESCALATION-MIN-AMOUNT", "FD-FEE-NOT-DUE", "FD-ONE-PER-DAY", "FD-GLOBAL-STOP", "FD-QUIET-HOURS",
        "FD-OVERSIGHT-SIGNIFICANT-EFFECT", "FD-OVERSIGHT-UNCERTAIN-SCORE", "FD-JURISDICTION-UNSUPPORTED",
        "FD-INPUT-MALFORMED", "GB-DRS-MORATORIUM", "FD-REVIEW-PAUSE", "FD-LIMITATION-THREAT",
        # the baseline outside the reviewed scope
        "FD-BASELINE-FEES", "FD-BASELINE-THREATS", "FD-BASELINE-ESCALATION", "FD-BASELINE-CONTACT-HOURS",
        # EU / GDPR and UK GDPR
        "EU-GDPR-21", "EU-GDPR-22", "EU-GDPR-18", "EU-GDPR-21-4", "EU-GDPR-22-4", "GB-UKGDPR-22C", "EU-GDPR-14",
        # DE
        "DE-BGB-286", "DE-DUNNING-FEE-COST", "DE-BGB-288", "DE-BGB-288-5", "DE-BDSG-31-2", "DE-RDG-13E",
        "DE-BGB-195-199", "DE-RDG-13A",
        # US federal and states
        "US-REGF-1006.14-b2", "US-REGF-1006.6-c", "US-REGF-1006.6-e", "US-REGF-1006.14-h",
        "US-REGF-1006.26-b", "US-REGF-1006.30-a", "US-FCRA-605", "US-MA-940CMR-7.04-1-f", "US-WA-RCW-19.16.250",
        "US-NY-23NYCRR-1.2-a", "US-NY-23NYCRR-1.3-b", "US-NY-23NYCRR-1.4-b",
        "US-REGF-1006.34-a", "US-REGF-1006.38-b", "US-REGF-1006.18-e", "US-REGF-1006.6-b2", "US-REGF-1006.6-b1-i",
        "US-REGF-1006.22-f3",
        # UK
        "GB-FCA-CONC-7.3", "GB-FCA-CONC-7.7.5",
    }
    insolvency = rules["FD-INSOLVENCY-STOP"]
    assert insolvency.path == "rules/stops/insolvency_stop.rego"
    assert insolvency.package == "rules.stops.insolvency_stop"
    assert "InsO §§ 87, 89" in insolvency.citation
    assert insolvency.severity == "high"
    assert "https://www.law.cornell.edu/uscode/text/11/362" in insolvency.related_resources


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="coreutils sha256sum not installed")
def test_the_bundle_hash_follows_the_documented_recipe():
    root = shipped_bundle_dir()
    listing = subprocess.run(["bash", "-c", RECIPE], cwd=root, capture_output=True, text=True, check=True)

    assert load_bundle(root).sha256 == listing.stdout.split()[0]


def test_the_bundle_hash_is_stable(bundle_dir):
    assert load_bundle(bundle_dir).sha256 == load_bundle(bundle_dir).sha256 == load_bundle().sha256


def test_every_runtime_file_is_covered_by_the_hash(bundle_dir):
    before = load_bundle(bundle_dir)
    hashes = set()
    for path in before.files:
        file = bundle_dir / path
        original = file.read_bytes()
        # a trailing space: harmless to Rego and JSON, so the bundle still loads
        file.write_bytes(original + b" ")
        hashes.add(load_bundle(bundle_dir).sha256)
        file.write_bytes(original)

    assert len(hashes) == len(before.files)
    assert before.sha256 not in hashes
    assert load_bundle(bundle_dir).sha256 == before.sha256


def test_renaming_a_runtime_file_changes_the_hash(bundle_dir):
    before = load_bundle(bundle_dir).sha256
    (bundle_dir / "fairdun/lib/lib.rego").rename(bundle_dir / "fairdun/lib/library.rego")

    assert load_bundle(bundle_dir).sha256 != before


def test_tests_and_docs_are_not_part_of_the_hash_the_tests_have_their_own(bundle_dir):
    before = load_bundle(bundle_dir)
    test_file = bundle_dir / "rules/stops/insolvency_stop_test.rego"
    test_file.write_text(test_file.read_text() + "\n# another scenario\n")
    (bundle_dir / "rules/stops/extra_test.rego").write_text("package extra_test\n")
    (bundle_dir / "README.md").write_text("changed")
    after = load_bundle(bundle_dir)

    assert after.sha256 == before.sha256
    assert after.tests_sha256 != before.tests_sha256
    assert "rules/stops/extra_test.rego" in dict(after.tests)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


RULE = "rules/stops/deceased_stop.rego"


@pytest.mark.parametrize(("breakage", "reason"), [
    (lambda d: shutil.rmtree(d), "does not exist"),
    (lambda d: (d / "data.json").unlink(), "has no data.json"),
    (lambda d: (d / "data.json").write_text("{"), "data.json is not valid JSON"),
    (lambda d: (d / "data.json").write_text("[]"), "must hold a JSON object"),
    (lambda d: (d / "rules/stops/data.json").write_text("{}"), "only the root data.json is loaded"),
    (lambda d: (d / "fairdun/lib/lib.rego").write_bytes(b"package fairdun.lib\n\xff\n"), "is not UTF-8"),
    (lambda d: (d / "rules/stops/my rule.rego").write_text("package x\n"), "must use only letters"),
    (lambda d: _replace(d / RULE, "package rules.stops.deceased_stop", "package rules.stops.deceased"),
     "must declare package rules.stops.deceased_stop"),
    (lambda d: (d / "rules/stops/deep").mkdir() or shutil.move(d / RULE, d / "rules/stops/deep/x.rego"),
     "must sit at rules/<area>/<rule>.rego"),
    (lambda d: (d / "fairdun/extra.rego").write_text("package rules.sneaky\nimport rego.v1\ndeny := []\n"),
     "declares package rules.sneaky outside rules/"),
    (lambda d: (d / "rules/stops/blank.rego").write_text("# no package\n"), "empty module"),
    (lambda d: _replace(d / RULE, "package rules.stops.deceased_stop\n", "package rules.stops.deceased_stop\n\ndenials := 1\n"
                        "deny := 2 if false\n") or (d / RULE).write_text((d / RULE).read_text().replace("deny contains", "d2 contains")),
     "must define deny as a set"),
    (lambda d: _replace(d / RULE, "not lib.flags.deceased == false", "not count(lib.acting) > 0"),
     "leaves the portable subset of Rego"),
    (lambda d: _replace(d / RULE, "#   id: FD-DECEASED-STOP\n", ""), "custom.id is missing"),
    (lambda d: _replace(d / RULE, "#   severity: high", "#   severity: urgent"), "custom.severity must be one of"),
    (lambda d: _replace(d / RULE, "# title: Deceased debtor stop\n", ""), "title is missing"),
    (lambda d: _replace(d / RULE, "#   - ref: https://www.gesetze-im-internet.de/bgb/__1967.html",
                        "#   - ref: www.gesetze-im-internet.de/bgb/__1967.html"), "related_resources"),
    (lambda d: _replace(d / RULE, "#   jurisdiction: \"*\"", "#   jurisdiction: *"), "METADATA is not valid"),
    (lambda d: _replace(d / RULE, "FD-DECEASED-STOP\n", "FD-INSOLVENCY-STOP\n"), "rule id FD-INSOLVENCY-STOP is declared by"),
    (lambda d: _replace(d / RULE, "deny contains", "denials contains"), "defines neither deny nor obligations"),
])
def test_a_bundle_the_gate_cannot_trust_is_refused(bundle_dir, breakage, reason):
    breakage(bundle_dir)

    with pytest.raises(PolicyError) as caught:
        load_bundle(bundle_dir)
    assert reason in caught.value.reason


def test_a_rule_file_missing_from_the_registry_is_refused_until_it_is_regenerated(bundle_dir):
    extra = (bundle_dir / RULE).read_text().replace("deceased_stop", "deceased_stop_copy").replace(
        "FD-DECEASED-STOP", "FD-DECEASED-STOP-COPY")
    (bundle_dir / "rules/stops/deceased_stop_copy.rego").write_text(extra)

    with pytest.raises(PolicyError, match="registry.rego does not list exactly the rule modules"):
        load_bundle(bundle_dir)

    write_registry(bundle_dir)
    bundle = load_bundle(bundle_dir)
    assert "FD-DECEASED-STOP-COPY" in {rule.id for rule in bundle.rules}
    assert "data.rules.stops.deceased_stop_copy.deny" in dict(bundle.modules)["fairdun/registry.rego"]


def test_a_removed_rule_file_must_leave_the_registry(bundle_dir):
    (bundle_dir / RULE).unlink()

    with pytest.raises(PolicyError, match="regenerate it with decisions.policy.write_registry"):
        load_bundle(bundle_dir)

    write_registry(bundle_dir)
    assert "FD-DECEASED-STOP" not in {rule.id for rule in load_bundle(bundle_dir).rules}


def test_the_shipped_registry_is_current():
    root = shipped_bundle_dir()
    from decisions.policy._bundle import expected_registry

    assert (root / "fairdun/registry.rego").read_text() == expected_registry(root)
