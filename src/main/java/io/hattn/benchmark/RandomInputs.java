package io.hattn.benchmark;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Benchmark inputs: unit-variance uniform values, filled in parallel from a seed, so that a billion-element
 * problem is ready in seconds and every run sees the same numbers.
 */
public final class RandomInputs {

    private static final int CHUNK = 1 << 20;
    private static final float HALF_WIDTH = (float) Math.sqrt(3.0);

    private RandomInputs() {
    }

    public static AttentionProblem problem(AttentionSpec spec, long seed) {
        return AttentionProblem.of(spec, fill(spec.queryElements(), seed), fill(spec.queryElements(), seed + 1),
                fill(spec.valueElements(), seed + 2));
    }

    /** One tensor of {@code count} values uniform in [-sqrt 3, sqrt 3), reproducible from the seed. */
    public static float[] tensor(int count, long seed) {
        return fill(count, seed);
    }

    static float[] fill(int count, long seed) {
        float[] values = new float[count];
        IntStream.range(0, (count + CHUNK - 1) / CHUNK).parallel().forEach(chunk -> {
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + chunk);
            int end = Math.min(count, (chunk + 1) * CHUNK);
            for (int i = chunk * CHUNK; i < end; i++) {
                values[i] = (float) (random.nextDouble() * 2 - 1) * HALF_WIDTH;
            }
        });
        return values;
    }
}
