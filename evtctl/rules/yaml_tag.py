"""Manifests hold plain data: no YAML tags.

Tags such as ``!!python/object`` ask a loader to construct objects, which is how YAML
files run code. evtctl never constructs them; it reports them so they are removed.
The standard tags for plain types (``!!str``, ``!!int``...) are allowed.

Failing::

    metadata:
      company: !!python/object/apply:os.system ["id"]

Passing::

    metadata:
      company: arcadia
"""

ID = "EVT002"
NAME = "yaml-tag"
SUMMARY = "YAML tags that construct objects are not allowed in manifests."
CATEGORY = "loading"
