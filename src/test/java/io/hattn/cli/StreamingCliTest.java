package io.hattn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.benchmark.ResultCsv;
import io.hattn.io.Npy;
import io.hattn.io.NpyArray;
import io.hattn.testing.Tensors;
import io.hattn.testing.Tolerance;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code attend --causal --streaming} and {@code bench --decode} as a user meets them. */
class StreamingCliTest {

    /** Streaming against the CPU backend's causal forward, both float32: measured 4.8e-7 here; see DecodeStateTest. */
    private static final Tolerance FLOAT = Tolerance.of(3e-6, 3e-6, 7e-7, 3e-6);

    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @BeforeEach
    void inputs() throws IOException {
        // [B=2, H=2, L=75, d=8], v of width 5, a [B, L] mask: a padded length, dv != d, masked rows.
        Npy.write(dir.resolve("q.npy"), new NpyArray(new int[] {2, 2, 75, 8}, Tensors.gaussian(2 * 2 * 75 * 8, 1)));
        Npy.write(dir.resolve("k.npy"), new NpyArray(new int[] {2, 2, 75, 8}, Tensors.gaussian(2 * 2 * 75 * 8, 2)));
        Npy.write(dir.resolve("v.npy"), new NpyArray(new int[] {2, 2, 75, 5}, Tensors.gaussian(2 * 2 * 75 * 5, 3)));
        boolean[] valid = Tensors.scatteredMask(2, 75, 4);
        float[] mask = new float[valid.length];
        for (int i = 0; i < valid.length; i++) {
            mask[i] = valid[i] ? 1f : 0f;
        }
        Npy.write(dir.resolve("mask.npy"), new NpyArray(new int[] {2, 75}, mask));
    }

    private String[] attend(String output, String... extra) {
        String[] base = {"attend", "--q", dir.resolve("q.npy").toString(), "--k", dir.resolve("k.npy").toString(),
            "--v", dir.resolve("v.npy").toString(), "--mask", dir.resolve("mask.npy").toString(), "--out",
            dir.resolve(output).toString()};
        return Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
    }

    @Test
    void streamingWritesTheCausalOutput() throws Exception {
        assertEquals(0, run(attend("full.npy", "--block", "4", "--causal", "--scale", "0.3")), err.toString());
        assertEquals(0, run(attend("stream.npy", "--block", "4", "--causal", "--scale", "0.3", "--streaming")),
                err.toString());
        assertTrue(err.toString().contains("cpu-streaming on decoding state"), "names what ran: " + err);
        NpyArray full = Npy.read(dir.resolve("full.npy"));
        NpyArray streamed = Npy.read(dir.resolve("stream.npy"));
        assertArrayEquals(full.shape(), streamed.shape());
        FLOAT.assertClose("attend --causal --streaming", full.data(), streamed.data());
    }

    @Test
    void streamingWithoutCausalOrWithExactIsBadInput() {
        for (String[] args : List.of(attend("o.npy", "--block", "4", "--streaming"),
                attend("o.npy", "--block", "4", "--causal", "--exact", "--streaming"),
                attend("o.npy", "--block", "4", "--causal", "--streaming", "--backend", "sequential"))) {
            assertEquals(Main.BAD_INPUT, run(args), String.join(" ", args));
            assertTrue(err.toString().contains("--streaming"), "names --streaming: " + err);
            assertFalse(Files.exists(dir.resolve("o.npy")), "no output after a failure");
        }
        // the errors of attend --causal are the errors of attend --causal --streaming
        assertEquals(Main.BAD_INPUT, run(attend("o.npy", "--block", "40", "--causal", "--streaming")));
        assertTrue(err.toString().contains("<= length/2 = 37"), err.toString());
    }

    /** The float32 overflow error of attend --causal, also when streaming: a message naming --q/--k, no NaN. */
    @Test
    void scoresThatOverflowAreRefusedAsWithoutStreaming() throws Exception {
        float[] huge = Tensors.gaussian(2 * 2 * 75 * 8, 9);
        for (int i = 0; i < huge.length; i++) {
            huge[i] *= 1e30f;
        }
        Npy.write(dir.resolve("q.npy"), new NpyArray(new int[] {2, 2, 75, 8}, huge));
        Npy.write(dir.resolve("k.npy"), new NpyArray(new int[] {2, 2, 75, 8}, huge));
        for (String[] args : List.of(attend("o.npy", "--block", "4", "--causal"),
                attend("o.npy", "--block", "4", "--causal", "--streaming"))) {
            assertEquals(Main.BAD_INPUT, run(args), String.join(" ", args));
            assertTrue(err.toString().contains("--q/--k: q and k are too large"), err.toString());
            assertFalse(Files.exists(dir.resolve("o.npy")), "no output after a failure");
        }
    }

    @Test
    void benchDecodeWritesTheColumnsOfTheIssue() throws Exception {
        Path csv = dir.resolve("decode.csv");
        assertEquals(0, run("bench", "--decode", "--len", "64,300", "--dim", "8", "--heads", "2", "--block", "4",
                "--repeats", "1", "--format", "csv", "--out", csv.toString()), err.toString());
        List<Map<String, String>> rows = ResultCsv.read(csv);
        assertEquals(2, rows.size());
        for (Map<String, String> row : rows) {
            assertEquals("cpu", row.get("backend"));
            assertTrue(Double.parseDouble(row.get("hier_us_per_token")) > 0, row.toString());
            assertTrue(Double.parseDouble(row.get("exact_us_per_token")) > 0, row.toString());
            assertTrue(Long.parseLong(row.get("hier_state_bytes")) > 0, row.toString());
            assertTrue(Long.parseLong(row.get("exact_state_bytes")) > 0, row.toString());
        }
        assertEquals("300", rows.get(1).get("length"));
        assertTrue(Files.readString(csv).startsWith("# machine: "), "the machine is written beside the figures");
        Path png = dir.resolve("decode.png");
        assertEquals(0, run("plot", csv.toString(), "--out", png.toString()), err.toString());
        assertTrue(Files.size(png) > 1000, "a PNG was written");
        assertEquals(0, run("bench", "--decode", "--len", "64", "--dim", "8", "--heads", "1", "--block", "4",
                "--repeats", "1", "--format", "json"), err.toString());
        assertTrue(out.toString().contains("\"hier_us_per_token\""), out.toString());
        assertEquals(Main.BAD_INPUT, run("bench", "--decode", "--len", "64", "--block", "3"));
        assertTrue(err.toString().contains("--block"), err.toString());
        assertEquals(Main.BAD_INPUT, run("bench", "--decode", "--backend", "sequential"));
        assertTrue(err.toString().contains("--decode"), err.toString());
    }
}
