package io.hattn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionBackend;
import io.hattn.testing.OracleAttention;
import io.hattn.data.BatchPosition;
import io.hattn.data.Example;
import io.hattn.data.LengthBatcher;
import io.hattn.nn.MatrixProducts;
import io.hattn.nn.ModelConfig;
import io.hattn.nn.MultiHeadAttention;
import io.hattn.nn.Pooling;
import io.hattn.nn.TransformerClassifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop on a small task that a model must learn (the label is the most frequent of a few marker
 * tokens): it learns, it is deterministic, a resumed run continues bit for bit, and checkpoints that do not fit
 * are refused without touching the model.
 */
class TrainerTest {

    private static final ForkJoinPool POOL = new ForkJoinPool(2);
    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    @AfterAll
    static void close() {
        POOL.shutdown();
    }

    /** Sequences of 20-60 tokens over ids 6..15; label = (first token + last token) mod 10. */
    private static List<Example> task(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> examples = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            int[] tokens = new int[20 + random.nextInt(41)];
            for (int t = 0; t < tokens.length; t++) {
                tokens[t] = 6 + random.nextInt(10);
            }
            examples.add(new Example(tokens, (tokens[0] - 6) % 5));
        }
        return examples;
    }

    private static ModelConfig config(long seed) {
        return new ModelConfig(16, 10, 64, 16, 2, 32, 1, 4, MultiHeadAttention.Kind.HIERARCHICAL, false, true,
                true, Pooling.FIRST, 0.1f, seed);
    }

    private static TrainingOptions options(long steps, long evaluateEvery) {
        return new TrainingOptions(steps, 8, 3e-3f, Schedule.RSQRT, 10, 0.01f, 1.0, 20, evaluateEvery, 64, 10);
    }

    private final class Run {
        final TransformerClassifier model;
        final AdamW optimizer;
        final Checkpoints checkpoints;
        final List<Double> losses = new ArrayList<>();
        final AttentionBackend backend = new OracleAttention();
        /** Validation every this many steps; 0: at the last step only. */
        long evaluateEvery;
        /** Off unless a test sets one ({@link #averaging}). */
        WeightAverage average = WeightAverage.off();

        Run(Path folder) {
            model = new TransformerClassifier(config(3), backend, MatrixProducts.create(POOL));
            optimizer = AdamW.standard(model.parameters(), 0.01f);
            checkpoints = new Checkpoints(folder, "test", Map.of("lr", "3e-3"));
        }

        /** A trainer from {@code start} to {@code steps} that records every loss. */
        Trainer trainer(TrainingState start, long steps, Path folder) throws IOException {
            LengthBatcher batches = new LengthBatcher(task(200, 1), 8, 4, 5);
            MetricsLog metrics = start.step() == 0 ? MetricsLog.create(folder) : MetricsLog.resume(folder,
                    start.step());
            return new Trainer(model, optimizer, average, options(steps, evaluateEvery), batches, task(64, 2),
                    checkpoints, metrics, QUIET).onStep((step, loss) -> losses.add(loss));
        }

        TrainingState train(TrainingState start, long steps, Path folder) throws IOException {
            return trainer(start, steps, folder).run(start);
        }

        /** Turns on a weight average of decay 0.9 from the current weights. */
        Run averaging() {
            average = WeightAverage.of(0.9f, model.parameters());
            return this;
        }
    }

    private static final TrainingState START = new TrainingState(0, BatchPosition.START, 3, 0);

    /** A new run in {@code dir/name}, initialised. */
    private Run fresh(String name) throws IOException {
        Run run = new Run(Files.createDirectories(dir.resolve(name)));
        run.model.initialise();
        return run;
    }

    private static List<Double> joined(List<Double> first, List<Double> then) {
        List<Double> all = new ArrayList<>(first);
        all.addAll(then);
        return all;
    }

    @Test
    void resumedRunContinuesBitForBit() throws IOException {
        Path whole = dir.resolve("whole");
        Run a = fresh("whole");
        a.train(START, 40, whole);

        Path split = dir.resolve("split");
        Run b = fresh("split");
        b.train(START, 20, split);
        Run c = new Run(split);
        TrainingState resumed = c.checkpoints.load(c.model, c.optimizer);
        assertEquals(20, resumed.step());
        c.train(resumed, 40, split);

        assertEquals(a.losses, joined(b.losses, c.losses), "the same loss at every step, bit for bit");
        assertArrayEquals(a.model.parameters().values(), c.model.parameters().values(), "the same weights");
        assertTrue(a.losses.get(39) < a.losses.get(0) * 0.8, "it learns: " + a.losses);
        List<MetricsLog.Row> rows = MetricsLog.resume(split, 40).rows();
        assertEquals(List.of(10L, 20L, 30L, 40L), rows.stream().map(MetricsLog.Row::step).toList());
        assertEquals(MetricsLog.resume(whole, 40).rows().get(3).trainLoss(), rows.get(3).trainLoss());
        assertTrue(Files.size(split.resolve(MetricsLog.PLOT)) > 1000, "learning curves written");
    }

    @Test
    void aStopRequestEndsTheRunAtTheStepUnderWayCheckpointed() throws IOException {
        Run a = fresh("whole");
        a.train(START, 20, dir.resolve("whole"));

        // what Ctrl-C does through the command's shutdown hook, here from the loop's own listener at step 7
        Path stopped = dir.resolve("stopped");
        Run b = fresh("stopped");
        Trainer trainer = b.trainer(START, 20, stopped);
        trainer.onStep((step, loss) -> {
            b.losses.add(loss);
            if (step == 7) {
                trainer.requestStop();
            }
        });
        assertEquals(7, trainer.run(START).step(), "ends after the step under way");
        assertTrue(trainer.stopRequested());
        assertEquals(List.of(7L), MetricsLog.resume(stopped, 7).rows().stream().map(MetricsLog.Row::step)
                .toList(), "that step is logged");

        Run c = new Run(stopped);
        TrainingState resumed = c.checkpoints.load(c.model, c.optimizer);
        assertEquals(7, resumed.step(), "and checkpointed");
        c.train(resumed, 20, stopped);
        assertEquals(a.losses, joined(b.losses, c.losses), "the interrupted run resumes bit for bit");
    }

    @Test
    void theBestValidationPassIsKeptAcrossAResume() throws IOException {
        Path folder = dir.resolve("best");
        Run a = fresh("best");
        a.evaluateEvery = 5;
        a.train(START, 20, folder);
        Run b = new Run(folder);
        b.evaluateEvery = 5;
        b.train(b.checkpoints.load(b.model, b.optimizer), 40, folder);

        List<MetricsLog.Row> evaluated = MetricsLog.resume(folder, 40).rows().stream()
                .filter(row -> !Double.isNaN(row.validationAccuracy())).toList();
        assertEquals(List.of(5L, 10L, 15L, 20L, 25L, 30L, 35L, 40L),
                evaluated.stream().map(MetricsLog.Row::step).toList());
        MetricsLog.Row first = evaluated.get(0);
        for (MetricsLog.Row row : evaluated) {
            if (row.validationAccuracy() > first.validationAccuracy()) {
                first = row;
            }
        }
        Checkpoints.Best best = a.checkpoints.best().recordedBest().orElseThrow();
        assertEquals(first.step(), best.step(), "the first pass with the highest accuracy, over both runs: "
                + evaluated);
        assertEquals(first.validationAccuracy(), best.validationAccuracy(), 1e-9);
        assertEquals(64, best.validationExamples());

        Run c = new Run(folder);
        c.checkpoints.best().load(c.model, null);
        assertEquals(best.validationAccuracy(), Evaluation.of(c.model, task(64, 2), 8).accuracy(), 1e-9,
                "the file holds that step's weights");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> c.checkpoints.best().load(c.model, c.optimizer)).getMessage().contains("no optimizer state"),
                "weights only: not a checkpoint to resume from");
        assertTrue(a.checkpoints.recordedBest().isEmpty(), "the checkpoint itself records no best");
    }

    @Test
    void aRunWithAWeightAverageResumesBitForBitAndReportsTheAverage() throws IOException {
        Path whole = dir.resolve("whole");
        Run a = fresh("whole").averaging();
        a.evaluateEvery = 10;
        a.train(START, 40, whole);

        Path split = dir.resolve("split");
        Run b = fresh("split").averaging();
        b.evaluateEvery = 10;
        b.train(START, 20, split);
        Run c = new Run(split).averaging();
        c.evaluateEvery = 10;
        TrainingState resumed = c.checkpoints.load(c.model, c.optimizer, c.average);
        assertEquals(20, resumed.step());
        c.train(resumed, 40, split);

        assertEquals(a.losses, joined(b.losses, c.losses), "evaluating the average leaves training as it was");
        assertArrayEquals(a.model.parameters().values(), c.model.parameters().values(), "the same weights");
        assertArrayEquals(a.average.values(), c.average.values(), "the same average, bit for bit");
        assertTrue(!java.util.Arrays.equals(a.average.values(), a.model.parameters().values()),
                "the average is not the weights");
        assertEquals(MetricsLog.resume(whole, 40).rows().get(3).validationAccuracy(),
                MetricsLog.resume(split, 40).rows().get(3).validationAccuracy());

        // the checkpoint's model tensors are the average, which evaluation and the best file use
        Run loaded = new Run(whole);
        loaded.checkpoints.load(loaded.model, null);
        assertArrayEquals(a.average.values(), loaded.model.parameters().values(), "the model is the average");
        double averageAccuracy = Evaluation.of(loaded.model, task(64, 2), 8).accuracy();
        assertEquals(MetricsLog.resume(whole, 40).rows().get(3).validationAccuracy(), averageAccuracy, 1e-12,
                "validation scored the average");
        loaded.checkpoints.loadTrainingWeights(loaded.model);
        assertArrayEquals(a.model.parameters().values(), loaded.model.parameters().values(),
                "and the trained weights are kept apart");
        Checkpoints.Best best = a.checkpoints.best().recordedBest().orElseThrow();
        loaded.checkpoints.best().load(loaded.model, null);
        assertEquals(best.validationAccuracy(), Evaluation.of(loaded.model, task(64, 2), 8).accuracy(), 1e-12,
                "the best file holds the average of its step");

        Run plain = new Run(whole);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> plain.checkpoints.load(plain.model, plain.optimizer)).getMessage()
                .contains("trained with --ema"), "an averaged run cannot resume without its average");
        Path noAverage = dir.resolve("plain");
        Run d = fresh("plain");
        d.train(START, 10, noAverage);
        Run e = new Run(noAverage).averaging();
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> e.checkpoints.load(e.model, e.optimizer, e.average)).getMessage()
                .contains("trained without --ema"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> e.checkpoints.loadTrainingWeights(e.model)).getMessage().contains("no separate training"));
    }

    @Test
    void checkpointsThatDoNotFitAreRefusedAndChangeNothing() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("run"));
        Run a = new Run(folder);
        a.model.initialise();
        a.train(new TrainingState(0, BatchPosition.START, 3, 0), 20, folder);
        byte[] good = Files.readAllBytes(a.checkpoints.file());

        TransformerClassifier wider = new TransformerClassifier(new ModelConfig(16, 10, 64, 32, 2, 32, 1, 4,
                MultiHeadAttention.Kind.HIERARCHICAL, false, true, true, Pooling.FIRST, 0.1f, 3), a.backend,
                MatrixProducts.create(POOL));
        float[] before = wider.parameters().values().clone();
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> a.checkpoints.load(wider, null));
        assertTrue(shape.getMessage().contains("width 16 in the checkpoint, 32 requested"), shape.getMessage());
        assertArrayEquals(before, wider.parameters().values(), "nothing loaded");

        Checkpoints otherTask = new Checkpoints(folder, "imdb", Map.of());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> otherTask.config()).getMessage()
                .contains("task 'test', not of 'imdb'"));
        Checkpoints otherSettings = new Checkpoints(folder, "test", Map.of("lr", "1e-3"));
        Run d = new Run(folder);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> otherSettings.load(d.model, d.optimizer))
                .getMessage().contains("lr 3e-3 in the checkpoint, 1e-3 requested"));

        Files.write(a.checkpoints.file(), java.util.Arrays.copyOf(good, good.length / 2));
        Run e = new Run(folder);
        float[] initial = e.model.parameters().values().clone();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> e.checkpoints.load(e.model, e.optimizer))
                .getMessage().contains("corrupt or truncated"));
        assertArrayEquals(initial, e.model.parameters().values(), "nothing loaded");
    }
}
