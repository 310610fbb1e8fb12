package io.hattn.cpu;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Exact softmax attention on the same tile kernels: tiles of {@link #TILE} query rows walk the key tiles with an
 * online softmax (flash-attention style), {@link #KEY_TILES_PER_STEP} key tiles per step, in parallel over query
 * tiles. O(L^2 d) work, O(L d) memory. It is the honest baseline the hierarchical path is measured against, so it
 * gets the same care.
 */
final class ExactForward {

    static final int TILE = 64;
    /**
     * Key tiles whose scores one step holds (as segments of one softmax tile): each row's maximum, lane sum and
     * rescale are paid once per step, the value accumulators stay in registers across its tiles, and the score
     * tiles are 8 vectors wide on AVX-512 (4 x 3 + 4 x 3 + 4 x 2) where 4 needed a narrow one.
     */
    static final int KEY_TILES_PER_STEP = 2;

    private final ParallelRange parallel;
    private Pyramid keys;
    /** Query tiles' scratch kept between chunks and calls (one per chunk in flight): no garbage per call. */
    private final KeptBuffers<SoftmaxTile> keptTiles = new KeptBuffers<>();

    ExactForward(ParallelRange parallel) {
        this.parallel = parallel;
    }

    /** The forward; false when an output value is not finite (float32 overflowed). */
    boolean run(AttentionProblem problem, float[] out) {
        return run(problem, out, null, null);
    }

    /**
     * The forward; with {@code rowOffsets} not null, also each row's final offset and denominator. Returns whether
     * every output value is finite.
     */
    boolean run(AttentionProblem problem, float[] out, float[] rowOffsets, float[] rowDenominators) {
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
        AtomicBoolean finite = new AtomicBoolean(true);
        for (int b = 0; b < spec.batch(); b++) {
            for (int h = 0; h < spec.heads(); h++) {
                int batch = b;
                int headIndex = h;
                head.attach(problem, batch, headIndex);
                parallel.forEach(tiles, 64, (from, to) -> head.loadFinest(problem, batch, headIndex, from, to));
                int outputRow = (b * spec.heads() + h) * spec.length();
                parallel.forEach(tiles, 1, (from, to) -> {
                    SoftmaxTile tile = keptTiles.borrow(kept -> kept.valueDim == spec.valueDim(),
                            () -> new SoftmaxTile(TILE, TILE, KEY_TILES_PER_STEP, spec.valueDim()));
                    for (int n = from; n < to; n++) {
                        attendTile(spec, head, balancedOrder(n, tiles, spec.causal()), tiles, tile, outputRow, out,
                                rowOffsets, rowDenominators);
                    }
                    tile.reportFiniteness(finite);
                    keptTiles.giveBack(tile);
                });
            }
        }
        return finite.get();
    }

    /**
     * The tile to take n-th of {@code tiles} so that contiguous chunks carry equal work. Causal tile t costs t + 1
     * key tiles (in the backward, the key tile t costs tiles - t query tiles), so in order the last chunk of a
     * 2-thread run held 3x the work of the first and a thread waited at the end of every head; paired as 0, last,
     * 1, last - 1, ... every two consecutive tiles cost tiles + 1. Bidirectional tiles all cost the same.
     */
    static int balancedOrder(int n, int tiles, boolean causal) {
        return causal ? (n % 2 == 0 ? n / 2 : tiles - 1 - n / 2) : n;
    }

    void release() {
        keys = null;
        keptTiles.clear();
    }

    /**
     * Scores of a query tile against {@code keyTiles} consecutive key tiles from {@code firstKeyTile}, one
     * segment each, invalid keys and the causal future at -inf; the forward and the backward both recompute
     * scores here.
     */
    static void tileScores(AttentionSpec spec, Pyramid head, int queryTile, int firstKeyTile, int keyTiles,
                           SoftmaxTile tile) {
        tile.clearSegments();
        for (int t = firstKeyTile; t < firstKeyTile + keyTiles; t++) {
            tile.addSegment(head.keyBlockBase(0, t), head.valueOffset(0, t * TILE), head.weightIndex(0, t * TILE));
        }
        tile.computeScores(head.queries(0), head.queryOffset(0, queryTile * TILE), TILE, spec.dim(), spec.scale(),
                head.keys(0));
        // by column and by row rather than a test per score: a branch on each of the 64 x 64 scores cost a fifth
        // as much as computing them
        float[] weights = head.weights(0);
        int stride = tile.scoreStride;
        for (int t = 0; t < keyTiles; t++) {
            int keyRow = (firstKeyTile + t) * TILE;
            int column = t * TILE;
            for (int c = 0; c < TILE; c++) {
                if (weights[keyRow + c] == 0f) {
                    for (int r = 0; r < TILE; r++) {
                        tile.scores[r * stride + column + c] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
            if (spec.causal() && firstKeyTile + t == queryTile) {
                for (int r = 0; r < TILE - 1; r++) {
                    Arrays.fill(tile.scores, r * stride + column + r + 1, r * stride + column + TILE,
                            Float.NEGATIVE_INFINITY);
                }
            }
        }
    }

    private static void attendTile(AttentionSpec spec, Pyramid head, int queryTile, int tiles, SoftmaxTile tile,
                                   int outputRow, float[] out, float[] rowOffsets, float[] rowDenominators) {
        int firstRow = queryTile * TILE;
        tile.clear(TILE);
        int lastKeyTile = spec.causal() ? queryTile : tiles - 1;
        for (int keyTile = 0; keyTile <= lastKeyTile; keyTile += KEY_TILES_PER_STEP) {
            int keyTiles = Math.min(KEY_TILES_PER_STEP, lastKeyTile + 1 - keyTile);
            tileScores(spec, head, queryTile, keyTile, keyTiles, tile);
            tile.rescaleAndExponentiate(TILE, keyTiles * TILE);
            tile.accumulate(TILE, head.values(0), head.weights(0), null);
        }
        int rows = Math.min(TILE, spec.length() - firstRow);
        tile.writeNormalized(rows, head.weights(0), firstRow, out, (outputRow + firstRow) * spec.valueDim());
        if (rowOffsets != null) {
            System.arraycopy(tile.maxima, 0, rowOffsets, outputRow + firstRow, rows);
            System.arraycopy(tile.denominators(rows), 0, rowDenominators, outputRow + firstRow, rows);
        }
    }
}
