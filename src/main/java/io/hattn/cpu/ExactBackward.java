package io.hattn.cpu;

import io.hattn.attention.AttentionGradients;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.SavedForward;
import java.util.Arrays;
import java.util.Objects;

/**
 * Exact attention's backward, flash-attention style: no L x L matrix, the scores of each (query tile, key tile)
 * pair recomputed from q and k ({@link ExactForward#tileScores}) and turned into gradients by the same
 * {@link GradientTile} step as the hierarchy, with m_i = c_i and G, Delta per row. Parallel over key tiles: a
 * key tile's dk and dv belong to one thread; dq goes to one accumulator per chunk of key tiles, summed at the end
 * in chunk order (O(chunks L d) memory, about 4 chunks per thread). One per chunk rather than per thread, so that
 * the sums do not depend on which thread ran which chunk: the same bits on every call, as training's
 * determinism needs. Causal key tiles are taken in pairs (j, last - j) so chunks get equal work.
 */
final class ExactBackward {

    private static final int TILE = ExactForward.TILE;

    private final ParallelRange parallel;
    private Pyramid head;
    private float[] rowGradients;
    private float[] deltas;
    private float[] offsets;
    private float[] paddedDk;
    private float[] paddedDv;
    /** dq accumulators by the first key tile of their chunk (null where no chunk starts), kept between calls. */
    private float[][] chunkAccumulators;

    ExactBackward(ParallelRange parallel) {
        this.parallel = parallel;
    }

    synchronized void release() {
        head = null;
        rowGradients = null;
        deltas = null;
        offsets = null;
        paddedDk = null;
        paddedDv = null;
        chunkAccumulators = null;
    }

    AttentionGradients run(SavedForward saved, float[] dOut) {
        AttentionProblem problem = saved.problem();
        AttentionSpec spec = problem.spec();
        int tiles = (spec.length() + TILE - 1) / TILE;
        int padded = tiles * TILE;
        int d = spec.dim();
        int dv = spec.valueDim();
        if (head == null || !head.fits(padded, TILE, 1, 0, d, dv)) {
            release();
            head = new Pyramid(padded, TILE, 1, 0, d, dv);
            rowGradients = new float[padded * dv];
            deltas = new float[padded];
            offsets = new float[padded];
            paddedDk = new float[padded * d];
            paddedDv = new float[padded * dv];
            chunkAccumulators = new float[tiles][];
        }
        float[] dq = new float[spec.queryElements()];
        float[] dk = new float[spec.queryElements()];
        float[] dvOut = new float[spec.valueElements()];
        for (int b = 0; b < spec.batch(); b++) {
            for (int h = 0; h < spec.heads(); h++) {
                int batch = b;
                int headIndex = h;
                int index = b * spec.heads() + h;
                head.attach(problem, batch, headIndex);
                parallel.forEach(tiles, 64, (from, to) -> head.loadFinest(problem, batch, headIndex, from, to));
                parallel.forEach(tiles, 16, (from, to) -> rowSums(saved, dOut, index, from, to));
                Arrays.fill(paddedDk, 0f);
                Arrays.fill(paddedDv, 0f);
                parallel.forEach(tiles, 1, (from, to) -> {
                    float[] accumulator = accumulatorOfChunk(from, padded * d);
                    SoftmaxTile tile = new SoftmaxTile(TILE, TILE, 1, dv);
                    GradientTile step = new GradientTile(TILE, TILE, 1, d, dv);
                    int[] weightRow = new int[1];
                    int[] dkOffset = new int[1];
                    int[] dvOffset = new int[1];
                    for (int n = from; n < to; n++) {
                        keyTileGradients(spec, ExactForward.balancedOrder(n, tiles, spec.causal()), tiles, tile,
                                step, weightRow, dkOffset, dvOffset, accumulator);
                    }
                });
                writeHead(spec, index, dq, dk, dvOut);
            }
        }
        return new AttentionGradients(dq, dk, dvOut, null);
    }

    /** Per row: m = c_i, G = dz_i / D_i, Delta = (dz_i . z_i) / D_i; invalid and padded rows empty. */
    private void rowSums(SavedForward saved, float[] dOut, int index, int fromTile, int toTile) {
        AttentionSpec spec = saved.problem().spec();
        int dv = spec.valueDim();
        float[] weights = head.weights(0);
        for (int t = fromTile * TILE; t < toTile * TILE; t++) {
            int row = index * spec.length() + t;
            if (t < spec.length() && weights[t] > 0f) {
                float inverse = 1f / saved.rowDenominators()[row];
                offsets[t] = saved.rowOffsets()[row];
                deltas[t] = VectorMath.dot(dOut, row * dv, saved.output(), row * dv, dv) * inverse;
                TileKernels.scaleInto(dOut, row * dv, rowGradients, t * dv, dv, inverse);
            } else {
                offsets[t] = Float.POSITIVE_INFINITY;
                deltas[t] = 0f;
                Arrays.fill(rowGradients, t * dv, (t + 1) * dv, 0f);
            }
        }
    }

    private void keyTileGradients(AttentionSpec spec, int keyTile, int tiles, SoftmaxTile tile, GradientTile step,
                                  int[] weightRow, int[] dkOffset, int[] dvOffset, float[] accumulator) {
        int keyRow = keyTile * TILE;
        if (BlockScores.noValidRow(head.weights(0), keyRow, TILE)) {
            return;
        }
        step.loadSegment(0, head.keys(0), head.keyBlockBase(0, keyTile), head.values(0), head.valueOffset(0, keyRow));
        weightRow[0] = keyRow;
        dkOffset[0] = keyRow * spec.dim();
        dvOffset[0] = keyRow * spec.valueDim();
        for (int queryTile = spec.causal() ? keyTile : 0; queryTile < tiles; queryTile++) {
            int queryRow = queryTile * TILE;
            if (BlockScores.noValidRow(head.weights(0), queryRow, TILE)) {
                continue;
            }
            ExactForward.tileScores(spec, head, queryTile, keyTile, 1, tile);
            GradientTile.exponentiate(tile, TILE, offsets, queryRow);
            step.accumulate(tile, 1, rowGradients, queryRow * spec.valueDim(), deltas, queryRow, head.weights(0),
                    weightRow, head.queries(0), head.queryOffset(0, queryRow), spec.scale(), accumulator,
                    queryRow * spec.dim(), paddedDk, dkOffset, paddedDv, dvOffset, null, null);
        }
    }

    /** The valid rows of the head into the caller's layout; the dq accumulators are summed in order and cleared. */
    private void writeHead(AttentionSpec spec, int index, float[] dq, float[] dk, float[] dvOut) {
        int d = spec.dim();
        int dv = spec.valueDim();
        float[] weights = head.weights(0);
        int length = spec.length();
        float[][] accumulators = Arrays.stream(chunkAccumulators).filter(Objects::nonNull).toArray(float[][]::new);
        parallel.forEach(length, 256, (from, to) -> {
            for (int t = from; t < to; t++) {
                if (weights[t] == 0f) {
                    continue;
                }
                int qRow = (index * length + t) * d;
                for (float[] accumulator : accumulators) {
                    TileKernels.addInto(dq, qRow, accumulator, t * d, d);
                }
                System.arraycopy(paddedDk, t * d, dk, qRow, d);
                System.arraycopy(paddedDv, t * dv, dvOut, (index * length + t) * dv, dv);
            }
        });
        for (float[] accumulator : accumulators) {
            Arrays.fill(accumulator, 0f);
        }
    }

    /** The chunk's own accumulator (each chunk starts at its own tile; chunks of one call run once each). */
    private float[] accumulatorOfChunk(int firstTile, int size) {
        float[] accumulator = chunkAccumulators[firstTile];
        if (accumulator == null) {
            accumulator = new float[size];
            chunkAccumulators[firstTile] = accumulator;
        }
        return accumulator;
    }
}
