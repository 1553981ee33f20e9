// The oracle for evtctl's Avro differential test: Apache Avro's own Java library, fed many
// cases in one JVM. Reads JSON lines on stdin, writes one JSON line per case on stdout.
//
//   {"id": "...", "reader": ["<ref>", ..., "<schema>"], "writer": [...]}
//     -> {"id", "compatible": true|false, "incompatibilities": [{"type","location","message"}]}
//        or {"id", "parse_error": {"side", "message"}} or {"id", "exception": {"class","message"}}
//   {"id": "...", "parse": ["<ref>", ..., "<schema>"]}
//     -> {"id", "valid": true} or {"id", "valid": false, "message"}
//   {"id": "...", "reader": [...], "writer": [...], "datum": "<Avro JSON encoding>"}
//     -> {"id", "decoded": true, "read_fails": true|false, "message"}: the datum decoded with
//        the writer schema, written in binary, then read with (writer, reader) resolution;
//        or {"id", "decoded": false, "message"} when the writer schema cannot decode it
//
// Each side is parsed as Confluent Schema Registry parses a new schema with references: one
// new Schema.Parser() (default name validation, defaults validated), references first.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

public final class AvroOracle {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static Schema parse(JsonNode texts) {
    Schema.Parser parser = new Schema.Parser();
    Schema last = null;
    for (JsonNode text : texts) {
      last = parser.parse(text.asText());
    }
    return last;
  }

  private static ObjectNode run(JsonNode request) {
    ObjectNode out = MAPPER.createObjectNode();
    out.set("id", request.get("id"));
    if (request.has("parse")) {
      try {
        parse(request.get("parse"));
        out.put("valid", true);
      } catch (Throwable e) {
        out.put("valid", false);
        out.put("message", e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      return out;
    }
    Schema reader;
    Schema writer;
    String side = "reader";
    try {
      reader = parse(request.get("reader"));
      side = "writer";
      writer = parse(request.get("writer"));
    } catch (Throwable e) {
      ObjectNode error = out.putObject("parse_error");
      error.put("side", side);
      error.put("message", e.getClass().getSimpleName() + ": " + e.getMessage());
      return out;
    }
    if (request.has("datum")) {
      return resolve(out, reader, writer, request.get("datum").asText());
    }
    try {
      SchemaCompatibility.SchemaCompatibilityResult result =
          SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
      out.put("compatible",
          result.getCompatibility() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
      ArrayNode list = out.putArray("incompatibilities");
      for (SchemaCompatibility.Incompatibility i : result.getIncompatibilities()) {
        ObjectNode item = list.addObject();
        item.put("type", i.getType().name());
        item.put("location", i.getLocation());
        item.put("message", i.getMessage());
      }
    } catch (Throwable e) {
      ObjectNode error = out.putObject("exception");
      error.put("class", e.getClass().getName());
      error.put("message", String.valueOf(e.getMessage()));
    }
    return out;
  }

  private static ObjectNode resolve(ObjectNode out, Schema reader, Schema writer, String json) {
    Object datum;
    byte[] bytes;
    try {
      datum = new GenericDatumReader<Object>(writer).read(null,
          DecoderFactory.get().jsonDecoder(writer, json));
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(buffer, null);
      new GenericDatumWriter<Object>(writer).write(datum, encoder);
      encoder.flush();
      bytes = buffer.toByteArray();
    } catch (Throwable e) {
      out.put("decoded", false);
      out.put("message", e.getClass().getSimpleName() + ": " + e.getMessage());
      return out;
    }
    out.put("decoded", true);
    try {
      new GenericDatumReader<Object>(writer, reader).read(null,
          DecoderFactory.get().binaryDecoder(bytes, null));
      out.put("read_fails", false);
    } catch (Throwable e) {
      out.put("read_fails", true);
      out.put("message", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      out.println(MAPPER.writeValueAsString(run(MAPPER.readTree(line))));
    }
    out.flush();
  }
}
