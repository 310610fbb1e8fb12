package io.hattn.testing;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random cases over (L, Nr, d, dv, heads, batch, causal, mask, bias), including lengths that need
 * padding and block sizes that are not a multiple of the vector width (scalar tails), with the tolerances every
 * float32 backend is held to against the double-precision references.
 */
public final class RandomCases {

    private RandomCases() {
    }

    /**
     * Measured over these 60 cases (float32 against double; wide tiles, narrow tiles and scalar bodies alike, one
     * or two threads, small strips; Temurin 25, AVX-512): hierarchical worst |diff| 1.93e-6, relative L2
     * 5.0e-7; exact worst |diff| 2.14e-6 (1.91e-6 before 2019c2b summed denominators per lane), relative L2 6.3e-7.
     * Bounds about 2x above.
     */
    public static final Tolerance HIERARCHICAL = Tolerance.of(4e-6, 0, 1e-6, 4e-6);
    public static final Tolerance EXACT = Tolerance.of(4e-6, 0, 1.3e-6, 4e-6);

    /**
     * Gradients (dq, dk, dv, dbias) against the gradient oracle, atol relative to the tensor's largest element
     * ({@link Tolerance#assertCloseScaled}). Measured over these 60 cases (float32 against double; 1 and 2
     * threads; wide tiles, narrow tiles and scalar bodies): hierarchical worst |diff| 1.55e-6 of the largest
     * element, relative L2 5.5e-7; exact worst 1.31e-6, relative L2 9.2e-7. Bounds about 2x above.
     */
    public static final Tolerance HIERARCHICAL_GRADIENTS = Tolerance.of(3e-6, 3e-6, 1.2e-6, 3e-6);
    public static final Tolerance EXACT_GRADIENTS = Tolerance.of(3e-6, 3e-6, 2e-6, 3e-6);

    /** One random case; the description makes failures reproducible by eye. */
    public record Case(String description, AttentionProblem problem) {
        @Override
        public String toString() {
            return description;
        }
    }

    public static List<Case> cases() {
        SplittableRandom random = new SplittableRandom(2021);
        int[] blocks = {2, 4, 6, 8, 16, 32};
        List<Case> cases = new ArrayList<>();
        for (int n = 0; n < 60; n++) {
            int block = blocks[random.nextInt(blocks.length)];
            int length = 2 * block + random.nextInt(Math.max(1, 320 - 2 * block));
            int dim = 1 + random.nextInt(70);
            int valueDim = random.nextBoolean() ? dim : 1 + random.nextInt(40);
            int heads = 1 + random.nextInt(3);
            int batch = 1 + random.nextInt(2);
            boolean causal = random.nextBoolean();
            int maskKind = random.nextInt(3);
            boolean bias = random.nextInt(4) == 0;
            float scale = (float) (1 / Math.sqrt(dim)) * (0.5f + random.nextFloat() * 2);
            AttentionSpec spec = new AttentionSpec(batch, heads, length, dim, valueDim, block, causal, scale);
            AttentionProblem problem = Tensors.randomProblem(spec, 1000 + n);
            if (maskKind == 1) {
                problem = problem.withMask(Tensors.rightPaddingMask(batch, length, n));
            } else if (maskKind == 2) {
                problem = problem.withMask(Tensors.scatteredMask(batch, length, n));
            }
            if (bias) {
                problem = problem.withBias(Tensors.gaussian(heads * spec.biasEntriesPerHead(), 7 * n));
            }
            cases.add(new Case(String.format("#%d L=%d Nr=%d d=%d dv=%d H=%d B=%d causal=%b mask=%s bias=%b", n,
                    length, block, dim, valueDim, heads, batch, causal, new String[] {"none", "right", "scattered"}[maskKind],
                    bias), problem));
        }
        return cases;
    }

}
