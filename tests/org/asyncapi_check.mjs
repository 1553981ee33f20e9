// Parses AsyncAPI documents with the official parser (@asyncapi/parser) and prints, as
// JSON, every diagnostic and what the parsed documents say: channels, operations,
// messages with their dereferenced payloads. Run by tests/org/test_asyncapi.py:
//   node asyncapi_check.mjs PARSER_DIR FILE...
import { createRequire } from "node:module";
import path from "node:path";

const [parserDir, ...files] = process.argv.slice(2);
const require = createRequire(path.join(parserDir, "node_modules", "x.js"));
const { Parser, fromFile } = require("@asyncapi/parser");
const parser = new Parser();
for (const extra of ["@asyncapi/avro-schema-parser", "@asyncapi/protobuf-schema-parser"]) {
  try {
    const mod = require(extra);
    const make = mod.AvroSchemaParser || mod.ProtoBuffSchemaParser || mod.default;
    if (typeof make === "function") parser.registerSchemaParser(make());
  } catch (e) { /* not installed: documents using that format report it */ }
}

const out = [];
for (const file of files) {
  const { document, diagnostics } = await fromFile(parser, file).parse();
  const entry = {
    file,
    diagnostics: diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message,
                                           path: d.path })),
  };
  if (document) {
    entry.title = document.info().title();
    entry.channels = document.channels().all().map((c) => ({
      id: c.id(), address: c.address(),
      kafka: c.bindings().has("kafka") ? c.bindings().get("kafka").value() : null,
      messages: c.messages().all().map((m) => m.id()),
    }));
    entry.operations = document.operations().all().map((o) => ({
      id: o.id(), action: o.action(),
      channels: o.channels().all().map((c) => c.address()),
      messages: o.messages().all().map((m) => m.id()),
      groupId: o.bindings().has("kafka") ? (o.bindings().get("kafka").value().groupId || null) : null,
      reply: o.reply() ? { channel: o.reply().channel() ? o.reply().channel().address() : null,
                           messages: o.reply().messages().all().map((m) => m.id()) } : null,
    }));
    entry.messages = document.allMessages().all().map((m) => ({
      id: m.id(), name: m.name(), title: m.title(), schemaFormat: m.schemaFormat(),
      payload: m.hasPayload() ? m.payload().json() : null,
    }));
  }
  out.push(entry);
}
process.stdout.write(JSON.stringify(out));
