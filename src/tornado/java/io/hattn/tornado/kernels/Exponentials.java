package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The exponentials of each level with that level's own row maximum (h-attention.md section 4, steps 2-3, and
 * section 5): replaces every score by {@code p = exp(s - m_l[t])}, 0 where there is no entry. One work-item per
 * score with no loop, so CPU OpenCL drivers vectorise the exp across work-items; {@link Numerators} then forms
 * the numerators and denominators from p. Grid: x = slot, y = row of the launch, z = head.
 */
public final class Exponentials {

    private Exponentials() {
    }

    /**
     * @param rows       rows of this launch per head: n at level 0, n - 2 Nr for levels >= 1
     * @param arrayStart all-levels row of the launch's first row: 0 for level 0, n for levels >= 1
     */
    public static void weights(KernelContext context, FloatArray scores, int rows, int slots, int arrayStart,
                               FloatArray rowMax, int allRows) {
        int slot = context.globalIdx;
        int row = context.globalIdy;
        int head = context.globalIdz;
        if (slot < slots && row < rows) {
            // row r of a launch is all-levels row arrayStart + r: no need to know its level
            float max = rowMax.get(head * allRows + arrayStart + row);
            int index = (head * rows + row) * slots + slot;
            float score = scores.get(index);
            float weight = 0f;
            if (score > Scores.REAL) {
                weight = TornadoMath.exp(score - max);
            }
            scores.set(index, weight);
        }
    }
}
