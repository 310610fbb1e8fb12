package io.hattn.benchmark;

/**
 * One length of {@code hattn bench}: median seconds per call of each path, their GFLOP/s, the error of the
 * hierarchy against exact attention, peak heap. Exact fields are NaN when exact attention was skipped.
 */
public record BenchmarkResult(String backend, String device, int batch, int heads, int length, int dim, int block,
                              boolean causal, double hierarchicalSeconds, double hierarchicalGflops,
                              double exactSeconds, double exactGflops, double maxAbsError, double relativeError,
                              long peakHeapBytes, String note) {

    public boolean exactRan() {
        return !Double.isNaN(exactSeconds);
    }

    /** exact time / hierarchical time; NaN when exact was skipped. */
    public double speedup() {
        return exactSeconds / hierarchicalSeconds;
    }

    public double nanosPerToken() {
        return hierarchicalSeconds * 1e9 / ((double) batch * length);
    }
}
