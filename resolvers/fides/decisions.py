"""How Fides resources map onto the graph, decided over plain data: each resource becomes the
inputs of the register mutations (organisations, systems, storages, processing activities, data
flows) and custom taxonomy keys, and whatever Fides says that the map has no place for is
reported with the reason. And back: the map's entities of one source as fideslang resources.

Ids: every entity is `<source>:<externalId>` as the register mutations key it. A system's,
organisation's or dataset's external id is its `fides_key`; a storage's
`<system>/<dataset>/<collection>/<subject>` (one per subject of each collection of each dataset
a system references); an activity's `<system>/<data_use>` (`/<name>` appended when a system has
two declarations of one use); a flow's `<from system>/<to system>` (an external id holds no
`>`, which engagement ids use; a fides_key holds no `/`)."""

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from fideslang.models import (
    DataFlow,
    Dataset,
    DatasetField,
    PrivacyDeclaration,
    System,
)

from resolvers.errors import BadUserInput, Forbidden
from resolvers.fides.facts import FlowFacts, Registered, StorageFacts
from resolvers.fides.manifests import Located, Manifests, SystemResource

SYSTEM_KINDS: dict[str, str] = {
    "application": "APPLICATION",
    "service": "APPLICATION",
    "web application": "APPLICATION",
    "api": "APPLICATION",
    "database": "DATABASE",
    "data warehouse": "WAREHOUSE",
    "warehouse": "WAREHOUSE",
    "file store": "FILE_STORE",
    "storage": "FILE_STORE",
    "saas": "SAAS",
    "third party": "SAAS",
    "vendor": "SAAS",
    "log store": "LOG_STORE",
    "logging": "LOG_STORE",
    "analytics": "ANALYTICS",
    "backup": "BACKUP",
}
"""Fides' free-text `system_type` (lower-cased) as a datamap system kind."""
SYSTEM_TYPES: dict[str, str] = {
    "APPLICATION": "Application",
    "DATABASE": "Database",
    "WAREHOUSE": "Data Warehouse",
    "FILE_STORE": "File Store",
    "SAAS": "SaaS",
    "LOG_STORE": "Log Store",
    "ANALYTICS": "Analytics",
    "BACKUP": "Backup",
}
"""A system kind as the `system_type` an export writes (each maps back to the same kind)."""
RESPONSIBILITIES: dict[str, str] = {
    "Controller": "CONTROLLER",
    "Processor": "PROCESSOR",
    "Sub-Processor": "SUB_PROCESSOR",
}
LEGAL_BASES: dict[str, str] = {
    "Consent": "GDPR-6-1-a",
    "Contract": "GDPR-6-1-b",
    "Legal obligations": "GDPR-6-1-c",
    "Vital interests": "GDPR-6-1-d",
    "Public interest": "GDPR-6-1-e",
    "Legitimate interests": "GDPR-6-1-f",
}
"""fideslang's `LegalBasisForProcessingEnum` ("based upon article 6 of the GDPR", in the order of
its letters) as the LegalBasis keys."""
SPECIAL_CATEGORY_CONDITIONS: dict[str, str] = {
    "Explicit consent": "GDPR-9-2-a",
    "Employment, social security and social protection": "GDPR-9-2-b",
    "Vital interests": "GDPR-9-2-c",
    "Not-for-profit bodies": "GDPR-9-2-d",
    "Made public by the data subject": "GDPR-9-2-e",
    "Legal claims or judicial acts": "GDPR-9-2-f",
    "Reasons of substantial public interest (with a basis in law)": "GDPR-9-2-g",
    "Health or social care (with a basis in law)": "GDPR-9-2-h",
    "Public health (with a basis in law)": "GDPR-9-2-i",
    "Archiving, research and statistics (with a basis in law)": "GDPR-9-2-j",
}
"""fideslang's `SpecialCategoryLegalBasisEnum` ("based upon article 9 of the GDPR", in the order
of Art. 9(2)'s letters) as the SpecialCategoryCondition keys."""
DAYS_PER_UNIT = {"day": 1, "week": 7, "month": 30, "year": 365}
RETENTION = re.compile(r"^\s*(\d{1,5})\s*(day|week|month|year)s?\b", re.IGNORECASE)
META = "datamap"
"""The key of a system's `meta` under which an export writes, and an import reads, what Fides
has no field for: `hosted_in` (ISO country codes), `deletion_method`, `retrieval_method`,
`identifiers`."""
META_FIELDS = ("hosted_in", "deletion_method", "retrieval_method", "identifiers")


@dataclass(frozen=True)
class Options:
    source: str
    """The integration source name the import registers under (ids `<source>:<key>`)."""
    country: str
    """Where organisations are established and systems hosted when the manifests do not say."""


@dataclass(frozen=True)
class Unmapped:
    field: str
    """Where in the manifests (`manifests[0].system[2].privacy_declarations[0].third_parties`)."""
    reason: str


@dataclass(frozen=True)
class Planned:
    """One register input (its fields, snake_case) and the resource it comes from."""

    path: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Known:
    """The taxonomy keys the graph holds (fideslang's and custom ones)."""

    categories: frozenset[str]
    uses: frozenset[str]
    subjects: frozenset[str]
    own: frozenset[str]
    """The custom keys this import's source added before (an import may change them)."""
    foreign: frozenset[str] = frozenset()
    """Those of `own` another API key registered: an integration may change only what its own
    key registered, so an import by it that would change one is FORBIDDEN."""


@dataclass(frozen=True)
class TaxonomyKey:
    label: str
    """DataCategory, DataUse or DataSubject."""
    path: str
    key: str
    name: str
    description: str | None
    parent_key: str | None


@dataclass
class Mapped:
    taxonomy: list[TaxonomyKey] = field(default_factory=list)
    organisations: list[Planned] = field(default_factory=list)
    systems: list[Planned] = field(default_factory=list)
    storages: list[Planned] = field(default_factory=list)
    activities: list[Planned] = field(default_factory=list)
    flows: list[Planned] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)

    def note(self, path: str, reason: str) -> None:
        self.unmapped.append(Unmapped(path, reason))


def unknown(key: str, known: Iterable[str], what: str, field: str) -> BadUserInput:
    """BAD_USER_INPUT for a taxonomy key neither the graph nor the manifests hold, with the
    nearest keys."""
    near = difflib.get_close_matches(key, list(known), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(k) for k in near)}?" if near else ""
    return BadUserInput(
        f"{key!r} is not a {what} of the taxonomy or of these manifests{hint}",
        field=field,
        suggestions=near,
    )


def retention_days(text: str | None) -> int | None:
    """Days in a retention period that starts with a count of days, weeks, months or years."""
    found = RETENTION.match(text or "")
    if found is None:
        return None
    return int(found.group(1)) * DAYS_PER_UNIT[found.group(2).lower()]


def is_system_data(key: str) -> bool:
    """fideslang's `system` categories describe the system's own data, not people."""
    return key == "system" or key.startswith("system.")


def field_categories(fields: Iterable[DatasetField]) -> set[str]:
    found: set[str] = set()
    for item in fields:
        found.update(item.data_categories or ())
        found.update(field_categories(item.fields or ()))
    return found


def storage_external_id(system: str, dataset: str, collection: str, subject: str) -> str:
    return f"{system}/{dataset}/{quote(collection, safe='')}/{subject}"


def storage_parts(external_id: str) -> tuple[str, str, str, str] | None:
    """(system, dataset, collection, subject) of a storage an import registered, else None."""
    parts = external_id.split("/")
    if len(parts) != 4:
        return None
    return parts[0], parts[1], unquote(parts[2]), parts[3]


def flow_external_id(from_key: str, to_key: str) -> str:
    return f"{from_key}/{to_key}"


def activity_external_ids(system: str, declarations: Sequence[PrivacyDeclaration]) -> list[str]:
    uses = [declaration.data_use for declaration in declarations]
    return [
        f"{system}/{d.data_use}"
        if uses.count(d.data_use) == 1
        else f"{system}/{d.data_use}/{quote(d.name or '', safe='')}"
        for d in declarations
    ]


class Mapper:
    """One import's mapping: `mapped()` gives the register inputs and what was not mapped."""

    def __init__(self, manifests: Manifests, options: Options, known: Known) -> None:
        self.manifests = manifests
        self.options = options
        self.out = Mapped()
        self.categories = known.categories | {r.model.fides_key for r in manifests.data_categories}
        self.uses = known.uses | {r.model.fides_key for r in manifests.data_uses}
        self.subjects = known.subjects | {r.model.fides_key for r in manifests.data_subjects}
        self.datasets = {r.model.fides_key: r for r in manifests.datasets}
        self.systems = {r.model.fides_key: r for r in manifests.systems}
        self.known = known

    def id(self, key: str) -> str:
        return f"{self.options.source}:{key}"

    def mapped(self) -> Mapped:
        for skipped in self.manifests.skipped:
            self.out.note(skipped.path, skipped.reason)
        self.taxonomy()
        for organisation in self.manifests.organizations:
            self.organisation(organisation)
        referenced: set[str] = set()
        for system in self.manifests.systems:
            referenced |= self.system(system)
        for dataset in self.manifests.datasets:
            if dataset.model.fides_key not in referenced:
                self.out.note(dataset.path, "no system references this dataset: no storage")
        self.flows()
        return self.out

    def check(self, keys: Iterable[str], known: frozenset[str], what: str, path: str) -> None:
        for index, key in enumerate(keys):
            if key not in known:
                raise unknown(key, known, what, f"{path}[{index}]")

    def taxonomy(self) -> None:
        kinds: tuple[tuple[str, Sequence[Located[Any]], frozenset[str]], ...] = (
            ("DataCategory", self.manifests.data_categories, self.known.categories),
            ("DataUse", self.manifests.data_uses, self.known.uses),
            ("DataSubject", self.manifests.data_subjects, self.known.subjects),
        )
        for label, resources, known in kinds:
            for resource in resources:
                model = resource.model
                parent = getattr(model, "parent_key", None)
                if model.is_default or (
                    model.fides_key in known and model.fides_key not in self.known.own
                ):
                    self.out.note(
                        resource.path,
                        "a key of the taxonomy already (fideslang's, the seeds' or another "
                        "source's): kept as it is",
                    )
                    continue
                if model.fides_key in self.known.foreign:
                    raise Forbidden(
                        f"{label} {model.fides_key} was not registered by this key; only its own "
                        "registrations may be changed by an integration",
                        field=f"{resource.path}.fides_key",
                    )
                if parent is not None and parent not in known | {
                    r.model.fides_key for r in resources
                }:
                    raise BadUserInput(
                        f"parent {parent!r} is not in the taxonomy or these manifests",
                        field=f"{resource.path}.parent_key",
                    )
                self.out.taxonomy.append(
                    TaxonomyKey(
                        label,
                        resource.path,
                        model.fides_key,
                        model.name or model.fides_key,
                        model.description,
                        parent,
                    )
                )
                for name in ("rights", "automated_decisions_or_profiling"):
                    if getattr(model, name, None) is not None:
                        self.out.note(
                            f"{resource.path}.{name}",
                            "the rights of a data subject kind come from each regime's law",
                        )

    def organisation(self, resource: Located[Any]) -> None:
        model = resource.model
        self.out.organisations.append(
            Planned(
                resource.path,
                {
                    "source": self.options.source,
                    "external_id": model.fides_key,
                    "legal_name": model.name or model.fides_key,
                    "country": self.options.country,
                    "website": None,
                    "dpa_signed": None,
                    "subject_to": [],
                    "kind": "COMPANY",
                    "supervisory_authority": None,
                },
            )
        )
        self.out.note(
            resource.path,
            f"Fides records no country of establishment: established in {self.options.country}, "
            "the import's country",
        )
        for name in ("controller", "data_protection_officer", "representative"):
            if getattr(model, name) is not None:
                self.out.note(f"{resource.path}.{name}", "contact details are not part of the map")
        if model.security_policy is not None:
            self.out.note(
                f"{resource.path}.security_policy",
                "a security policy's address is not part of the map",
            )

    def system(self, resource: SystemResource) -> set[str]:
        """Plan the system, its activities and its storages; the datasets it references."""
        model, path = resource.model, resource.path
        role = self.operator_role(model, path)
        meta = (model.meta or {}).get(META) or {}
        if not isinstance(meta, dict):
            raise BadUserInput("must be a mapping", field=f"{path}.meta.{META}")
        hosted_in = meta.get("hosted_in")
        if hosted_in is None:
            self.out.note(
                path,
                f"Fides records no hosting country: hosted in {self.options.country}, the "
                f"import's country (meta.{META}.hosted_in would say)",
            )
        kind = SYSTEM_KINDS.get(model.system_type.strip().lower())
        if kind is None:
            kind = "APPLICATION"
            self.out.note(
                f"{path}.system_type",
                f"{model.system_type!r} is no datamap system kind: taken as APPLICATION",
            )
        department = model.administrating_department
        self.out.systems.append(
            Planned(
                path,
                {
                    "source": self.options.source,
                    "external_id": model.fides_key,
                    "name": model.name or model.fides_key,
                    "kind": kind,
                    "description": model.description,
                    "owner_team": None if department in (None, "Not defined") else department,
                    "deletion_method": meta.get("deletion_method"),
                    "retrieval_method": meta.get("retrieval_method"),
                    "identifiers": meta.get("identifiers") or [],
                    "rotation_days": None,
                    "operator_id": self.id(model.organization_fides_key),
                    "operator_role": role,
                    "hosted_in": hosted_in or [self.options.country],
                },
            )
        )
        self.system_notes(model, path)
        owner_role = "CONTROLLER" if role == "CONTROLLER" else "PROCESSOR"
        for index, declaration in enumerate(resource.declarations):
            self.check_declaration(declaration, f"{path}.privacy_declarations[{index}]")
        ids = activity_external_ids(model.fides_key, resource.declarations)
        for index, (declaration, external_id) in enumerate(
            zip(resource.declarations, ids, strict=True)
        ):
            self.activity(model, declaration, external_id, owner_role, path, index)
        return self.storages(resource, owner_role)

    def operator_role(self, model: System, path: str) -> str:
        given = [str(title) for title in model.responsibility]
        if not given:
            self.out.note(f"{path}.responsibility", "none given: taken as Controller")
            return "CONTROLLER"
        if len(set(given)) > 1:
            self.out.note(
                f"{path}.responsibility",
                f"{', '.join(given)}: datamap records one role per system, the first",
            )
        return RESPONSIBILITIES[given[0]]

    def system_notes(self, model: System, path: str) -> None:
        free_text = {
            "joint_controller_info": "a joint controller named in free text is no organisation",
            "legal_basis_for_transfers": "transfer grounds are decided from safeguards, "
            "adequacy and DPF certifications, which Fides does not record",
            "dpo": "contact details are not part of the map",
            "data_security_practices": "free text: security measures are keys of the "
            "SecurityMeasure vocabulary",
            "vendor_id": "vendor ids are not part of the map",
            "reason_for_exemption": "exemptions are not part of the map",
        }
        for name, reason in free_text.items():
            if getattr(model, name):
                self.out.note(f"{path}.{name}", reason)
        if model.uses_cookies:
            self.out.note(f"{path}.uses_cookies", "cookies are not part of the map")

    def check_declaration(self, declaration: PrivacyDeclaration, path: str) -> None:
        self.check(
            declaration.data_categories, self.categories, "data category", f"{path}.data_categories"
        )
        if declaration.data_use not in self.uses:
            raise unknown(declaration.data_use, self.uses, "data use", f"{path}.data_use")
        self.check(
            declaration.data_subjects, self.subjects, "data subject", f"{path}.data_subjects"
        )

    def activity(
        self,
        system: System,
        declaration: PrivacyDeclaration,
        external_id: str,
        owner_role: str,
        system_path: str,
        index: int,
    ) -> None:
        path = f"{system_path}.privacy_declarations[{index}]"
        if not declaration.data_categories or not declaration.data_subjects:
            self.out.note(path, "no data categories or no data subjects: no processing activity")
            return
        basis = declaration.legal_basis_for_processing
        legal_basis = None if basis is None else LEGAL_BASES[str(basis.value)]
        if legal_basis is None and owner_role == "CONTROLLER":
            self.out.note(
                f"{path}.legal_basis_for_processing",
                "none given: an activity the map owner controls needs its Art. 6 basis, so "
                "the declaration is no processing activity",
            )
            return
        condition = declaration.special_category_legal_basis
        if declaration.processes_special_category_data and condition is None:
            self.out.note(
                f"{path}.special_category_legal_basis",
                "special category data without an Art. 9 condition",
            )
        recipients = [declaration.third_parties] if declaration.third_parties else []
        if declaration.third_parties:
            self.out.note(
                f"{path}.third_parties",
                "free text: kept as a kind of recipient, names no organisation",
            )
        elif declaration.data_shared_with_third_parties:
            self.out.note(
                f"{path}.data_shared_with_third_parties", "shared with third parties it names not"
            )
        days = retention_days(declaration.retention_period)
        if declaration.retention_period and days is None:
            self.out.note(
                f"{path}.retention_period",
                "free text: kept as the retention, but no period in days read from it",
            )
        if owner_role == "PROCESSOR":
            self.out.note(
                path,
                "Fides names no controller for a processor's declaration: its system's "
                "organisation is recorded as the controller",
            )
        for name in ("features", "shared_categories", "impact_assessment_location"):
            if getattr(declaration, name):
                self.out.note(f"{path}.{name}", "not part of the map")
        self.out.activities.append(
            Planned(
                path,
                {
                    "source": self.options.source,
                    "external_id": external_id,
                    "name": declaration.name
                    or f"{system.name or system.fides_key}: {declaration.data_use}",
                    "purpose": declaration.data_use,
                    "legal_basis": legal_basis,
                    "special_category_condition": None
                    if condition is None
                    else SPECIAL_CATEGORY_CONDITIONS[str(condition.value)],
                    "subjects": sorted(set(declaration.data_subjects)),
                    "categories": sorted(set(declaration.data_categories)),
                    "system_ids": [self.id(system.fides_key)],
                    "controller_id": self.id(system.organization_fides_key),
                    "recipients": [],
                    "recipient_categories": recipients,
                    "retention": declaration.retention_period,
                    "retention_days": days,
                    "preemptly_role": owner_role,
                    "automated_decision_making": False,
                    "profiling": system.uses_profiling,
                },
            )
        )

    def storages(self, resource: SystemResource, owner_role: str) -> set[str]:
        model, path = resource.model, resource.path
        keys = list(model.dataset_references)
        for declaration in resource.declarations:
            keys.extend(declaration.dataset_references or ())
        collected = any(flow.type == "user" for flow in model.ingress or ())
        done: set[str] = set()
        for key in keys:
            if key in done:
                continue
            done.add(key)
            located = self.datasets.get(key)
            if located is None:
                self.out.note(
                    f"{path}.dataset_references",
                    f"dataset {key} is not in these manifests: no storages for it",
                )
                continue
            naming = [
                d for d in resource.declarations if key in (d.dataset_references or ())
            ] or list(resource.declarations)
            self.dataset_storages(model, located, naming, owner_role, collected)
        return done

    def dataset_storages(
        self,
        system: System,
        located: Located[Dataset],
        declarations: list[PrivacyDeclaration],
        owner_role: str,
        collected: bool,
    ) -> None:
        dataset, path = located.model, located.path
        retentions = {d.retention_period for d in declarations if d.retention_period}
        retention = retentions.pop() if len(retentions) == 1 else None
        declared_subjects = sorted({s for d in declarations for s in d.data_subjects})
        for collection in dataset.collections:
            at = f"{path}.collections[name={collection.name}]"
            given = (
                set(dataset.data_categories or ())
                | set(collection.data_categories or ())
                | field_categories(collection.fields)
            )
            categories = sorted(c for c in given if not is_system_data(c))
            if given and not categories:
                self.out.note(at, "only system data categories, no personal data: no storage")
                continue
            subjects = sorted(
                set(collection.data_subjects or dataset.data_subjects or declared_subjects)
            )
            self.check(categories, self.categories, "data category", f"{at}.data_categories")
            self.check(subjects, self.subjects, "data subject", f"{at}.data_subjects")
            if not categories or not subjects:
                self.out.note(at, "no data categories or no data subjects: no storage")
                continue
            for subject in subjects:
                self.out.storages.append(
                    Planned(
                        at,
                        {
                            "source": self.options.source,
                            "external_id": storage_external_id(
                                system.fides_key, dataset.fides_key, collection.name, subject
                            ),
                            "system_id": self.id(system.fides_key),
                            "subject": subject,
                            "categories": categories,
                            "retention": retention,
                            "retention_days": retention_days(retention),
                            "retention_obligation": None,
                            "on_erasure": "ERASE",
                            "collected_from_subject": collected,
                            "made_public": False,
                            "controller_role": owner_role,
                            "record_count": None,
                        },
                    )
                )

    def flows(self) -> None:
        """Egress and ingress between systems, one flow per pair of systems, declared."""
        pairs: dict[tuple[str, str], list[tuple[str, DataFlow]]] = {}
        for resource in self.manifests.systems:
            key = resource.model.fides_key
            for direction in ("egress", "ingress"):
                for index, flow in enumerate(getattr(resource.model, direction) or ()):
                    at = f"{resource.path}.{direction}[{index}]"
                    if flow.type != "system":
                        if not (direction == "ingress" and flow.type == "user"):
                            self.out.note(
                                at,
                                f"a flow with a {flow.type} is no flow between systems "
                                "(datasets are placed by dataset_references)",
                            )
                        continue
                    pair = (key, flow.fides_key) if direction == "egress" else (flow.fides_key, key)
                    pairs.setdefault(pair, []).append((at, flow))
        for (sender, receiver), given in pairs.items():
            self.flow(sender, receiver, given)

    def naming(self, system: str, direction: str, other: str) -> list[PrivacyDeclaration]:
        resource = self.systems.get(system)
        if resource is None:
            return []
        return [d for d in resource.declarations if other in (getattr(d, direction) or ())]

    def declarations_of(self, system: str) -> list[PrivacyDeclaration]:
        resource = self.systems.get(system)
        return [] if resource is None else list(resource.declarations)

    def flow(self, sender: str, receiver: str, given: list[tuple[str, DataFlow]]) -> None:
        path = given[0][0]
        explicit = {c for _, flow in given for c in flow.data_categories or ()}
        for at, flow in given:
            self.check(
                flow.data_categories or (),
                self.categories,
                "data category",
                f"{at}.data_categories",
            )
        naming = self.naming(sender, "egress", receiver) + self.naming(receiver, "ingress", sender)
        declarations = naming or self.declarations_of(sender) or self.declarations_of(receiver)
        categories = explicit or {c for d in declarations for c in d.data_categories}
        if not declarations or not categories:
            self.out.note(path, "no declaration gives this flow a data use or categories: no flow")
            return
        self.out.flows.append(
            Planned(
                path,
                {
                    "source": self.options.source,
                    "external_id": flow_external_id(sender, receiver),
                    "from_system_id": self.id(sender),
                    "to_system_id": self.id(receiver),
                    "to_organisation_id": None,
                    "categories": sorted(categories),
                    "purpose": declarations[0].data_use,
                    "mode": "PUSH",
                },
            )
        )


LABEL_TYPES = {
    "DataCategory": "data_category",
    "DataUse": "data_use",
    "DataSubject": "data_subject",
}


def exported(facts: Registered) -> dict[str, list[dict[str, Any]]]:
    """The entities of one source as fideslang resources (plain dicts), placed so that importing
    them under the same source and country changes nothing: each flow on the declaration of its
    data use, each dataset on the declarations of its storages' retention."""
    bases = {key: name for name, key in LEGAL_BASES.items()}
    conditions = {key: name for name, key in SPECIAL_CATEGORY_CONDITIONS.items()}
    datasets: dict[str, dict[str, dict[str, Any]]] = {}
    by_system: dict[str, dict[str, StorageFacts]] = {}
    collected: set[str] = set()
    for storage in facts.storages:
        parts = storage_parts(storage.external_id)
        if parts is None or parts[0] != storage.system:
            continue
        _, dataset, collection, _ = parts
        entry = datasets.setdefault(dataset, {}).setdefault(
            collection, {"name": collection, "data_categories": set(), "data_subjects": set()}
        )
        entry["data_categories"].update(storage.categories)
        entry["data_subjects"].add(storage.subject)
        by_system.setdefault(storage.system, {}).setdefault(dataset, storage)
        if storage.collected_from_subject:
            collected.add(storage.system)
    systems: list[dict[str, Any]] = []
    for system in sorted(facts.systems, key=lambda s: s.key):
        activities = sorted(
            (a for a in facts.activities if system.key in a.systems), key=lambda a: a.key
        )
        declarations: list[dict[str, Any]] = [
            {
                "name": a.name,
                "data_use": a.purpose,
                "data_categories": sorted(a.categories),
                "data_subjects": list(a.subjects),
                "legal_basis_for_processing": bases.get(a.legal_basis or ""),
                "special_category_legal_basis": conditions.get(a.special_category_condition or ""),
                "processes_special_category_data": a.special_category_condition is not None,
                "retention_period": a.retention,
                "third_parties": "; ".join(a.recipient_categories) or None,
                "data_shared_with_third_parties": bool(a.recipient_categories),
                "dataset_references": [],
                "egress": [],
                "ingress": [],
            }
            for a in activities
        ]
        system_datasets: list[str] = []
        for dataset, storage in sorted(by_system.get(system.key, {}).items()):
            naming = [d for d in declarations if d["retention_period"] == storage.retention]
            for declaration in naming:
                declaration["dataset_references"].append(dataset)
            if not naming:
                system_datasets.append(dataset)
        meta = {
            "hosted_in": list(system.hosted_in),
            "deletion_method": system.deletion_method,
            "retrieval_method": system.retrieval_method,
            "identifiers": list(system.identifiers) or None,
        }
        systems.append(
            {
                "fides_key": system.key,
                "name": system.name,
                "description": system.description,
                "organization_fides_key": system.operator,
                "system_type": SYSTEM_TYPES[system.kind],
                "administrating_department": system.owner_team or "Not defined",
                "responsibility": [
                    title
                    for title, role in RESPONSIBILITIES.items()
                    if role == system.operator_role
                ],
                "meta": {META: {k: v for k, v in meta.items() if v is not None}},
                "dataset_references": system_datasets,
                "uses_profiling": any(a.profiling for a in activities),
                "privacy_declarations": declarations,
                "egress": [],
                "ingress": [{"fides_key": "user", "type": "user"}]
                if system.key in collected
                else [],
            }
        )
    place_flows(systems, facts.flows)
    for resource in systems:
        for direction in ("egress", "ingress"):
            resource[direction] = resource[direction] or None
            for declaration in resource["privacy_declarations"]:
                declaration[direction] = declaration[direction] or None
        for declaration in resource["privacy_declarations"]:
            declaration["dataset_references"] = declaration["dataset_references"] or None
    return {
        "organization": [
            {"fides_key": o.key, "name": o.legal_name}
            for o in sorted(facts.organisations, key=lambda o: o.key)
        ],
        **{
            kind: [
                {
                    "fides_key": t.key,
                    "name": t.name,
                    "description": t.description,
                    **({} if kind == "data_subject" else {"parent_key": t.parent_key}),
                }
                for t in sorted(facts.taxonomy, key=lambda t: t.key)
                if LABEL_TYPES[t.label] == kind
            ]
            for kind in LABEL_TYPES.values()
        },
        "system": systems,
        "dataset": [
            {
                "fides_key": key,
                "name": key,
                "collections": [
                    {
                        "name": name,
                        "data_categories": sorted(entry["data_categories"]),
                        "data_subjects": sorted(entry["data_subjects"]),
                        "fields": [],
                    }
                    for name, entry in sorted(collections.items())
                ],
            }
            for key, collections in sorted(datasets.items())
        ],
    }


def place_flows(systems: list[dict[str, Any]], flows: Iterable[FlowFacts]) -> None:
    """Each flow as the sender's egress on its declaration of the flow's data use, else as the
    receiver's ingress on its declaration of that use, else as the sender's egress alone."""
    by_key = {system["fides_key"]: system for system in systems}
    for flow in sorted(flows, key=lambda f: (f.from_system, f.to_system)):
        sender, receiver = by_key.get(flow.from_system), by_key.get(flow.to_system)
        if sender is None or receiver is None:
            continue
        categories = sorted(flow.categories)
        for system, direction, other in (
            (sender, "egress", flow.to_system),
            (receiver, "ingress", flow.from_system),
        ):
            declaration = next(
                (d for d in system["privacy_declarations"] if d["data_use"] == flow.purpose), None
            )
            if declaration is not None:
                declaration[direction].append(other)
                system[direction].append(
                    {"fides_key": other, "type": "system", "data_categories": categories}
                )
                break
        else:
            sender["egress"].append(
                {"fides_key": flow.to_system, "type": "system", "data_categories": categories}
            )
