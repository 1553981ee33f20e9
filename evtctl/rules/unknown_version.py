"""A pinned version (``Name@N``) must exist.

Pinning says "I read exactly this version"; a version the contract does not list has
no schema to be compatible with.

Failing::

    consumes:
      - topic: arcadia.billing.invoiceservice.events
        events: [InvoiceVoided@7]

Passing::

    consumes:
      - topic: arcadia.billing.invoiceservice.events
        events: [InvoiceVoided@2]
"""

from collections.abc import Iterator

from evtctl.findings import Problem, Related
from evtctl.rules.base import Context
from evtctl.rules.pinned_versions import pinned

ID = "EVT403"
NAME = "unknown-version"
SUMMARY = "A pinned event version must exist in the contract."
CATEGORY = "references"
SCOPE = "organisation"


def check(ctx: Context) -> Iterator[Problem]:
    for service, _entry, _verb, topic, ref, version in pinned(ctx):
        if version is not None:
            continue
        contract = topic.contract(ref.name)
        assert contract is not None
        if contract.incomplete:
            continue  # a version entry did not load: the owner's file says why
        listed = ", ".join(str(v.version) for v in contract.versions) or "none"
        yield Problem(f"{service.id} pins {ref} on {topic.name}, but {ref.name} has no version "
                      f"{ref.version} (versions: {listed})",
                      ref.loc, related=(Related(contract.at("name"), "contract declared here"),),
                      anchor=f"{topic.name}/{ref}")
