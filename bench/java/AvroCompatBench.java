// Benchmark harness for bench/bench_avro.py: Apache Avro's Java SchemaCompatibility on the
// same reader/writer pairs evtctl checks. Reads JSON lines {"reader": "...", "writer": "..."}
// on stdin; prints one JSON object: JVM start (from the runtime's own start time to main),
// parse time, and checks per second after a warm-up, best of several timed rounds.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

public final class AvroCompatBench {
  public static void main(String[] args) throws Exception {
    long mainAt = System.currentTimeMillis();
    long jvmStart = mainAt - ManagementFactory.getRuntimeMXBean().getStartTime();
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
    ObjectMapper mapper = new ObjectMapper();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    List<String[]> texts = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null) {
      if (!line.isBlank()) {
        JsonNode pair = mapper.readTree(line);
        texts.add(new String[] {pair.get("reader").asText(), pair.get("writer").asText()});
      }
    }
    long t0 = System.nanoTime();
    List<Schema[]> pairs = new ArrayList<>();
    for (String[] t : texts) {
      pairs.add(new Schema[] {new Schema.Parser().parse(t[0]), new Schema.Parser().parse(t[1])});
    }
    double parse = (System.nanoTime() - t0) / 1e9;
    int incompatible = 0;
    // warm-up: let the JIT compile the checker
    long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < warmEnd) {
      for (Schema[] p : pairs) {
        SchemaCompatibility.checkReaderWriterCompatibility(p[0], p[1]);
      }
    }
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      incompatible = 0;
      for (Schema[] p : pairs) {
        if (SchemaCompatibility.checkReaderWriterCompatibility(p[0], p[1]).getType()
            == SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE) {
          incompatible++;
        }
      }
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    System.out.println(mapper.writeValueAsString(mapper.createObjectNode()
        .put("jvm_start_ms", jvmStart)
        .put("pairs", pairs.size())
        .put("incompatible", incompatible)
        .put("parse_s", parse)
        .put("check_s", best)
        .put("pairs_per_s", pairs.size() / best)));
  }
}
