package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat8;
import uk.ac.manchester.tornado.api.types.vectors.Float8;

/**
 * Numerators and denominators per level (h-attention.md section 4, steps 2-3): {@code Y_l[t] = sum p * Vc_l[u]}
 * and {@code D_l[t] = sum p * w(u)}, w = valid fine keys under coarse key u, over the row's slots,
 * with the weights left by {@link Exponentials} (values are sums, so a coarse value counts for its fine ones);
 * keys are visited a half-block at a time, each half-block wholly inside or outside the sequence.
 * A work-item computes two 8-float chunks of the row, sharing the weight loads.
 * Grid: x = pair of 8-float value chunks, y = row of the launch, z = head.
 */
public final class Numerators {

    private Numerators() {
    }

    public static void numerators(KernelContext context, FloatArray weights, int rows, int slots, int n, int halfBlock,
                                  int level0, VectorFloat8 values, int rowsPerHead, int arrayStart,
                                  VectorFloat8 numerators, FloatArray denominators, IntArray counts, int allRows,
                                  int valueWidth8, IntArray bounds) {
        int chunk = 2 * context.globalIdx;
        int row = context.globalIdy;
        int head = context.globalIdz;
        if (chunk < valueWidth8 && row < rows) {
            int level = level0 == 1 ? 0 : Levels.ofPyramidRow(row, n);
            int start = Levels.start(level, n);
            int tokens = n >> level;
            int t = level0 == 1 ? row : row + arrayStart - start;
            int valueBase = head * rowsPerHead + start - arrayStart;
            int weightBase = (head * rows + row) * slots;
            int groups = bounds.get(level0 == 1 ? Bounds.GROUPS_LEVEL0 : Bounds.GROUPS_UP);
            int keysPerGroup = bounds.get(Bounds.HALF_BLOCK);
            int rowHalf = t / halfBlock;
            // with an odd chunk count the last pair's second chunk is its first again: same value, same place
            int second = Math.min(chunk + 1, valueWidth8 - 1) - chunk;
            Float8 sum = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
            Float8 sum1 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
            float denominator = 0f;
            for (int group = 0; group < groups; group++) {
                int keyHalf = SlotKeys.keyHalf(group, rowHalf, level0);
                if (keyHalf >= 0 && keyHalf * halfBlock < tokens) {
                    int value = (valueBase + keyHalf * halfBlock) * valueWidth8 + chunk;
                    int weight = weightBase + group * halfBlock;
                    int count = head * allRows + start + keyHalf * halfBlock;
                    for (int j = 0; j < keysPerGroup; j++) {
                        float p = weights.get(weight + j);
                        denominator += p * counts.get(count + j);
                        // a broadcast Float8: TornadoVM 5.2 compiles Float8 * float to eight scalar multiplies
                        Float8 broadcast = new Float8(p, p, p, p, p, p, p, p);
                        sum = Float8.add(sum, Float8.mult(values.get(value + j * valueWidth8), broadcast));
                        sum1 = Float8.add(sum1, Float8.mult(values.get(value + j * valueWidth8 + second), broadcast));
                    }
                }
            }
            int target = (head * allRows + start + t) * valueWidth8 + chunk;
            numerators.set(target, sum);
            numerators.set(target + second, sum1);
            if (chunk == 0) {
                denominators.set(head * allRows + start + t, denominator);
            }
        }
    }
}
