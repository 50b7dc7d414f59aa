"""The Fides mapping and export on plain data: manifests parsed with fideslang's models, mapped
to register inputs with what was not mapped, and an export placed so that importing it maps to
the same inputs."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from fideslang.default_taxonomy import DEFAULT_TAXONOMY

from resolvers.errors import BadUserInput
from resolvers.fides.decisions import (
    Known,
    Mapped,
    Mapper,
    Options,
    exported,
    retention_days,
)
from resolvers.fides.document import render
from resolvers.fides.facts import (
    ActivityFacts,
    FlowFacts,
    OrganisationFacts,
    Registered,
    StorageFacts,
    SystemFacts,
)
from resolvers.fides.manifests import SAFE_LOADER, parsed, yaml_loaded
from resolvers.registration.vocabulary import category_keys, data_use_keys

FIXTURE = Path(__file__).parent.parent / "fixtures" / "fides" / "cookie_house"
KNOWN = Known(
    categories=category_keys(),
    uses=data_use_keys(),
    subjects=frozenset(s.fides_key for s in DEFAULT_TAXONOMY.data_subject),
    own=frozenset(),
)
OPTIONS = Options(source="fides", country="DE")


def documents() -> list[tuple[str, str]]:
    return [(path.name, path.read_text()) for path in sorted(FIXTURE.glob("*.yml"))]


def mapped(docs: list[tuple[str, str]] | None = None) -> Mapped:
    return Mapper(parsed(docs or documents()), OPTIONS, KNOWN).mapped()


def reasons(result: Mapped) -> dict[str, str]:
    return {u.field: u.reason for u in result.unmapped}


def test_the_demo_set_maps_every_resource_kind() -> None:
    result = mapped()
    assert [k.key for k in result.taxonomy] == [
        "user.behavior.loyalty_points",
        "essential.service.loyalty",
        "cookie_house_member",
    ]
    assert [o.data["external_id"] for o in result.organisations] == ["cookie_house", "mailwave_inc"]
    systems = {s.data["external_id"]: s.data for s in result.systems}
    assert systems["mailwave"]["operator_id"] == "fides:mailwave_inc"
    assert systems["mailwave"]["operator_role"] == "PROCESSOR"
    assert systems["mailwave"]["hosted_in"] == ["US"]
    assert systems["mailwave"]["kind"] == "SAAS"
    assert systems["cookie_house"]["hosted_in"] == ["DE"]
    assert systems["cookie_house"]["owner_team"] == "Engineering"
    assert systems["cookie_house"]["deletion_method"] == "API"
    storages = {s.data["external_id"]: s.data for s in result.storages}
    card = storages["cookie_house_postgresql_database/postgres_example/payment_card/customer"]
    assert card["categories"] == ["user.financial.credit_card", "user.unique_id"]
    assert card["retention_days"] == 6 * 365
    assert card["controller_role"] == "CONTROLLER"
    # a collection name with a space is quoted in the id; its fields' categories are the storage's
    assert "cookie_house_loyalty_database/loyalty_mongo/members/cookie_house_member" in storages
    activities = {a.data["external_id"]: a.data for a in result.activities}
    targeted = activities[
        "cookie_house_marketing_system/marketing.advertising.first_party.targeted"
    ]
    assert targeted["legal_basis"] == "GDPR-6-1-a"
    assert targeted["recipient_categories"] == ["advertising partners"]
    assert targeted["retention_days"] == 390
    assert activities["mailwave/marketing.communications.email"]["preemptly_role"] == "PROCESSOR"


def test_egress_and_ingress_of_one_pair_are_one_flow_with_the_declared_use() -> None:
    flows = {f.data["external_id"]: f.data for f in mapped().flows}
    # the database's egress and the shop's ingress (named by its declaration) are one flow
    orders = flows["cookie_house_postgresql_database/cookie_house"]
    assert orders["purpose"] == "essential.service"
    assert orders["categories"] == ["user.contact", "user.financial", "user.name"]
    # explicit data categories on the egress win over the declarations'
    assert flows["cookie_house/cookie_house_marketing_system"]["categories"] == [
        "user.contact.email",
        "user.device.cookie_id",
    ]
    assert flows["cookie_house_marketing_system/mailwave"]["purpose"] == (
        "marketing.advertising.first_party.targeted"
    )


def test_what_the_map_has_no_place_for_is_reported_with_the_reason() -> None:
    found = reasons(mapped())
    assert "free text" in found["systems.yml.system[3].privacy_declarations[0].third_parties"]
    assert "not part of the map" in found["taxonomy.yml.policy"]
    assert "no system references" in found["datasets.yml.dataset[3]"]
    assert "only system data" in found["datasets.yml.dataset[0].collections[name=product]"]
    assert "no country" in found["organization.yml.organization[0]"]


def test_a_retention_period_in_free_text_is_kept_and_reported() -> None:
    assert retention_days("30 days after the order") == 30
    assert retention_days("2 years") == 730
    assert retention_days("until the account is closed") is None
    text = """
system:
  - fides_key: shop
    system_type: Service
    privacy_declarations:
      - data_categories: [user.contact.email]
        data_use: essential.service
        data_subjects: [customer]
        legal_basis_for_processing: Contract
        retention_period: until the account is closed
"""
    result = mapped([("m", text)])
    assert result.activities[0].data["retention"] == "until the account is closed"
    assert result.activities[0].data["retention_days"] is None
    assert (
        "no period in days"
        in reasons(result)["m.system[0].privacy_declarations[0].retention_period"]
    )


def test_a_declaration_without_a_legal_basis_is_no_activity_of_a_controller() -> None:
    text = """
system:
  - fides_key: shop
    system_type: Service
    privacy_declarations:
      - data_categories: [user.contact.email]
        data_use: essential.service
        data_subjects: [customer]
"""
    result = mapped([("m", text)])
    assert result.activities == []
    assert (
        "Art. 6"
        in reasons(result)["m.system[0].privacy_declarations[0].legal_basis_for_processing"]
    )


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (
            "system: [{fides_key: 'bad key', system_type: x, privacy_declarations: []}]",
            "m.system[0].fides_key",
        ),
        ("system: [{fides_key: s, privacy_declarations: []}]", "m.system[0].system_type"),
        ("systems: []", "m.systems"),
        ("system: {}", "m.system"),
        ("- a list", "m"),
        ("system: [", "m"),
        (
            "system: [{fides_key: s, system_type: x, privacy_declarations: [{data_categories: [], "
            "data_use: essential.service, egress: [nowhere]}]}]",
            "m.system[0]",
        ),
        (
            "system: [{fides_key: s, system_type: x, privacy_declarations: [{data_categories: "
            "[user.nope], data_use: essential.service, data_subjects: [customer]}]}]",
            "m.system[0].privacy_declarations[0].data_categories[0]",
        ),
        (
            "system: [{fides_key: s, system_type: x, privacy_declarations: [{data_categories: "
            "[user.name], data_use: essential.service, data_subjects: [martian]}]}]",
            "m.system[0].privacy_declarations[0].data_subjects[0]",
        ),
        (
            "system: [{fides_key: s, system_type: x, privacy_declarations: []}, "
            "{fides_key: s, system_type: y, privacy_declarations: []}]",
            "m.system[1]",
        ),
    ],
)
def test_an_invalid_resource_names_its_field(text: str, field: str) -> None:
    with pytest.raises(BadUserInput) as error:
        mapped([("m", text)])
    assert error.value.field == field


def facts() -> Registered:
    return Registered(
        organisations=(OrganisationFacts("shop_co", "Shop Co"),),
        systems=(
            SystemFacts(
                "shop",
                "Shop",
                "APPLICATION",
                None,
                "web",
                "API",
                None,
                ("email",),
                "shop_co",
                "CONTROLLER",
                ("DE",),
            ),
            SystemFacts(
                "db", "DB", "DATABASE", None, None, None, None, (), "shop_co", "CONTROLLER", ("IE",)
            ),
        ),
        activities=(
            ActivityFacts(
                "shop/essential.service",
                "Sell",
                "essential.service",
                "GDPR-6-1-b",
                None,
                "30 days",
                ("user.name",),
                (),
                ("customer",),
                ("shop",),
                False,
            ),
            ActivityFacts(
                "db/essential.service",
                "Keep",
                "essential.service",
                "GDPR-6-1-b",
                None,
                "1 year",
                ("user.name",),
                (),
                ("customer",),
                ("db",),
                False,
            ),
        ),
        storages=(
            StorageFacts(
                "db/orders/customer%20table/customer",
                "db",
                "customer",
                ("user.name",),
                "1 year",
                False,
            ),
        ),
        flows=(FlowFacts("db", "shop", "essential.service", ("user.name",)),),
        taxonomy=(),
    )


def test_an_export_is_valid_fideslang_and_imports_to_the_same_inputs() -> None:
    text = render(exported(facts()))
    result = mapped([("export", text)])
    systems = {s.data["external_id"]: s.data for s in result.systems}
    assert systems["db"]["hosted_in"] == ["IE"]
    assert systems["shop"]["identifiers"] == ["email"]
    assert systems["shop"]["owner_team"] == "web"
    assert [s.data["external_id"] for s in result.storages] == [
        "db/orders/customer%20table/customer"
    ]
    assert result.storages[0].data["retention"] == "1 year"
    assert [(f.data["external_id"], f.data["purpose"]) for f in result.flows] == [
        ("db/shop", "essential.service")
    ]
    assert sorted(a.data["external_id"] for a in result.activities) == [
        "db/essential.service",
        "shop/essential.service",
    ]


def as_loaded(load: Any, text: str) -> tuple[Any, ...]:
    try:
        return ("loaded", repr(load(text)))
    except Exception as error:
        return ("error", type(error), str(error))


@pytest.mark.parametrize(
    "text",
    [
        "a: yes\nb: No\nc: ~\nd: 2024-01-01\ne: 2024-01-01T10:00:00Z\nf: 1.5e3\ng: 0x1F\nh: '1'",
        "i: .inf\nj: -.nan\nk: 1_000\nl: 0o17\nm: ''\nn:\n- [a, {b: c}]\n-\n- 'x'",
        "a: 1\na: 2\nb: 3",
        "~: 1\nnull: 2\n1: a\n1.0: b\ntrue: c",
        'k: |\n  block\n  text\nq: "x\\ny"',
        "",
        "just a scalar",
        "a: &x {b: 1}\nc: *x",
        "base: &b {x: 1}\nchild:\n  <<: *b\n  y: 2",
        "a: !!str 1\nb: !!int '2'",
        "a: !custom x",
        "? [a]\n: 1",
        "= : 1",
        "a: 1\n---\nb: 2",
        "a: [",
        "a: 2024-13-45",
    ],
)
def test_a_manifest_loads_as_pyyamls_safe_loader_loads_it(text: str) -> None:
    # built from libyaml's events, or left to yaml.load (anchors, tags, merge keys, errors)
    expected = as_loaded(lambda t: yaml.load(t, Loader=SAFE_LOADER), text)  # a safe loader
    assert as_loaded(yaml_loaded, text) == expected


def test_the_fixture_loads_as_pyyamls_safe_loader_loads_it() -> None:
    for _, text in documents():
        assert yaml_loaded(text) == yaml.load(text, Loader=SAFE_LOADER)  # a safe loader


def test_declarations_keep_the_order_they_were_given_in() -> None:
    # fideslang sorts a system's declarations by name; paths name them as given
    text = """
system:
  - fides_key: shop
    system_type: Service
    privacy_declarations:
      - name: zz
        data_categories: [user.contact.email]
        data_use: essential.service
        data_subjects: [customer]
      - name: aa
        data_categories: [user.name]
        data_use: marketing.communications.email
        data_subjects: [customer]
        legal_basis_for_processing: Consent
"""
    result = mapped([("m", text)])
    assert [a.data["name"] for a in result.activities] == ["aa"]
    assert "m.system[0].privacy_declarations[0].legal_basis_for_processing" in reasons(result)
