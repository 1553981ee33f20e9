"""Protobuf contracts: compiled by protoc (grpcio-tools), judged as Confluent Schema
Registry's ``SchemaDiff`` judges them, with buf's WIRE/WIRE_JSON rules on request.

``format.FORMAT`` is the package's face to the rest of evtctl; nothing outside this package
imports protobuf or grpc_tools (docs/protobuf.md).
"""
