package io.hattn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.FullAttentionReference;
import io.hattn.attention.HierarchicalAttentionReference;
import io.hattn.benchmark.RandomInputs;
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

/** The command line as a user meets it: results, exit codes, messages, and no output left by a failure. */
class CliTest {

    private static final Tolerance FLOAT = Tolerance.of(4e-6, 4e-6, 1e-6, 4e-6);

    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    private Path write(String name, int[] shape, float[] data) throws IOException {
        Path file = dir.resolve(name);
        Npy.write(file, new NpyArray(shape, data));
        return file;
    }

    @BeforeEach
    void inputs() throws IOException {
        // [B=2, H=2, L=75, d=8] with v of width 5 and a [B, L] mask: any L, padding, dv != d.
        write("q.npy", new int[] {2, 2, 75, 8}, Tensors.gaussian(2 * 2 * 75 * 8, 1));
        write("k.npy", new int[] {2, 2, 75, 8}, Tensors.gaussian(2 * 2 * 75 * 8, 2));
        write("v.npy", new int[] {2, 2, 75, 5}, Tensors.gaussian(2 * 2 * 75 * 5, 3));
        boolean[] valid = Tensors.rightPaddingMask(2, 75, 4);
        float[] mask = new float[valid.length];
        for (int i = 0; i < valid.length; i++) {
            mask[i] = valid[i] ? 1f : 0f;
        }
        write("mask.npy", new int[] {2, 75}, mask);
    }

    private AttentionProblem expectedProblem(boolean causal, float scale) throws Exception {
        AttentionSpec spec = new AttentionSpec(2, 2, 75, 8, 5, 4, causal, scale);
        float[] mask = Npy.read(dir.resolve("mask.npy")).data();
        boolean[] valid = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            valid[i] = mask[i] == 1f;
        }
        return new AttentionProblem(spec, Npy.read(dir.resolve("q.npy")).data(), Npy.read(dir.resolve("k.npy")).data(),
                Npy.read(dir.resolve("v.npy")).data(), valid, null);
    }

    private String[] attend(String... extra) {
        String[] base = {"attend", "--q", dir.resolve("q.npy").toString(), "--k", dir.resolve("k.npy").toString(),
            "--v", dir.resolve("v.npy").toString(), "--out", dir.resolve("out.npy").toString()};
        return Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
    }

    @Test
    void attendWritesTheHierarchicalOutputOfTheQueryShape() throws Exception {
        assertEquals(0, run(attend("--block", "4", "--mask", dir.resolve("mask.npy").toString())), err.toString());
        NpyArray result = Npy.read(dir.resolve("out.npy"));
        assertArrayEquals(new int[] {2, 2, 75, 5}, result.shape());
        FLOAT.assertClose("attend", HierarchicalAttentionReference.forward(
                expectedProblem(false, AttentionSpec.defaultScale(8))), result.data());
        assertTrue(err.toString().contains("hierarchical attention") && err.toString().contains("cpu on"),
                "names the path, backend and device: " + err);
    }

    @Test
    void attendExactCausalWithScale() throws Exception {
        assertEquals(0, run(attend("--block", "4", "--causal", "--exact", "--scale", "0.5", "--mask",
                dir.resolve("mask.npy").toString())), err.toString());
        FLOAT.assertClose("attend --exact", FullAttentionReference.forward(expectedProblem(true, 0.5f)),
                Npy.read(dir.resolve("out.npy")).data());
    }

    @Test
    void attendAcceptsTwoDimensionalInputs() throws Exception {
        write("q2.npy", new int[] {40, 6}, Tensors.gaussian(240, 7));
        write("v2.npy", new int[] {40, 3}, Tensors.gaussian(120, 8));
        assertEquals(0, run("attend", "--q", dir.resolve("q2.npy").toString(), "--k", dir.resolve("q2.npy").toString(),
                "--v", dir.resolve("v2.npy").toString(), "--block", "8", "--out", dir.resolve("o2.npy").toString()),
                err.toString());
        assertArrayEquals(new int[] {40, 3}, Npy.read(dir.resolve("o2.npy")).shape());
    }

    /** Exit 2, a message naming the option, no stack trace, and no output file (or temporary) left behind. */
    private void assertBadInput(String expectedInMessage, String... args) {
        cli.assertBadInput(expectedInMessage, args);
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().matches(".*(out|\\.tmp).*")),
                    "no output or temporary file left behind");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String[] attendWith(String q, String k, String v, String... extra) {
        String[] base = {"attend", "--q", dir.resolve(q).toString(), "--k", dir.resolve(k).toString(), "--v",
            dir.resolve(v).toString(), "--block", "4", "--out", dir.resolve("out.npy").toString()};
        return Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
    }

    @Test
    void badBlockShapesBackendAndMissingFiles() throws Exception {
        assertBadInput("even number", attend("--block", "3"));
        assertBadInput("<= length/2 = 37", attend("--block", "40"));
        assertBadInput("--backend", attend("--block", "4", "--backend", "warp-drive"));
        write("k-wrong.npy", new int[] {2, 2, 75, 7}, new float[2 * 2 * 75 * 7]);
        assertBadInput("--k must have the shape of --q", attendWith("q.npy", "k-wrong.npy", "v.npy"));
        write("v-wrong.npy", new int[] {2, 3, 75, 5}, new float[2 * 3 * 75 * 5]);
        assertBadInput("--v must have the shape of --q except its last dimension",
                attendWith("q.npy", "k.npy", "v-wrong.npy"));
        assertBadInput("--q: cannot read", attendWith("missing.npy", "k.npy", "v.npy"));
        assertBadInput("--block", "attend", "--q", "q.npy");
    }

    @Test
    void unreadableTruncatedAndIntegerTensors() throws Exception {
        Files.writeString(dir.resolve("garbage.npy"), "this is not numpy");
        assertBadInput("--v", attendWith("q.npy", "k.npy", "garbage.npy"));
        byte[] whole = Files.readAllBytes(dir.resolve("k.npy"));
        Files.write(dir.resolve("truncated.npy"), java.util.Arrays.copyOf(whole, whole.length - 100));
        assertBadInput("--k: ", attendWith("q.npy", "truncated.npy", "v.npy"));
        assertTrue(err.toString().contains("truncated"), err.toString());
        Files.copy(Path.of("src/test/resources/npy/i8_3.npy"), dir.resolve("ints.npy"));
        assertBadInput("--q must be float32 or float64, got dtype '<i8'", attendWith("ints.npy", "ints.npy",
                "ints.npy"));
    }

    @Test
    void nonFiniteInputsAndMasks() throws Exception {
        float[] nan = Npy.read(dir.resolve("q.npy")).data();
        nan[17] = Float.NaN;
        write("nan.npy", new int[] {2, 2, 75, 8}, nan);
        assertBadInput("--q must hold finite numbers", attendWith("nan.npy", "k.npy", "v.npy"));
        write("mask3.npy", new int[] {3, 75}, new float[3 * 75]);
        assertBadInput("--mask must have shape [75] or [2, 75]", attend("--block", "4", "--mask",
                dir.resolve("mask3.npy").toString()));
        float[] twos = new float[75];
        java.util.Arrays.fill(twos, 2f);
        write("mask2.npy", new int[] {75}, twos);
        assertBadInput("--mask must hold 0 (padding) or 1", attend("--block", "4", "--mask",
                dir.resolve("mask2.npy").toString()));
    }

    /** Finite inputs whose scores overflow float32 are refused, never written as NaN. */
    @Test
    void scoresThatOverflowFloat32AreRefusedNamingQAndK() throws Exception {
        float[] huge = Tensors.gaussian(2 * 2 * 75 * 8, 9);
        for (int i = 0; i < huge.length; i++) {
            huge[i] *= 1e30f;
        }
        write("huge.npy", new int[] {2, 2, 75, 8}, huge);
        for (String[] extra : new String[][] {{}, {"--exact"}, {"--causal"}, {"--backend", "sequential"}}) {
            if (extra.length == 2) {
                // the oracle accumulates in double, where 1e60 is representable: it computes the right answer
                assertEquals(0, run(attendWith("huge.npy", "huge.npy", "v.npy", extra)), err.toString());
                assertTrue(isFinite(Npy.read(dir.resolve("out.npy")).data()), "oracle output finite");
                Files.delete(dir.resolve("out.npy"));
                continue;
            }
            assertBadInput("--q/--k: q and k are too large: the scores scale * q.k overflow float32",
                    attendWith("huge.npy", "huge.npy", "v.npy", extra));
        }
    }

    private static boolean isFinite(float[] values) {
        for (float value : values) {
            if (!Float.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void outputInAMissingFolderNamesOut() throws Exception {
        String missing = dir.resolve("no/such/folder/out.npy").toString();
        assertBadInput("--out: the folder of", "attend", "--q", dir.resolve("q.npy").toString(), "--k",
                dir.resolve("k.npy").toString(), "--v", dir.resolve("v.npy").toString(), "--block", "4", "--out",
                missing);
        assertBadInput("--out must name a file", "attend", "--q", dir.resolve("q.npy").toString(), "--k",
                dir.resolve("k.npy").toString(), "--v", dir.resolve("v.npy").toString(), "--block", "4", "--out",
                dir.toString());
        assertBadInput("--out: the folder of", "bench", "--len", "64", "--dim", "8", "--heads", "1", "--block", "4",
                "--repeats", "1", "--out", dir.resolve("no/bench-out.csv").toString());
        Path csv = dir.resolve("r.csv");
        Files.writeString(csv, "length,hier_seconds\n");
        assertBadInput("--out: the folder of", "plot", csv.toString(), "--out", dir.resolve("no/plot-out.png")
                .toString());
        assertBadInput("RESULTS.csv: cannot read", "plot", dir.resolve("absent.csv").toString(), "--out",
                dir.resolve("plot-out.png").toString());
    }

    @Test
    void benchChecksEveryLengthBeforeRunningAny() {
        assertBadInput("--len 1048576 with --dim 64 --heads 512", "bench", "--len", "64,1M", "--heads", "512",
                "--repeats", "1");
        assertEquals("", out.toString(), "nothing measured");
    }

    @Test
    void benchPrintsCsvWithBackendDeviceAndErrors() throws Exception {
        Path csv = dir.resolve("bench.csv");
        assertEquals(0, run("bench", "--len", "64,128", "--dim", "8", "--heads", "2", "--block", "4", "--repeats",
                "1", "--format", "csv", "--out", csv.toString()), err.toString());
        List<Map<String, String>> rows = ResultCsv.read(csv);
        assertEquals(2, rows.size());
        for (Map<String, String> row : rows) {
            assertEquals("cpu", row.get("backend"));
            assertTrue(row.get("device").contains("threads"), row.get("device"));
            assertTrue(Double.parseDouble(row.get("hier_seconds")) > 0);
            assertTrue(Double.parseDouble(row.get("speedup")) > 0, "exact ran at these lengths");
            // the hierarchy-vs-exact error the bench reports, recomputed in double from the same inputs with the
            // references: the bench measures what it says (measured agreement 2e-7; an all-zero output gives 1)
            int length = Integer.parseInt(row.get("length"));
            AttentionSpec spec = AttentionSpec.of(1, 2, length, 8, 4, false);
            AttentionProblem problem = RandomInputs.problem(spec, 42 + length);
            double[] hierarchical = HierarchicalAttentionReference.forward(problem);
            double[] exact = FullAttentionReference.forward(problem);
            double diff = 0;
            double norm = 0;
            double maxAbs = 0;
            for (int i = 0; i < exact.length; i++) {
                diff += (hierarchical[i] - exact[i]) * (hierarchical[i] - exact[i]);
                norm += exact[i] * exact[i];
                maxAbs = Math.max(maxAbs, Math.abs(hierarchical[i] - exact[i]));
            }
            assertEquals(Math.sqrt(diff / norm), Double.parseDouble(row.get("rel_l2_error")), 1e-5, "rel_l2_error");
            assertEquals(maxAbs, Double.parseDouble(row.get("max_abs_error")), 1e-5, "max_abs_error");
        }
        assertTrue(Files.readString(csv).startsWith("# machine: "), "the machine is written beside the figures");
    }

    @Test
    void benchTableAndJsonAndBadOptions() {
        assertEquals(0, run("bench", "--len", "1K", "--dim", "8", "--heads", "1", "--block", "8", "--repeats", "1",
                "--format", "json"), err.toString());
        assertTrue(out.toString().contains("\"length\": 1024"), out.toString());
        assertEquals(Main.BAD_INPUT, run("bench", "--format", "xml"));
        assertTrue(err.toString().contains("--format must be table, csv or json"), err.toString());
        assertEquals(Main.BAD_INPUT, run("bench", "--len", "16", "--block", "16"));
        assertTrue(err.toString().contains("len must be >= 2 x block = 32"), err.toString());
        assertEquals(Main.BAD_INPUT, run("bench", "--len", "4Q"));
    }

    @Test
    void devicesListsEveryBackendAndSaysWhyTornadoCannotRun() {
        assertEquals(0, run("devices"));
        assertTrue(out.toString().contains("backend cpu"), out.toString());
        assertTrue(out.toString().contains("backend sequential"), out.toString());
        // this test tier runs without the TornadoVM tier on the class path
        assertTrue(out.toString().contains("backend tornado"), out.toString());
        assertTrue(out.toString().contains("not available: "), out.toString());
        assertTrue(out.toString().contains("TORNADOVM_HOME"), "says how to enable it: " + out);
        assertBadInput("backend 'tornado' cannot run here", attend("--block", "4", "--backend", "tornado"));
    }

    @Test
    void plotWritesAPng() throws Exception {
        Path csv = dir.resolve("r.csv");
        assertEquals(0, run("bench", "--len", "64,128", "--dim", "8", "--heads", "1", "--block", "4", "--repeats",
                "1", "--format", "csv", "--out", csv.toString()));
        Path png = dir.resolve("r.png");
        assertEquals(0, run("plot", csv.toString(), "--out", png.toString()), err.toString());
        byte[] header = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, header);
    }
}
