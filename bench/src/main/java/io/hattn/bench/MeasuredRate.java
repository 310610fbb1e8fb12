package io.hattn.bench;

import com.google.gson.JsonObject;

/**
 * A rate one benchmark measured through its secondary metric (FLOP/s of {@link FmaPeakBenchmark}, bytes/s of
 * {@link CopyBandwidthBenchmark}): JMH's score (the mean over iterations, summed over threads), its error (the
 * half-width of JMH's 99.9% confidence interval; NaN with a single iteration) and the thread count.
 */
record MeasuredRate(double perSecond, double error, int threads) {

    static MeasuredRate of(JsonObject run, String metricName) {
        JsonObject secondary = run.getAsJsonObject("secondaryMetrics");
        JsonObject metric = secondary == null ? null : secondary.getAsJsonObject(metricName);
        if (metric == null) {
            throw new IllegalArgumentException(run.get("benchmark").getAsString() + " has no secondary metric "
                    + metricName);
        }
        double scale = JmhToCsv.perSecond(metric.get("scoreUnit").getAsString());
        return new MeasuredRate(metric.get("score").getAsDouble() * scale,
                metric.get("scoreError").getAsDouble() * scale, run.get("threads").getAsInt());
    }
}
