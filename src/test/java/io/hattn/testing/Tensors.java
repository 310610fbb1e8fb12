package io.hattn.testing;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import java.util.Random;
import java.util.SplittableRandom;

/** Seeded random inputs for tests: every fixture in one place. */
public final class Tensors {

    private Tensors() {
    }

    /** Standard normal values, reproducible from the seed. */
    public static float[] gaussian(int count, long seed) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** q, k, v standard normal; no mask, no bias. */
    public static AttentionProblem randomProblem(AttentionSpec spec, long seed) {
        return AttentionProblem.of(spec, gaussian(spec.queryElements(), seed),
                gaussian(spec.queryElements(), seed + 1), gaussian(spec.valueElements(), seed + 2));
    }

    /** Right padding: batch entry b keeps a random number of valid tokens, at least 1. */
    public static boolean[] rightPaddingMask(int batch, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] mask = new boolean[batch * length];
        for (int b = 0; b < batch; b++) {
            int valid = 1 + random.nextInt(length);
            for (int i = 0; i < valid; i++) {
                mask[b * length + i] = true;
            }
        }
        return mask;
    }

    /** Each token valid with probability 3/4, and token 0 always valid, so that no row is left alone. */
    public static boolean[] scatteredMask(int batch, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] mask = new boolean[batch * length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = i % length == 0 || random.nextInt(4) != 0;
        }
        return mask;
    }
}
