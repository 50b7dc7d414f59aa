"""A policy check as text, for `datamap check policy` (and a CI log)."""

from collections.abc import Iterator, Sequence

from resolvers.policy.decisions import Evidence, Verdict
from resolvers.policy.service import PolicyCheck


def path_text(path: Sequence[str]) -> str:
    """Nodes and the relationships between them: `Storage:a -IN_SYSTEM-> System:b`."""
    return " ".join(part if index % 2 == 0 else f"-{part}->" for index, part in enumerate(path))


def evidence_text(evidence: Evidence) -> str:
    return f"{evidence.detail}: {path_text(evidence.path)}"


def render_text(check: PolicyCheck) -> Iterator[str]:
    policy = check.policy
    yield (
        f"{policy.title} ({policy.key}, last updated {policy.last_updated}) against the map of "
        f"{policy.owner} on {check.as_of}"
    )
    for result in check.results:
        claim = result.claim
        yield f"{result.verdict.value:<13} section {claim.section} {claim.key}: {claim.words}"
        for evidence in result.evidence:
            yield f"    - {evidence_text(evidence)}"
        for fact in result.lacks:
            yield f"    ? the map lacks {fact}"
        for evidence in result.support:
            yield f"    + {evidence_text(evidence)}"
    if check.undisclosed:
        yield "Practices of the map the policy does not disclose:"
        for practice in check.undisclosed:
            yield f"    {practice.kind.value} {practice.key}: {practice.detail}"
            yield f"        {path_text(practice.evidence[0].path)}"
    counts = {verdict: 0 for verdict in Verdict}
    for result in check.results:
        counts[result.verdict] += 1
    yield ", ".join(f"{count} {verdict.value}" for verdict, count in counts.items()) + (
        f", {len(check.undisclosed)} undisclosed practices"
    )
