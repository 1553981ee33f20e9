"""``evtctl registry``: a Schema Registry kept in step with the manifests.

The pieces, in the order a run uses them:

* :mod:`~evtctl.registry.subjects` — subject names by strategy (pure);
* :mod:`~evtctl.registry.desired` — manifests + config → the subjects and versions wanted;
* :mod:`~evtctl.registry.observe` — what the registry holds, read in parallel;
* :mod:`~evtctl.registry.plan` — the plan and the drift (pure: unit-tested with a fake);
* :mod:`~evtctl.registry.apply` — carrying the plan out;
* :mod:`~evtctl.registry.render` — text and JSON;
* :mod:`~evtctl.registry.rest` — the only module that talks to a registry
  (:class:`~evtctl.registry.model.SchemaRegistry` over confluent-kafka's client);
* :mod:`~evtctl.registry.history` — earlier versions from a registry, for lint and compat.

Nothing here imports a format's libraries: versions go through the contract-format seam.
"""
