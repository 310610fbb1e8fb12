package io.hattn.cpu;

import java.util.Arrays;

/**
 * What one thread needs for the backward of one head at a time (docs/algorithm.md section 11), all O(L (d + dv)):
 * the whole pyramid (every level over the whole sequence, rebuilt from the inputs as in the forward), per coarse
 * query row of every level m_t = min c_i over its fine rows, Delta[t] and G[t], and the gradients of the coarse
 * queries, keys and values of every level. Level-major arrays: level l starts at row {@link #start}[l].
 * Level 0's gradients go straight to the caller's arrays when the head needs no padding.
 */
final class BackwardWorkspace {
    final Pyramid pyramid;
    final int[] start;
    final float[] minOffsets;
    final float[] deltas;
    final float[] rowGradients;
    private final float[] coarseDq;
    private final float[] coarseDk;
    private final float[] coarseDv;
    private final float[] paddedDq;
    private final float[] paddedDk;
    private final float[] paddedDv;
    private float[] fineDq;
    private float[] fineDk;
    private float[] fineDv;
    private int fineQueryBase;
    private int fineValueBase;

    BackwardWorkspace(int paddedLength, int block, int levels, int dim, int valueDim) {
        pyramid = new Pyramid(paddedLength, block, levels, 0, dim, valueDim);
        start = new int[levels + 1];
        for (int level = 0; level < levels; level++) {
            start[level + 1] = start[level] + (paddedLength >> level);
        }
        int rows = start[levels];
        minOffsets = new float[rows];
        deltas = new float[rows];
        rowGradients = new float[rows * valueDim];
        int coarseRows = rows - paddedLength;
        coarseDq = new float[coarseRows * dim];
        coarseDk = new float[coarseRows * dim];
        coarseDv = new float[coarseRows * valueDim];
        paddedDq = new float[paddedLength * dim];
        paddedDk = new float[paddedLength * dim];
        paddedDv = new float[paddedLength * valueDim];
    }

    boolean fits(int paddedLength, int block, int levels, int dim, int valueDim) {
        return pyramid.fits(paddedLength, block, levels, 0, dim, valueDim);
    }

    /**
     * Level 0's gradients accumulate in the caller's arrays from the given element offsets (a head that needs
     * no padding), or, with {@code dq == null}, in this workspace's padded arrays; every level starts at zero.
     */
    void startHead(float[] dq, float[] dk, float[] dv, int queryBase, int valueBase) {
        if (dq != null) {
            fineDq = dq;
            fineDk = dk;
            fineDv = dv;
            fineQueryBase = queryBase;
            fineValueBase = valueBase;
        } else {
            fineDq = paddedDq;
            fineDk = paddedDk;
            fineDv = paddedDv;
            fineQueryBase = 0;
            fineValueBase = 0;
            Arrays.fill(paddedDq, 0f);
            Arrays.fill(paddedDk, 0f);
            Arrays.fill(paddedDv, 0f);
        }
        Arrays.fill(coarseDq, 0f);
        Arrays.fill(coarseDk, 0f);
        Arrays.fill(coarseDv, 0f);
    }

    float[] dq(int level) {
        return level == 0 ? fineDq : coarseDq;
    }

    float[] dk(int level) {
        return level == 0 ? fineDk : coarseDk;
    }

    float[] dv(int level) {
        return level == 0 ? fineDv : coarseDv;
    }

    /** Element offset of a token's row in {@link #dq} and {@link #dk} of its level. */
    int queryGradientOffset(int level, int token) {
        return level == 0 ? fineQueryBase + token * pyramid.dim : (start[level] - start[1] + token) * pyramid.dim;
    }

    /** Element offset of a token's row in {@link #dv} of its level. */
    int valueGradientOffset(int level, int token) {
        return level == 0 ? fineValueBase + token * pyramid.valueDim
                : (start[level] - start[1] + token) * pyramid.valueDim;
    }
}
