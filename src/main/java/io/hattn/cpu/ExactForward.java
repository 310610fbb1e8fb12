package io.hattn.cpu;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import java.util.Arrays;

/**
 * Exact softmax attention on the same tile kernels: tiles of {@link #TILE} query rows walk the key tiles with an
 * online softmax (flash-attention style), in parallel over query tiles. O(L^2 d) work, O(L d) memory. It is the
 * honest baseline the hierarchical path is measured against, so it gets the same care.
 */
final class ExactForward {

    static final int TILE = 64;

    private final ParallelRange parallel;
    private Pyramid keys;

    ExactForward(ParallelRange parallel) {
        this.parallel = parallel;
    }

    void run(AttentionProblem problem, float[] out) {
        run(problem, out, null, null);
    }

    /** The forward; with {@code rowOffsets} not null, also each row's final offset and denominator. */
    void run(AttentionProblem problem, float[] out, float[] rowOffsets, float[] rowDenominators) {
        AttentionSpec spec = problem.spec();
        if (problem.bias() != null) {
            throw new IllegalArgumentException("bias is defined for hierarchical attention only; pass null");
        }
        int tiles = (spec.length() + TILE - 1) / TILE;
        int padded = tiles * TILE;
        if (keys == null || !keys.fits(padded, TILE, 1, 0, spec.dim(), spec.valueDim())) {
            keys = null;
            keys = new Pyramid(padded, TILE, 1, 0, spec.dim(), spec.valueDim());
        }
        Pyramid head = keys;
        for (int b = 0; b < spec.batch(); b++) {
            for (int h = 0; h < spec.heads(); h++) {
                int batch = b;
                int headIndex = h;
                head.attach(problem, batch, headIndex);
                parallel.forEach(tiles, 64, (from, to) -> head.loadFinest(problem, batch, headIndex, from, to));
                int outputRow = (b * spec.heads() + h) * spec.length();
                parallel.forEach(tiles, 1, (from, to) -> {
                    SoftmaxTile tile = new SoftmaxTile(TILE, TILE, 1, spec.valueDim());
                    for (int queryTile = from; queryTile < to; queryTile++) {
                        attendTile(spec, head, queryTile, tiles, tile, outputRow, out, rowOffsets, rowDenominators);
                    }
                });
            }
        }
    }

    void release() {
        keys = null;
    }

    /**
     * Scores of query tile against key tile into the tile (one segment), invalid keys and the causal future at
     * -inf; the forward and the backward both recompute scores here.
     */
    static void tileScores(AttentionSpec spec, Pyramid head, int queryTile, int keyTile, SoftmaxTile tile) {
        int keyRow = keyTile * TILE;
        tile.clearSegments();
        tile.addSegment(head.keyBlockBase(0, keyTile), head.valueOffset(0, keyRow), head.weightIndex(0, keyRow));
        tile.computeScores(head.queries(0), head.queryOffset(0, queryTile * TILE), TILE, spec.dim(), spec.scale(),
                head.keys(0));
        // by column and by row rather than a test per score: a branch on each of the 64 x 64 scores cost a fifth
        // as much as computing them
        float[] weights = head.weights(0);
        for (int c = 0; c < TILE; c++) {
            if (weights[keyRow + c] == 0f) {
                for (int r = 0; r < TILE; r++) {
                    tile.scores[r * TILE + c] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        if (spec.causal() && keyTile == queryTile) {
            for (int r = 0; r < TILE - 1; r++) {
                Arrays.fill(tile.scores, r * TILE + r + 1, (r + 1) * TILE, Float.NEGATIVE_INFINITY);
            }
        }
    }

    private static void attendTile(AttentionSpec spec, Pyramid head, int queryTile, int tiles, SoftmaxTile tile,
                                   int outputRow, float[] out, float[] rowOffsets, float[] rowDenominators) {
        int firstRow = queryTile * TILE;
        tile.clear(TILE);
        int lastKeyTile = spec.causal() ? queryTile : tiles - 1;
        for (int keyTile = 0; keyTile <= lastKeyTile; keyTile++) {
            tileScores(spec, head, queryTile, keyTile, tile);
            tile.rescaleAndExponentiate(TILE, TILE);
            tile.accumulate(TILE, head.values(0), head.weights(0));
        }
        int rows = Math.min(TILE, spec.length() - firstRow);
        tile.writeNormalized(rows, head.weights(0), firstRow, out, (outputRow + firstRow) * spec.valueDim());
        if (rowOffsets != null) {
            System.arraycopy(tile.maxima, 0, rowOffsets, outputRow + firstRow, rows);
            System.arraycopy(tile.denominators, 0, rowDenominators, outputRow + firstRow, rows);
        }
    }
}
