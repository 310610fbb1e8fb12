package io.hattn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.FullAttentionReference;
import io.hattn.attention.HierarchicalAttentionReference;
import io.hattn.benchmark.ResultCsv;
import io.hattn.io.Npy;
import io.hattn.io.NpyArray;
import io.hattn.testing.Tensors;
import io.hattn.testing.Tolerance;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a user meets it: results, exit codes, messages, and no output left by a failure. */
class CliTest {

    private static final Tolerance FLOAT = Tolerance.of(4e-6, 4e-6, 1e-6);

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
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

    private void assertBadInput(String expectedInMessage, String... args) {
        int code = run(args);
        assertEquals(Main.BAD_INPUT, code, "exit code for " + String.join(" ", args) + "; stderr: " + err);
        assertTrue(err.toString().contains(expectedInMessage),
                "message should contain '" + expectedInMessage + "': " + err);
        assertFalse(Files.exists(dir.resolve("out.npy")), "no output file after a failure");
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("out.npy")),
                    "no temporary output left behind");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void badInputExitsWithTwoNamesTheArgumentAndLeavesNoOutput() throws Exception {
        assertBadInput("even number", attend("--block", "3"));
        assertBadInput("<= length/2 = 37", attend("--block", "40"));
        assertBadInput("--backend", attend("--block", "4", "--backend", "warp-drive"));
        write("k-wrong.npy", new int[] {2, 2, 75, 7}, new float[2 * 2 * 75 * 7]);
        assertBadInput("--k must have the shape of --q", "attend", "--q", dir.resolve("q.npy").toString(), "--k",
                dir.resolve("k-wrong.npy").toString(), "--v", dir.resolve("v.npy").toString(), "--block", "4",
                "--out", dir.resolve("out.npy").toString());
        Files.writeString(dir.resolve("garbage.npy"), "this is not numpy");
        assertBadInput("--v", "attend", "--q", dir.resolve("q.npy").toString(), "--k",
                dir.resolve("k.npy").toString(), "--v", dir.resolve("garbage.npy").toString(), "--block", "4",
                "--out", dir.resolve("out.npy").toString());
        assertBadInput("--q: cannot read", "attend", "--q", dir.resolve("missing.npy").toString(), "--k",
                dir.resolve("k.npy").toString(), "--v", dir.resolve("v.npy").toString(), "--block", "4",
                "--out", dir.resolve("out.npy").toString());
        float[] nan = Npy.read(dir.resolve("q.npy")).data();
        nan[17] = Float.NaN;
        write("nan.npy", new int[] {2, 2, 75, 8}, nan);
        assertBadInput("--q must hold finite numbers", "attend", "--q", dir.resolve("nan.npy").toString(), "--k",
                dir.resolve("k.npy").toString(), "--v", dir.resolve("v.npy").toString(), "--block", "4",
                "--out", dir.resolve("out.npy").toString());
        write("mask3.npy", new int[] {3, 75}, new float[3 * 75]);
        assertBadInput("--mask must have shape [75] or [2, 75]", attend("--block", "4", "--mask",
                dir.resolve("mask3.npy").toString()));
        float[] twos = new float[75];
        java.util.Arrays.fill(twos, 2f);
        write("mask2.npy", new int[] {75}, twos);
        assertBadInput("--mask must hold 0 (padding) or 1", attend("--block", "4", "--mask",
                dir.resolve("mask2.npy").toString()));
        assertBadInput("--block", "attend", "--q", "q.npy");
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
            assertTrue(Double.parseDouble(row.get("rel_l2_error")) < 2, "bounded approximation error");
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
    void devicesListsEveryBackend() {
        assertEquals(0, run("devices"));
        assertTrue(out.toString().contains("backend cpu"), out.toString());
        assertTrue(out.toString().contains("backend sequential"), out.toString());
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
