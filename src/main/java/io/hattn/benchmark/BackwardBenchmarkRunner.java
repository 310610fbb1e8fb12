package io.hattn.benchmark;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.FlopModel;
import io.hattn.attention.SavedForward;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs {@code hattn bench --backward}: for each length, the hierarchical forward and, in the same process, the
 * hierarchical backward (from a saved forward, docs/algorithm.md section 11) and exact attention's backward,
 * median wall time per call and GFLOP/s from {@link FlopModel}'s backward models. The rows reuse the result
 * format: {@code hier_*} and {@code exact_*} are the two backward passes, {@code speedup} is exact backward over
 * hierarchical backward, and the note gives the forward's time and the backward / forward ratio (forward and
 * backward calls alternate, so that a drifting load on a shared machine moves both alike). Exact is
 * skipped, with a message, when its estimated time per call exceeds the limit.
 */
public final class BackwardBenchmarkRunner {

    private static final double FIRST_GUESS_GFLOPS = 50;

    private final AttentionBackend backend;
    private final BenchmarkSettings settings;
    private final PrintStream progress;
    private double exactGflopsSeen = Double.NaN;

    public BackwardBenchmarkRunner(AttentionBackend backend, BenchmarkSettings settings, PrintStream progress) {
        this.backend = backend;
        this.settings = settings;
        this.progress = progress;
    }

    public List<BenchmarkResult> run() {
        progress.println("hattn bench --backward: hier_* and exact_* are the backward passes; the note gives the "
                + "forward time and backward / forward");
        List<BenchmarkResult> results = new ArrayList<>();
        int[] lengths = settings.lengths();
        for (int n = 0; n < lengths.length; n++) {
            results.add(measure(lengths[n], n + 1, lengths.length));
        }
        return results;
    }

    /**
     * Medians of {@code repeats} rounds of (first, second), after {@code warmups} rounds and at least 3 s of
     * them; returns {first, second}.
     */
    static double[] interleaved(Runnable first, Runnable second, int warmups, int repeats) {
        long warmupStart = System.nanoTime();
        for (int i = 0; i < warmups || (i < 200 && System.nanoTime() - warmupStart < 3_000_000_000L); i++) {
            first.run();
            second.run();
        }
        double[] a = new double[repeats];
        double[] b = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            first.run();
            long middle = System.nanoTime();
            second.run();
            a[i] = (middle - start) / 1e9;
            b[i] = (System.nanoTime() - middle) / 1e9;
        }
        return new double[] {median(a), median(b)};
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private BenchmarkResult measure(int length, int step, int steps) {
        AttentionSpec spec = AttentionSpec.of(settings.batch(), settings.heads(), length, settings.dim(),
                settings.block(), settings.causal());
        AttentionProblem problem = RandomInputs.problem(spec, settings.seed() + length);
        float[] dOut = RandomInputs.tensor(problem.outputElements(), settings.seed() + 7 * length);
        float[] out = new float[problem.outputElements()];
        HeapPeak.reset();
        long firstStart = System.nanoTime();
        SavedForward saved = backend.hierarchicalForBackward(problem);
        backend.backward(saved, dOut);
        double firstCall = (System.nanoTime() - firstStart) / 1e9;
        // interleaved, after a warm-up of both: on a shared machine the load drifts, and the ratio should not
        double[] times = interleaved(() -> backend.hierarchical(problem, out), () -> backend.backward(saved, dOut),
                length <= 16384 ? 3 : 1, settings.repeats());
        double forward = times[0];
        double backward = times[1];
        double gflops = FlopModel.hierarchicalBackward(spec) / backward / 1e9;
        progress.printf(Locale.ROOT, "[%d/%d] L = %d: forward %.4f s, backward %.4f s (%.2fx), %.1f GFLOP/s%n", step,
                steps, length, forward, backward, backward / forward, gflops);
        String note = String.format(Locale.ROOT, "forward %.4g s, backward/forward %.2f", forward,
                backward / forward);
        double exactFlops = FlopModel.exactBackward(spec);
        double rate = Double.isNaN(exactGflopsSeen) ? Math.max(FIRST_GUESS_GFLOPS, gflops) : exactGflopsSeen;
        double estimate = exactFlops / rate / 1e9;
        double exact = Double.NaN;
        double exactGflops = Double.NaN;
        if (estimate > settings.exactLimitSeconds()) {
            note += String.format(Locale.ROOT, "; exact skipped: estimated %.0f s per call > --exact-limit %.0f s",
                    estimate, settings.exactLimitSeconds());
        } else {
            SavedForward exactSaved = backend.exactForBackward(problem.withBias(null));
            exact = BenchmarkRunner.medianSeconds(() -> backend.backward(exactSaved, dOut), estimate < 1 ? 1 : 0,
                    estimate < 2 ? settings.repeats() : Math.min(settings.repeats(), 3));
            exactGflops = exactFlops / exact / 1e9;
            exactGflopsSeen = exactGflops;
            progress.printf(Locale.ROOT, "[%d/%d] L = %d: exact backward %.4f s, %.1f GFLOP/s, %.1fx slower%n", step,
                    steps, length, exact, exactGflops, exact / backward);
        }
        return new BenchmarkResult(backend.name(), backend.device(), settings.batch(), settings.heads(), length,
                settings.dim(), settings.block(), settings.causal(), backward, gflops, exact, exactGflops, Double.NaN,
                Double.NaN, HeapPeak.bytes(), firstCall, "", Double.NaN, note);
    }
}
