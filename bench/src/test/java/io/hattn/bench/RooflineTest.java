package io.hattn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link Roofline} on a hand-written JMH result file (roofline-jmh.json): an FMA peak of 1e11 FLOP/s +- 2e9, a
 * copy bandwidth of 1e10 bytes/s +- 5e8, and forward calls at batch 1, 8 heads, d 64, Nr 16, L 1024, whose
 * medians are chosen as simple multiples of their bounds. The means (JMH's scores) differ from the medians, so
 * a table built from the means would fail here.
 */
class RooflineTest {

    // Hierarchical, bidirectional: 5 L Nr = 81920 entries x (2 d + 2 dv = 256) x 8 heads = 167772160 FLOPs,
    // 1.678 ms at 1e11 FLOP/s. Bytes: q, k, v, out = 8 x 1024 x 256 floats = 8388608 bytes, coarse levels
    // (1024 - 2 x 16) x (2 d + dv = 192) x 4 x 8 = 6094848 bytes written and read: 20578304 bytes, 2.058 ms at
    // 1e10 bytes/s, so memory bound; 8.15 FLOP/byte. Measured median 4.1156608 ms = 2.00 x the bound.
    private static final String HIERARCHICAL_ROW =
            "| bidirectional | 1024 | 0.1678 | 20.58 | 8.2 | 1.678 | 2.058 | memory | 4.116 | 2.00 |";
    // Causal: 3 L Nr entries, 100663296 FLOPs, 1.007 ms; the same bytes; 3.0867456 ms = 1.50 x 2.058 ms.
    private static final String CAUSAL_ROW =
            "| causal | 1024 | 0.1007 | 20.58 | 4.9 | 1.007 | 2.058 | memory | 3.087 | 1.50 |";
    // Exact, bidirectional: L^2 x 256 x 8 = 2147483648 FLOPs, 21.47 ms; 8388608 bytes, 0.8389 ms: compute bound,
    // 256 FLOP/byte. Measured 42.949673 ms = 2.00 x 21.47 ms.
    private static final String EXACT_ROW =
            "| bidirectional | 1024 | 2.147 | 8.389 | 256.0 | 21.47 | 0.8389 | compute | 42.95 | 2.00 |";

    @Test
    void printsTheMachineAndOneRowPerModeAndLength() throws IOException {
        String table = Roofline.render(fixture());
        assertTrue(table.contains("- FMA peak: 100.0 +- 2.0 GFLOP/s (FmaPeakBenchmark, 2 threads)"), table);
        assertTrue(table.contains("- Copy bandwidth: 10.00 +- 0.50 GB/s"), table);
        assertTrue(table.contains("- Ridge point: 10.0 FLOP/byte"), table);
        assertTrue(table.contains("### Hierarchical forward, batch 1, 8 heads, d 64, Nr 16"), table);
        assertTrue(table.contains("### Exact forward, batch 1, 8 heads, d 64, Nr 16"), table);
        assertTrue(table.contains(HIERARCHICAL_ROW + "\n" + CAUSAL_ROW + "\n"), table);
        assertTrue(table.contains(EXACT_ROW), table);
        assertTrue(table.indexOf("### Hierarchical") < table.indexOf("### Exact"), table);
    }

    @Test
    void namesEveryMissingBenchmark() throws IOException {
        JsonArray runs = fixtureWithout(Roofline.COPY);
        String message = assertThrows(Roofline.MissingBenchmarkException.class, () -> Roofline.render(runs))
                .getMessage();
        assertTrue(message.contains("lacks CopyBandwidthBenchmark;"), message);

        message = assertThrows(Roofline.MissingBenchmarkException.class, () -> Roofline.render(new JsonArray()))
                .getMessage();
        assertTrue(message.contains("lacks FmaPeakBenchmark, CopyBandwidthBenchmark, HierarchicalForwardBenchmark"),
                message);
    }

    @Test
    void exactForwardIsOptional() throws IOException {
        String table = Roofline.render(fixtureWithout(Roofline.EXACT));
        assertTrue(table.contains(HIERARCHICAL_ROW), table);
        assertEquals(-1, table.indexOf("### Exact"), table);
    }

    @Test
    void saysSoWhenJmhGaveNoError() throws IOException {
        JsonArray runs = fixture();
        for (JsonElement run : runs) {
            if (run.getAsJsonObject().get("benchmark").getAsString().equals(Roofline.FMA)) {
                run.getAsJsonObject().getAsJsonObject("secondaryMetrics").getAsJsonObject("flops")
                        .addProperty("scoreError", "NaN"); // as JMH writes it after a single iteration
            }
        }
        String table = Roofline.render(runs);
        assertTrue(table.contains("- FMA peak: 100.0 GFLOP/s, no error (one iteration) (FmaPeakBenchmark"), table);
    }

    private static JsonArray fixtureWithout(String benchmark) throws IOException {
        JsonArray runs = new JsonArray();
        for (JsonElement run : fixture()) {
            if (!run.getAsJsonObject().get("benchmark").getAsString().equals(benchmark)) {
                runs.add(run);
            }
        }
        return runs;
    }

    private static JsonArray fixture() throws IOException {
        try (InputStream in = RooflineTest.class.getResourceAsStream("/roofline-jmh.json")) {
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonArray();
        }
    }
}
