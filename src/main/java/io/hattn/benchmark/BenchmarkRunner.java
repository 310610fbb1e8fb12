package io.hattn.benchmark;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.FlopModel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs {@code hattn bench}: for each length, hierarchical and exact attention on one backend, median wall time
 * per call, GFLOP/s from {@link FlopModel}, and the error of the hierarchy against exact attention. Exact
 * attention is skipped, with a message, when its estimated time per call exceeds the limit. Progress goes to
 * the given stream (stderr), results are returned.
 */
public final class BenchmarkRunner {

    /** Rate assumed for the first exact estimate, before any exact call was measured: a fast CPU's. */
    private static final double FIRST_GUESS_GFLOPS = 50;

    private final AttentionBackend backend;
    private final AttentionBackend reference;
    private final BenchmarkSettings settings;
    private final PrintStream progress;
    private double exactGflopsSeen = Double.NaN;

    /**
     * @param reference null, or a backend whose hierarchical output each length's output is compared with
     *                  (e.g. "cpu", itself tested against the oracle), to show that a device computes the same
     */
    public BenchmarkRunner(AttentionBackend backend, AttentionBackend reference, BenchmarkSettings settings,
                           PrintStream progress) {
        this.backend = backend;
        this.reference = reference;
        this.settings = settings;
        this.progress = progress;
    }

    public List<BenchmarkResult> run() {
        List<BenchmarkResult> results = new ArrayList<>();
        int[] lengths = settings.lengths();
        for (int n = 0; n < lengths.length; n++) {
            progress.printf("[%d/%d] L = %d: preparing inputs%n", n + 1, lengths.length, lengths[n]);
            results.add(measure(lengths[n], n + 1, lengths.length));
        }
        return results;
    }

    private BenchmarkResult measure(int length, int step, int steps) {
        AttentionSpec spec = AttentionSpec.of(settings.batch(), settings.heads(), length, settings.dim(),
                settings.block(), settings.causal());
        AttentionProblem problem = RandomInputs.problem(spec, settings.seed() + length);
        float[] hierarchicalOut = new float[problem.outputElements()];
        HeapPeak.reset();
        long firstStart = System.nanoTime();
        backend.hierarchical(problem, hierarchicalOut);
        double firstCall = (System.nanoTime() - firstStart) / 1e9;
        progress.printf("[%d/%d] L = %d: first hierarchical call %.3f s (compilation and warm-up included)%n", step,
                steps, length, firstCall);
        double referenceError = Double.NaN;
        if (reference != null) {
            referenceError = maxAbsDifference(hierarchicalOut, reference.hierarchical(problem));
            progress.printf("[%d/%d] L = %d: max |hierarchical - %s hierarchical| = %.2e%n", step, steps, length,
                    reference.name(), referenceError);
        }
        int warmups = length <= 16384 ? 2 : 1;
        double hierarchical = medianSeconds(() -> backend.hierarchical(problem, hierarchicalOut), warmups,
                settings.repeats());
        double hierarchicalGflops = FlopModel.hierarchical(spec) / hierarchical / 1e9;
        progress.printf("[%d/%d] L = %d: hierarchical %.4f s per call, %.1f GFLOP/s%n", step, steps, length,
                hierarchical, hierarchicalGflops);

        double exactFlops = FlopModel.exact(spec);
        double rate = Double.isNaN(exactGflopsSeen) ? Math.max(FIRST_GUESS_GFLOPS, hierarchicalGflops)
                : exactGflopsSeen;
        double estimate = exactFlops / rate / 1e9;
        double exact = Double.NaN;
        double exactGflops = Double.NaN;
        double maxAbs = Double.NaN;
        double relative = Double.NaN;
        String note = "";
        if (estimate > settings.exactLimitSeconds()) {
            note = String.format("exact skipped: estimated %.0f s per call > --exact-limit %.0f s", estimate,
                    settings.exactLimitSeconds());
            progress.printf("[%d/%d] L = %d: %s%n", step, steps, length, note);
        } else {
            float[] exactOut = new float[problem.outputElements()];
            progress.printf("[%d/%d] L = %d: exact attention (about %.1f s per call)%n", step, steps, length,
                    estimate);
            exact = medianSeconds(() -> backend.exact(problem, exactOut), estimate < 1 ? 1 : 0,
                    estimate < 2 ? settings.repeats() : Math.min(settings.repeats(), 3));
            exactGflops = exactFlops / exact / 1e9;
            exactGflopsSeen = exactGflops;
            maxAbs = maxAbsDifference(hierarchicalOut, exactOut);
            relative = relativeL2(hierarchicalOut, exactOut);
            progress.printf("[%d/%d] L = %d: exact %.4f s per call, %.1f GFLOP/s, %.1fx slower%n", step, steps,
                    length, exact, exactGflops, exact / hierarchical);
        }
        return new BenchmarkResult(backend.name(), backend.device(), settings.batch(), settings.heads(), length,
                settings.dim(), settings.block(), settings.causal(), hierarchical, hierarchicalGflops, exact,
                exactGflops, maxAbs, relative, HeapPeak.bytes(), firstCall,
                reference == null ? "" : reference.describe(), referenceError, note);
    }

    /** Warm-up: at least {@code warmups} calls and, for short calls, 1.5 seconds, so the JIT has settled. */
    static double medianSeconds(Runnable call, int warmups, int repeats) {
        long warmupStart = System.nanoTime();
        for (int i = 0; i < warmups || (warmups > 0 && i < 500 && System.nanoTime() - warmupStart < 1_500_000_000L);
             i++) {
            call.run();
        }
        double[] seconds = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            call.run();
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return repeats % 2 == 1 ? seconds[repeats / 2] : (seconds[repeats / 2 - 1] + seconds[repeats / 2]) / 2;
    }

    static double maxAbsDifference(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    static double relativeL2(float[] approximate, float[] reference) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < approximate.length; i++) {
            double d = approximate[i] - reference[i];
            diff += d * d;
            norm += (double) reference[i] * reference[i];
        }
        return Math.sqrt(diff / Math.max(norm, Double.MIN_NORMAL));
    }
}
