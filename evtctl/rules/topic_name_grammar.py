"""Declared topic names follow ``<company>.<namespace>.<service>.<kind>[.<suffix>]``.

The kind tells everyone who may publish and who may subscribe: ``events`` (or
``events.<model>``), ``commands``, ``results`` (pipeline output), or
``private.<name>`` (``private.reply`` for SAGA replies, ``private.dlq``...).

Failing::

    topics:
      - name: arcadia.identity.personaservice.updates

Passing::

    topics:
      - name: arcadia.identity.personaservice.events
"""

from collections.abc import Iterator

from evtctl.findings import Problem
from evtctl.naming import grammar_problem, kafka_name_problem
from evtctl.rules.base import Context

ID = "EVT103"
NAME = "topic-name-grammar"
SUMMARY = "Topic names follow <company>.<namespace>.<service>.<kind>[.<suffix>]."
CATEGORY = "naming"


def check(ctx: Context) -> Iterator[Problem]:
    for _service, topic in ctx.org.topics():
        if kafka_name_problem(topic.name):
            continue  # EVT101 reports it
        problem = grammar_problem(topic.name)
        if problem:
            yield Problem(f"topic {topic.name!r} does not follow "
                          f"<company>.<namespace>.<service>.<kind>[.<suffix>]: {problem}",
                          topic.at("name"), anchor=topic.name)
