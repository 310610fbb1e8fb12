package io.hattn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.benchmark.ResultCsv;
import io.hattn.data.ListOpsFolder;
import io.hattn.data.ListOpsGenerator;
import io.hattn.data.ListOpsRules;
import io.hattn.train.Checkpoints;
import io.hattn.train.MetricsLog;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hattn train} and {@code hattn eval} as a user meets them, on a small ListOps folder of short expressions. */
class TrainCliTest {

    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @BeforeEach
    void data() throws IOException {
        ListOpsGenerator generator = new ListOpsGenerator(ListOpsRules.LRA.withLengths(10, 60));
        ListOpsFolder.write(dir.resolve("data"), generator.generateSplits(7, 64, 16, 16, done -> { }), done -> { });
    }

    /** A small run's arguments; an option given in {@code extra} replaces the default one. */
    private String[] train(String... extra) {
        String[] base = {"--data", dir.resolve("data").toString(), "--len", "64", "--layers", "1", "--width", "16",
            "--heads", "2", "--block", "4", "--batch", "4", "--lr", "3e-3", "--warmup", "2", "--checkpoint-every",
            "5", "--eval-every", "5", "--eval-examples", "16", "--seed", "3", "--out", dir.resolve("run").toString()};
        List<String> given = List.of(extra);
        List<String> args = new java.util.ArrayList<>(List.of("train"));
        for (int i = 0; i < base.length; i += 2) {
            if (!given.contains(base[i])) {
                args.add(base[i]);
                args.add(base[i + 1]);
            }
        }
        args.addAll(given);
        return args.toArray(String[]::new);
    }

    @Test
    void trainsResumesAndEvaluates() throws IOException {
        assertEquals(0, run(train("--steps", "10")), err.toString());
        Path run = dir.resolve("run");
        assertTrue(Files.exists(run.resolve(Checkpoints.FILE)));
        assertTrue(Files.exists(run.resolve(MetricsLog.PLOT)));
        try {
            assertEquals("first", io.hattn.io.SafeTensors.read(run.resolve(Checkpoints.FILE)).metadata()
                    .get("model.pooling"), "ListOps pools the first token (the outermost operator) by default");
        } catch (io.hattn.io.SafeTensorsFormatException e) {
            throw new AssertionError(e);
        }
        List<Map<String, String>> rows = ResultCsv.read(run.resolve(MetricsLog.FILE));
        assertEquals("10", rows.get(rows.size() - 1).get("step"));
        for (String column : List.of("train_loss", "train_acc", "val_loss", "val_acc", "tokens_per_s")) {
            assertFalse(rows.get(rows.size() - 1).get(column).isBlank(), column);
        }

        assertEquals(Main.BAD_INPUT, run(train("--steps", "20")), "a new run into a used folder");
        assertTrue(err.toString().contains("already holds a run"), err.toString());
        assertEquals(Main.BAD_INPUT, run(train("--steps", "20", "--resume", "--width", "32")));
        assertTrue(err.toString().contains("width 16 in the checkpoint, 32 requested"), err.toString());
        assertEquals(0, run(train("--steps", "20", "--resume")), err.toString());
        assertEquals("20", last(ResultCsv.read(run.resolve(MetricsLog.FILE))).get("step"));

        assertEquals(0, run("eval", "--checkpoint", run.toString(), "--data",
                dir.resolve("data").resolve("basic_test.tsv").toString()), err.toString());
        assertTrue(out.toString().matches("accuracy: [01]\\.\\d{4}\\R"), out.toString());

        // the best validation pass of both runs, scored with --best; without it, --best is bad input
        String test = dir.resolve("data").resolve("basic_test.tsv").toString();
        assertEquals(0, run("eval", "--checkpoint", run.toString(), "--best", "--data", test), err.toString());
        assertTrue(out.toString().matches("accuracy: [01]\\.\\d{4}\\R"), out.toString());
        Files.delete(run.resolve(Checkpoints.BEST_FILE));
        assertBadInput("--best: " + run + " holds no " + Checkpoints.BEST_FILE, "eval", "--checkpoint",
                run.toString(), "--best", "--data", test);
    }

    /** The ends pooling and a hidden head: stored in the checkpoint, resumed, evaluated. */
    @Test
    void endsPoolingWithAHiddenHeadTrainsResumesAndEvaluates() throws IOException {
        assertEquals(0, run(train("--steps", "5", "--pooling", "ends", "--head-hidden", "8")), err.toString());
        Path run = dir.resolve("run");
        try {
            Map<String, String> metadata = io.hattn.io.SafeTensors.read(run.resolve(Checkpoints.FILE)).metadata();
            assertEquals("ends", metadata.get("model.pooling"));
            assertEquals("8", metadata.get("model.head_hidden"));
        } catch (io.hattn.io.SafeTensorsFormatException e) {
            throw new AssertionError(e);
        }
        assertEquals(Main.BAD_INPUT, run(train("--steps", "10", "--resume", "--pooling", "ends")));
        assertTrue(err.toString().contains("head_hidden 8 in the checkpoint, 0 requested"), err.toString());
        assertEquals(0, run(train("--steps", "10", "--resume", "--pooling", "ends", "--head-hidden", "8")),
                err.toString());
        assertEquals(0, run("eval", "--checkpoint", run.toString(), "--data",
                dir.resolve("data").resolve("basic_test.tsv").toString()), err.toString());
        assertTrue(out.toString().matches("accuracy: [01]\\.\\d{4}\\R"), out.toString());
    }

    /** A weight average: resumed only with the same decay, evaluated as the run's model or, asked, without it. */
    @Test
    void aWeightAverageIsResumedWithItsRunAndEvaluatedEitherWay() throws IOException {
        assertEquals(0, run(train("--steps", "5", "--ema", "0.9")), err.toString());
        Path run = dir.resolve("run");
        assertBadInput("trained with --ema", train("--steps", "10", "--resume"));
        assertBadInput("ema 0.9 in the checkpoint, 0.99 requested", train("--steps", "10", "--resume", "--ema",
                "0.99"));
        assertEquals(0, run(train("--steps", "10", "--resume", "--ema", "0.9")), err.toString());
        String test = dir.resolve("data").resolve("basic_test.tsv").toString();
        assertEquals(0, run("eval", "--checkpoint", run.toString(), "--data", test), err.toString());
        assertTrue(out.toString().matches("accuracy: [01]\\.\\d{4}\\R"), out.toString());
        assertEquals(0, run("eval", "--checkpoint", run.toString(), "--training-weights", "--data", test),
                err.toString());
        assertTrue(out.toString().matches("accuracy: [01]\\.\\d{4}\\R"), out.toString());
        assertBadInput("--training-weights: best.safetensors holds the reported model only", "eval",
                "--checkpoint", run.toString(), "--best", "--training-weights", "--data", test);
    }

    @Test
    void aTimeLimitEndsTheRunCheckpointedAndBudgetsItsResumes() throws IOException {
        // 1.2 s for a run of 100,000 steps: the step that reaches the budget is the last, evaluated and saved
        assertEquals(0, run(train("--steps", "100000", "--time-limit", "0.02")), err.toString());
        Path run = dir.resolve("run");
        Map<String, String> row = last(ResultCsv.read(run.resolve(MetricsLog.FILE)));
        long step = Long.parseLong(row.get("step"));
        assertTrue(step >= 1 && step < 100000, "stopped at step " + step);
        assertFalse(row.get("val_acc").isBlank(), "the last step is evaluated");
        assertTrue(Double.parseDouble(row.get("elapsed_s")) >= 1.2, row.get("elapsed_s"));
        try {
            assertEquals(Long.toString(step), io.hattn.io.SafeTensors.read(run.resolve(Checkpoints.FILE))
                    .metadata().get("step"), "the checkpoint holds the last step");
        } catch (io.hattn.io.SafeTensorsFormatException e) {
            throw new AssertionError(e);
        }

        // the budget covers the whole run: spent, a resume with it is refused; a larger one continues
        assertBadInput("--time-limit 0.02: the run has already trained",
                train("--steps", "100000", "--resume", "--time-limit", "0.02"));
        assertEquals(0, run(train("--steps", Long.toString(step + 3), "--resume", "--time-limit", "60")),
                err.toString());
        assertEquals(Long.toString(step + 3), last(ResultCsv.read(run.resolve(MetricsLog.FILE))).get("step"));
    }

    @Test
    void sigtermEndsTheRunWithTheStepUnderWayCheckpointed() throws Exception {
        // a separate JVM, as a user's: only the first checkpoint-free steps run before SIGTERM (Process.destroy)
        List<String> command = new java.util.ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(), "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(train("--steps", "100000", "--checkpoint-every", "0", "--eval-every", "0")));
        Path log = dir.resolve("log.txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path run = dir.resolve("run");
        Path metrics = run.resolve(MetricsLog.FILE);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!(Files.exists(metrics) && ResultCsv.read(metrics).size() >= 1) && System.nanoTime() < deadline
                && process.isAlive()) {
            Thread.sleep(100);
        }
        assertTrue(process.isAlive(), "the run was still training: " + Files.readString(log));
        assertFalse(Files.exists(run.resolve(Checkpoints.FILE)), "no checkpoint before the signal");
        process.destroy();
        assertTrue(process.waitFor(150, java.util.concurrent.TimeUnit.SECONDS), "it stops");
        assertTrue(Files.readString(log).contains("interrupted; step"), Files.readString(log));
        String step = last(ResultCsv.read(metrics)).get("step");
        assertEquals(step, io.hattn.io.SafeTensors.read(run.resolve(Checkpoints.FILE)).metadata().get("step"),
                "the checkpoint holds the last logged step");
        assertEquals(0, run(train("--steps", Long.toString(Long.parseLong(step) + 2), "--resume")), err.toString());
    }

    private static Map<String, String> last(List<Map<String, String>> rows) {
        return rows.get(rows.size() - 1);
    }

    @Test
    void badArgumentsExitTwoNamingTheOptionAndLeaveNothing() throws IOException {
        assertBadInput("--attention must be hierarchical or exact", train("--steps", "5", "--attention", "fast"));
        assertBadInput("--width must be a multiple of heads", train("--steps", "5", "--width", "15"));
        assertBadInput("--steps must be >= 1", train("--steps", "0"));
        assertBadInput("--time-limit must be a positive number of minutes", train("--steps", "5", "--time-limit",
                "0"));
        assertBadInput("--schedule", train("--steps", "5", "--schedule", "linear"));
        assertBadInput("--pooling must be first, mean or ends", train("--steps", "5", "--pooling", "last"));
        assertBadInput("--head-hidden must be >= 0", train("--steps", "5", "--head-hidden", "-1"));
        assertBadInput("--ema must be 0 (off) or a decay in (0, 1)", train("--steps", "5", "--ema", "1"));
        assertBadInput("--resume: ", train("--steps", "5", "--resume"));
        assertBadInput("--data: cannot read", "train", "--steps", "5", "--data", dir.resolve("none").toString(),
                "--out", dir.resolve("run").toString());
        assertFalse(Files.exists(dir.resolve("run").resolve(Checkpoints.FILE)), "no checkpoint after failures");
        assertBadInput("--checkpoint: ", "eval", "--checkpoint", dir.resolve("data").toString(), "--data",
                dir.resolve("data").resolve("basic_test.tsv").toString());
        Files.writeString(dir.resolve("bad.tsv"), "Source\tTarget\n( [MAX 2 3 ] )\t12\n");
        assertEquals(0, run(train("--steps", "2")), err.toString());
        assertBadInput("bad.tsv", "eval", "--checkpoint", dir.resolve("run").toString(), "--data",
                dir.resolve("bad.tsv").toString());
        assertTrue(err.toString().contains("line 2"), err.toString());
    }

    @Test
    void aCorruptCheckpointIsRefusedAndTheRunFolderIsLeftAsItWas() throws IOException {
        assertEquals(0, run(train("--steps", "5")), err.toString());
        Path checkpoint = dir.resolve("run").resolve(Checkpoints.FILE);
        byte[] whole = Files.readAllBytes(checkpoint);
        Files.write(checkpoint, java.util.Arrays.copyOf(whole, whole.length - 64));
        byte[] truncated = Files.readAllBytes(checkpoint);
        String metrics = Files.readString(dir.resolve("run").resolve(MetricsLog.FILE));
        assertBadInput("corrupt or truncated", train("--steps", "10", "--resume"));
        assertEquals(java.util.Arrays.toString(truncated), java.util.Arrays.toString(Files.readAllBytes(checkpoint)));
        assertEquals(metrics, Files.readString(dir.resolve("run").resolve(MetricsLog.FILE)), "metrics untouched");
    }

    private void assertBadInput(String expected, String... args) {
        cli.assertBadInput(expected, args);
    }
}
