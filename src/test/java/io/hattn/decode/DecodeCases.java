package io.hattn.decode;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.testing.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded causal cases for the decoding state: lengths that pad (not Nr x 2^k) and a few long enough for many
 * levels, every even Nr up to 32, d and dv with scalar tails, masks (right padding, scattered), bias, scale.
 */
final class DecodeCases {

    private DecodeCases() {
    }

    record Case(String description, AttentionProblem problem) {
        @Override
        public String toString() {
            return description;
        }
    }

    static List<Case> cases() {
        SplittableRandom random = new SplittableRandom(11);
        int[] blocks = {2, 4, 6, 8, 16, 32};
        List<Case> cases = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            int block = blocks[random.nextInt(blocks.length)];
            // every fifth case long enough for 7-10 levels; the others up to 400 tokens
            int longest = n % 5 == 4 ? 1500 : 400;
            int length = 2 * block + random.nextInt(longest - 2 * block);
            int dim = 1 + random.nextInt(70);
            int valueDim = random.nextBoolean() ? dim : 1 + random.nextInt(40);
            int heads = 1 + random.nextInt(2);
            int batch = 1 + random.nextInt(2);
            int maskKind = random.nextInt(3);
            boolean bias = random.nextInt(3) == 0;
            float scale = (float) (1 / Math.sqrt(dim)) * (0.5f + random.nextFloat() * 2);
            AttentionSpec spec = new AttentionSpec(batch, heads, length, dim, valueDim, block, true, scale);
            AttentionProblem problem = Tensors.randomProblem(spec, 5000 + n);
            if (maskKind == 1) {
                problem = problem.withMask(Tensors.rightPaddingMask(batch, length, n));
            } else if (maskKind == 2) {
                problem = problem.withMask(Tensors.scatteredMask(batch, length, n));
            }
            if (bias) {
                problem = problem.withBias(Tensors.gaussian(heads * spec.biasEntriesPerHead(), 9 * n));
            }
            cases.add(new Case(String.format("#%d L=%d (pads to %d) Nr=%d d=%d dv=%d H=%d B=%d mask=%s bias=%b", n,
                    length, spec.hierarchy().paddedLength(), block, dim, valueDim, heads, batch,
                    new String[] {"none", "right", "scattered"}[maskKind], bias), problem));
        }
        return cases;
    }
}
