package io.hattn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.FullAttentionReference;
import io.hattn.attention.GradientReference;
import io.hattn.attention.ReferenceGradients;
import io.hattn.io.Npy;
import io.hattn.io.NpyArray;
import io.hattn.testing.RandomCases;
import io.hattn.testing.Tensors;
import io.hattn.testing.Tolerance;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hattn attend --grad --dq --dk --dv}: gradients in the inputs' shapes, and bad input refused whole. */
class AttendGradientsCliTest {

    private static final int[] QUERY_SHAPE = {2, 2, 75, 8};
    private static final int[] VALUE_SHAPE = {2, 2, 75, 5};

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        err.getBuffer().setLength(0);
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private Path file(String name) {
        return dir.resolve(name);
    }

    private void write(String name, int[] shape, float[] data) throws IOException {
        Npy.write(file(name), new NpyArray(shape, data));
    }

    @BeforeEach
    void inputs() throws IOException {
        write("q.npy", QUERY_SHAPE, Tensors.gaussian(2 * 2 * 75 * 8, 1));
        write("k.npy", QUERY_SHAPE, Tensors.gaussian(2 * 2 * 75 * 8, 2));
        write("v.npy", VALUE_SHAPE, Tensors.gaussian(2 * 2 * 75 * 5, 3));
        write("dout.npy", VALUE_SHAPE, Tensors.gaussian(2 * 2 * 75 * 5, 4));
        boolean[] valid = Tensors.scatteredMask(2, 75, 4);
        float[] mask = new float[valid.length];
        for (int i = 0; i < valid.length; i++) {
            mask[i] = valid[i] ? 1f : 0f;
        }
        write("mask.npy", new int[] {2, 75}, mask);
    }

    private String[] attend(String... extra) {
        String[] base = {"attend", "--q", file("q.npy").toString(), "--k", file("k.npy").toString(), "--v",
            file("v.npy").toString(), "--out", file("out.npy").toString(), "--block", "4", "--mask",
            file("mask.npy").toString()};
        return Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
    }

    private String[] withGradients(String... extra) {
        String[] gradients = {"--grad", file("dout.npy").toString(), "--dq", file("dq.npy").toString(), "--dk",
            file("dk.npy").toString(), "--dv", file("dv.npy").toString()};
        return attend(Stream.concat(Stream.of(gradients), Stream.of(extra)).toArray(String[]::new));
    }

    private AttentionProblem expected(boolean causal) throws Exception {
        AttentionSpec spec = new AttentionSpec(2, 2, 75, 8, 5, 4, causal, AttentionSpec.defaultScale(8));
        float[] mask = Npy.read(file("mask.npy")).data();
        boolean[] valid = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            valid[i] = mask[i] == 1f;
        }
        return new AttentionProblem(spec, Npy.read(file("q.npy")).data(), Npy.read(file("k.npy")).data(),
                Npy.read(file("v.npy")).data(), valid, null);
    }

    private void assertGradients(Tolerance tolerance, ReferenceGradients expected) throws Exception {
        NpyArray dq = Npy.read(file("dq.npy"));
        NpyArray dk = Npy.read(file("dk.npy"));
        NpyArray dv = Npy.read(file("dv.npy"));
        assertArrayEquals(QUERY_SHAPE, dq.shape());
        assertArrayEquals(QUERY_SHAPE, dk.shape());
        assertArrayEquals(VALUE_SHAPE, dv.shape());
        tolerance.assertCloseScaled("dq", expected.dq(), dq.data());
        tolerance.assertCloseScaled("dk", expected.dk(), dk.data());
        tolerance.assertCloseScaled("dv", expected.dv(), dv.data());
    }

    @Test
    void hierarchicalGradientsOfTheInputsWithAMask() throws Exception {
        assertEquals(0, run(withGradients()), err.toString());
        float[] dOut = Npy.read(file("dout.npy")).data();
        assertGradients(RandomCases.HIERARCHICAL_GRADIENTS, GradientReference.hierarchical(expected(false), dOut));
        assertTrue(err.toString().contains("and its gradients"), err.toString());
    }

    @Test
    void exactCausalGradientsAndTheOutput() throws Exception {
        assertEquals(0, run(withGradients("--exact", "--causal")), err.toString());
        float[] dOut = Npy.read(file("dout.npy")).data();
        assertGradients(RandomCases.EXACT_GRADIENTS, GradientReference.exact(expected(true), dOut));
        RandomCases.EXACT.assertClose("out", FullAttentionReference.forward(expected(true)),
                Npy.read(file("out.npy")).data());
    }

    @Test
    void onlyTheRequestedGradientIsWritten() throws Exception {
        assertEquals(0, run(attend("--grad", file("dout.npy").toString(), "--dv", file("dv.npy").toString(),
                "--causal")), err.toString());
        assertTrue(Files.exists(file("dv.npy")));
        assertFalse(Files.exists(file("dq.npy")));
        assertFalse(Files.exists(file("dk.npy")));
    }

    private void assertBadInput(String expectedInMessage, String... args) throws IOException {
        assertEquals(Main.BAD_INPUT, run(args), "exit code; stderr: " + err);
        assertTrue(err.toString().contains(expectedInMessage), "message should contain '" + expectedInMessage
                + "': " + err);
        assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.map(p -> p.getFileName().toString())
                    .noneMatch(name -> name.matches("\\.?(out|dq|dk|dv)\\.npy.*")),
                    "no output and no temporary left behind");
        }
    }

    @Test
    void badGradientOptionsExitWithTwoAndLeaveNothing() throws Exception {
        assertBadInput("--dq needs --grad", attend("--dq", file("dq.npy").toString()));
        assertBadInput("--grad needs at least one of --dq, --dk, --dv", attend("--grad", file("dout.npy").toString()));
        write("dout-wrong.npy", QUERY_SHAPE, new float[2 * 2 * 75 * 8]);
        assertBadInput("--grad must have the output's shape [2, 2, 75, 5], got [2, 2, 75, 8]",
                attend("--grad", file("dout-wrong.npy").toString(), "--dq", file("dq.npy").toString()));
        float[] nan = new float[2 * 2 * 75 * 5];
        nan[9] = Float.POSITIVE_INFINITY;
        write("dout-inf.npy", VALUE_SHAPE, nan);
        assertBadInput("--grad must hold finite numbers, found Infinity at flat index 9",
                attend("--grad", file("dout-inf.npy").toString(), "--dk", file("dk.npy").toString()));
        assertBadInput("--grad: cannot read", attend("--grad", file("missing.npy").toString(), "--dk",
                file("dk.npy").toString()));
        assertBadInput("--dk must name a file of its own", attend("--grad", file("dout.npy").toString(), "--dq",
                file("dq.npy").toString(), "--dk", file("dq.npy").toString()));
        assertBadInput("--dv must name a file of its own", attend("--grad", file("dout.npy").toString(), "--dv",
                file("out.npy").toString()));
        // a gradient file that cannot be written (no such directory): the output is not written either
        assertBadInput("--dq: the folder of", attend("--grad", file("dout.npy").toString(), "--dq",
                dir.resolve("no-such-dir").resolve("dq.npy").toString()));
    }

    @Test
    void benchBackwardReportsBothBackwardPassesAndTheRatio() throws Exception {
        Path csv = file("bench.csv");
        assertEquals(0, run("bench", "--backward", "--len", "64,128", "--dim", "8", "--heads", "2", "--block", "4",
                "--repeats", "1", "--format", "csv", "--out", csv.toString()), err.toString());
        java.util.List<java.util.Map<String, String>> rows = io.hattn.benchmark.ResultCsv.read(csv);
        assertEquals(2, rows.size());
        for (java.util.Map<String, String> row : rows) {
            assertTrue(Double.parseDouble(row.get("hier_seconds")) > 0);
            assertTrue(Double.parseDouble(row.get("exact_seconds")) > 0, "exact backward ran at these lengths");
            assertTrue(row.get("note").contains("backward/forward"), row.get("note"));
        }
        assertEquals(Main.BAD_INPUT, run("bench", "--backward", "--len", "64", "--dim", "8", "--block", "4",
                "--reference", "sequential"));
        assertTrue(err.toString().contains("--reference"), err.toString());
    }
}
