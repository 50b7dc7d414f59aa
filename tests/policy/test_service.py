"""policyCheck through GraphQL over two test maps in the real Neo4j, each checked against a
second policy loaded beside Preemptly's from a fixture file (tests/policy/data): on `t-pol-ok-`
every claim holds, on `t-pol-bad-` every claim the map can decide is contradicted."""

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import cli
from graph.database import Database
from seeds.loader import SeedError, load_policy
from tests.conftest import GraphQL
from tests.policy.graph import Map

pytestmark = pytest.mark.usefixtures("seeded")

DATA = Path(__file__).parent / "data"
AS_OF = "2026-06-01"
CHECK = """
query Check($policy: ID!) {
  policyCheck(policy: $policy, asOf: "2026-06-01") {
    policy { key owner title lastUpdated }
    contradicted
    counts { verdict count }
    claims { key section words kind verdict checked lacks evidence { path detail } }
    undisclosed { kind key detail evidence { path detail } }
  }
}
"""
ENCRYPTED = ("enc_at_rest", "enc_in_transit", "access_control")


def ok_map() -> Map:
    m = Map("t-pol-ok-")
    m.organisation(
        "owner", "DE", sells_personal_data=False, minimum_age=16, directed_at_children=False
    )
    m.organisation("vendor", "US", "EU_US")
    m.engage("owner", "vendor", "PROCESSOR", ["user.contact.email"])
    service = {"deletion_method": "API", "retrieval_method": "export by email"}
    m.system("app", "owner", "CONTROLLER", "DE", *ENCRYPTED, **service)
    m.system("crm", "vendor", "PROCESSOR", "US", *ENCRYPTED, **service)
    m.system("app-backup", "owner", "CONTROLLER", "DE", *ENCRYPTED, kind="BACKUP",
             backs_up="app", rotation_days=30)  # fmt: skip
    m.storage("st-app", "app", ["user.contact.email"], retention_days=30)
    m.storage("st-cookies", "app", ["user.device.cookie_id"], retention_days=395)
    m.storage("st-crm", "crm", ["user.contact.email"], retention_days=730)
    m.flow("app", "crm", ["user.contact.email"], "marketing.communications.email")
    m.activity("pa-service", "essential.service", "GDPR-6-1-b", ["user.contact.email"],
               ["app"], {"vendor": "PROCESSOR"})  # fmt: skip
    m.activity("pa-marketing", "marketing.communications.email", "GDPR-6-1-a",
               ["user.contact.email"], ["app", "crm"], {"vendor": "PROCESSOR"})  # fmt: skip
    m.activity("pa-cookies", "analytics.reporting", "GDPR-6-1-a", ["user.device.cookie_id"],
               ["app"])  # fmt: skip
    return m


def bad_map() -> Map:
    m = Map("t-pol-bad-")
    m.organisation(
        "owner", "DE", sells_personal_data=True, minimum_age=13, directed_at_children=True
    )
    m.organisation("broker", "IN")
    m.engage("owner", "broker", "THIRD_PARTY", ["user"])
    m.system("app", "owner", "CONTROLLER", "DE", deletion_method="NONE")
    m.system("app-backup", "owner", "CONTROLLER", "DE", kind="BACKUP", backs_up="app")
    held = ["user.contact.email", "user.childrens", "user.health_and_medical"]
    m.storage("st-app", "app", held)
    m.activity("pa-ads", "marketing.advertising.third_party", "GDPR-6-1-f",
               ["user.device.cookie_id", "user.health_and_medical"], ["app"],
               {"broker": "THIRD_PARTY"})  # fmt: skip
    m.activity("pa-unfounded", "essential.service", None, ["user.contact.email"], ["app"])
    return m


def policy_file(tmp: Path, key: str, owner: str) -> Path:
    """The fixture policy, for another key and owner."""
    shutil.copy(DATA / "t-policy.txt", tmp / "t-policy.txt")
    text = (DATA / "t-policy.yaml").read_text(encoding="utf-8")
    path = tmp / f"{key}.yaml"
    path.write_text(
        text.replace("key: t-pol-ok\n", f"key: {key}\n").replace("t-pol-ok-owner", owner),
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
async def test_maps(
    seeded: Database, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[None]:
    maps = (ok_map(), bad_map())
    for m in maps:
        await m.write(seeded)
    await load_policy(seeded, DATA / "t-policy.yaml")
    await load_policy(
        seeded, policy_file(tmp_path_factory.mktemp("policy"), "t-pol-bad", "t-pol-bad-owner")
    )
    yield
    await Map("t-pol-").remove(seeded)  # both maps, and every policy the tests loaded


async def checked(graphql: GraphQL, policy: str) -> dict[str, Any]:
    body = await graphql(CHECK, {"policy": policy})
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["policyCheck"]
    return result


def by_key(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {claim["key"]: claim for claim in result["claims"]}


@pytest.mark.usefixtures("test_maps")
async def test_every_claim_holds_on_a_map_that_keeps_them(graphql: GraphQL) -> None:
    result = await checked(graphql, "t-pol-ok")
    assert result["policy"] == {
        "key": "t-pol-ok",
        "owner": "t-pol-ok-owner",
        "title": "Test Privacy Policy",
        "lastUpdated": "2026-01-15",
    }
    claims = by_key(result)
    assert claims.pop("audits")["verdict"] == "UNCHECKABLE"
    # The map records no way to correct, restrict or object: the owner is established in the
    # Union, whose law grants all three (regimes.yaml), so the claim cannot be checked.
    unmapped = claims.pop("rights-unmapped")
    assert unmapped["verdict"] == "UNCHECKABLE" and unmapped["evidence"] == []
    assert [fact.split(" ")[0] for fact in unmapped["lacks"]] == [
        "CORRECTION",
        "RESTRICTION",
        "OBJECTION",
    ]
    assert "EU Art. 18 GDPR" in unmapped["lacks"][1]
    for key, claim in claims.items():
        assert (key, claim["verdict"], claim["evidence"], claim["lacks"]) == (
            key, "HOLDS", [], []
        ), claim  # fmt: skip
        assert claim["checked"] > 0, claim
    assert not result["contradicted"]
    assert result["undisclosed"] == []
    assert claims["transfers"]["checked"] >= 1  # the US transfer was assessed, not skipped


@pytest.mark.usefixtures("test_maps")
async def test_every_claim_fails_on_a_map_that_breaks_them(graphql: GraphQL) -> None:
    result = await checked(graphql, "t-pol-bad")
    claims = by_key(result)
    assert result["contradicted"]
    assert {key: claim["verdict"] for key, claim in claims.items()} == {
        **{key: "CONTRADICTED" for key in claims},
        "audits": "UNCHECKABLE",
        "rights-unmapped": "UNCHECKABLE",
    }

    def details(key: str) -> list[str]:
        return [item["detail"] for item in claims[key]["evidence"]]

    def paths(key: str) -> list[list[str]]:
        return [item["path"] for item in claims[key]["evidence"]]

    p = "t-pol-bad-"
    assert [d.split(" ")[0] for d in details("categories")] == [
        "user.childrens",
        "user.health_and_medical",
    ]
    assert paths("categories")[0] == [
        f"Storage:{p}st-app", "IN_SYSTEM", f"System:{p}app", "OF_CATEGORY",
        "DataCategory:user.childrens",
    ]  # fmt: skip
    assert paths("purposes") == [
        [
            f"ProcessingActivity:{p}pa-ads",
            "FOR_PURPOSE",
            "DataUse:marketing.advertising.third_party",
        ]
    ]
    assert any("sells_personal_data = true" in path[0] for path in paths("no-sale"))
    assert any(f"third party {p}broker" in d for d in details("no-sale"))
    assert paths("recipients")[0][-1] == f"Organisation:{p}broker"
    assert paths("encryption") == [
        [f"Storage:{p}st-app", "IN_SYSTEM", f"System:{p}app"],
        [f"System:{p}app-backup", "BACKS_UP", f"System:{p}app"],
    ]
    assert "records no enc_in_transit or enc_at_rest or access_control" in details("encryption")[0]
    assert paths("retention") == [[f"Storage:{p}st-app", "IN_SYSTEM", f"System:{p}app"]]
    assert sorted(details("erasure")) == [
        f"backup {p}app-backup records no rotation",
        f"{p}app cannot delete (deletion method NONE) and {p}st-app has no retention after "
        "which it expires",
    ]
    assert {d.split(" ")[0] for d in details("rights")} == {
        "ACCESS", "PORTABILITY", "DELETION", "OPT_OUT"
    }  # fmt: skip
    # Judged under the law that reaches the owner (established in DE: the EU GDPR), citing it.
    assert f"ACCESS (EU Art. 15 GDPR): {p}app has no retrieval method" in details("rights")
    assert details("cookies") == [
        f"{p}pa-ads uses cookie data for marketing.advertising.third_party"
    ]
    transfer = paths("transfers")[0]
    assert transfer[0] == f"Organisation:{p}owner" and transfer[-1] == f"Organisation:{p}broker"
    assert "BLOCKED" in transfer[1] and "reaches IN: BLOCKED" in details("transfers")[0]
    assert {d.split(" ")[0] for d in details("children")} >= {"directed", "the", "children's"}
    compliance = details("compliance")
    assert f"{p}pa-unfounded records no Art. 6 legal basis" in compliance
    assert any("special-category user.health_and_medical" in d for d in compliance)
    assert any("BLOCKED" in d for d in compliance) and any("sale" in d for d in compliance)

    undisclosed = {(item["kind"], item["key"]) for item in result["undisclosed"]}
    assert undisclosed == {
        ("CATEGORY", "user.childrens"),
        ("CATEGORY", "user.health_and_medical"),
        ("PURPOSE", "marketing.advertising.third_party"),
        ("RECIPIENT", f"{p}broker"),
        ("TRANSFER_COUNTRY", "IN"),
        ("SPECIAL_CATEGORY", "user.health_and_medical"),
    }


@pytest.mark.usefixtures("test_maps")
async def test_a_second_policy_beside_preemptlys_checks_the_same_map(graphql: GraphQL) -> None:
    """Both policies stay loaded and each is checked against its own owner's map."""
    ok, preemptly = await checked(graphql, "t-pol-ok"), await checked(graphql, "preemptly")
    assert ok["policy"]["owner"] == "t-pol-ok-owner"
    assert preemptly["policy"]["owner"] == "preemptly"
    assert len(ok["claims"]) == 14 and len(preemptly["claims"]) == 16
    every_path = [
        step
        for claim in preemptly["claims"]
        for evidence in claim["evidence"]
        for step in evidence["path"]
    ]
    assert not any("t-pol-" in step for step in every_path)


@pytest.mark.usefixtures("test_maps")
async def test_a_policy_loaded_again_replaces_its_claims(
    seeded: Database, graphql: GraphQL, tmp_path: Path
) -> None:
    path = policy_file(tmp_path, "t-pol-ok", "t-pol-ok-owner")
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  - key: purposes")], encoding="utf-8")
    await load_policy(seeded, path)
    assert [claim["key"] for claim in (await checked(graphql, "t-pol-ok"))["claims"]] == [
        "categories"
    ]
    await load_policy(seeded, DATA / "t-policy.yaml")
    assert len((await checked(graphql, "t-pol-ok"))["claims"]) == 14


async def test_a_policy_whose_words_are_not_in_its_text_is_refused(
    seeded: Database, tmp_path: Path
) -> None:
    path = policy_file(tmp_path, "t-pol-misquoted", "t-pol-ok-owner")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"What we collect:"', '"What we gather:"'), encoding="utf-8")
    with pytest.raises(SeedError) as error:
        await load_policy(seeded, path)
    assert (error.value.entry, error.value.field) == ("claim categories", "words")
    body = await seeded.read("MATCH (p:Policy {key: 't-pol-misquoted'}) RETURN p")
    assert body == []


async def test_a_policy_naming_an_unknown_category_is_refused(
    seeded: Database, tmp_path: Path
) -> None:
    path = policy_file(tmp_path, "t-pol-unknown", "t-pol-ok-owner")
    text = path.read_text(encoding="utf-8").replace("[user.contact.email]}", "[user.emial]}")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SeedError) as error:
        await load_policy(seeded, path)
    assert error.value.message == "unknown category 'user.emial'"


@pytest.mark.usefixtures("test_maps")
def test_the_command_exits_non_zero_only_on_a_contradiction() -> None:
    runner = CliRunner()
    held = runner.invoke(cli, ["check", "policy", "--policy", "t-pol-ok", "--as-of", AS_OF])
    assert held.exit_code == 0, held.output
    assert "HOLDS" in held.output and "CONTRADICTED " not in held.output
    broken = runner.invoke(cli, ["check", "policy", "--policy", "t-pol-bad", "--as-of", AS_OF])
    assert broken.exit_code == 1, broken.output
    assert "CONTRADICTED  section 4 encryption" in broken.output
    unknown = runner.invoke(cli, ["check", "policy", "--policy", "t-pol-nope"])
    assert unknown.exit_code == 2
    assert "no policy 't-pol-nope'" in unknown.output


@pytest.mark.usefixtures("test_maps")
def test_the_command_loads_a_policy_file_and_checks_it(tmp_path: Path) -> None:
    runner = CliRunner()
    path = policy_file(tmp_path, "t-pol-cli", "t-pol-bad-owner")
    loaded = runner.invoke(cli, ["check", "policy", "--load", str(path), "--as-of", AS_OF])
    assert loaded.exit_code == 1, loaded.output
    assert loaded.output.startswith("Test Privacy Policy (t-pol-cli, last updated 2026-01-15)")
    path.write_text(path.read_text(encoding="utf-8").replace("kind: NO_SALE", "kind: NO_SAL"))
    invalid = runner.invoke(cli, ["check", "policy", "--load", str(path)])
    assert invalid.exit_code == 2
    assert "policy not loaded" in invalid.output and "claims.2.predicate" in invalid.output
