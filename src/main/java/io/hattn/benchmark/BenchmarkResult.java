package io.hattn.benchmark;

/**
 * One length of {@code hattn bench}: median seconds per call of each path, their GFLOP/s, the error of the
 * hierarchy against exact attention, peak heap; the first hierarchical call of the shape (JIT or kernel
 * compilation and warm-up included); and, when a reference backend was given, the largest difference of the
 * hierarchical output from the reference's. Exact and reference fields are NaN when not measured.
 */
public record BenchmarkResult(String backend, String device, int batch, int heads, int length, int dim, int block,
                              boolean causal, double hierarchicalSeconds, double hierarchicalGflops,
                              double exactSeconds, double exactGflops, double maxAbsError, double relativeError,
                              long peakHeapBytes, double firstCallSeconds, String reference,
                              double referenceMaxAbsError, String note) {

    /** exact time / hierarchical time; NaN when exact was skipped. */
    public double speedup() {
        return exactSeconds / hierarchicalSeconds;
    }

    public double nanosPerToken() {
        return hierarchicalSeconds * 1e9 / ((double) batch * length);
    }
}
