package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The maximum of each coarse row's scores at its own level, {@code m_l[t]} ({@link Scores#NONE} when the row has no
 * entry). The levels are combined later, row by row, in {@link CombineMaxima} (h-attention.md section 5).
 * Grid: x = row of the launch, y = head.
 */
public final class RowMaxima {

    private RowMaxima() {
    }

    public static void rowMaxima(KernelContext context, FloatArray scores, int rows, int slots, int n, int level0,
                                 int arrayStart, FloatArray rowMax, int allRows) {
        int row = context.globalIdx;
        int head = context.globalIdy;
        if (row < rows) {
            float max = Scores.NONE;
            int base = (head * rows + row) * slots;
            for (int slot = 0; slot < slots; slot++) {
                max = Math.max(max, scores.get(base + slot));
            }
            int level = level0 == 1 ? 0 : Levels.ofPyramidRow(row, n);
            int t = level0 == 1 ? row : row + arrayStart - Levels.start(level, n);
            rowMax.set(head * allRows + Levels.start(level, n) + t, max);
        }
    }
}
