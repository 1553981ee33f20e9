"""Avro contracts: Apache Avro's schema resolution, as Confluent Schema Registry checks it.

* :mod:`~evtctl.compat.avro.loader` reads a ``.avsc`` file and the files its named types come
  from, parsed by :mod:`~evtctl.compat.avro.parser` with the checks of Avro 1.12's Java
  parser for a new schema, every problem placed at file, line and column;
* :mod:`~evtctl.compat.avro.checker` is Java's ``SchemaCompatibility``, result for result;
* :mod:`~evtctl.compat.avro.examples` builds, for an incompatibility, a record the writer
  schema writes and the reader cannot read, proven with fastavro;
* :mod:`~evtctl.compat.avro.format` puts it behind the contract-format seam (``FORMAT``).

fastavro is imported only where it is used (examples, the fastavro cross-parse).
"""
