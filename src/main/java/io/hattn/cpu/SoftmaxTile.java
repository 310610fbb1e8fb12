package io.hattn.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Per-thread scratch for one tile of query rows, and the online-softmax step both attention paths share: each
 * row carries a running maximum {@code m}, denominator {@code D} and numerator {@code Y}; a new tile of scores
 * rescales them to the new maximum, then adds its weights. This is how the hierarchical path folds a coarse
 * level's contribution (computed with the coarse row's own maximum) into its children with one offset per row,
 * exactly as docs/algorithm.md section 5 requires, and how the exact path walks keys without an L x L matrix.
 * A tile of one vector of rows (the hierarchical blocks of Nr 16 on AVX-512) takes the step with its rows as the
 * vectors' lanes: maxima, factors, weights and denominators for all rows at once, with no lane reductions or loops
 * per row, which cost more than the step's exponentials in blocks this small (measured: 10% of the hierarchical
 * forward bidirectional, 13-14% causal at d = 64, docs/performance.md).
 */
final class SoftmaxTile {
    final int rows;
    final int scoreStride;
    final int valueDim;
    final float[] scores;
    final float[] maxima;
    /**
     * Each row's denominator D, less what {@link #partialDenominators} still holds: read it through
     * {@link #denominators(int)}, which folds the two.
     */
    private final float[] denominators;
    /**
     * Per row, {@link Simd#LANES} partial sums of the denominator that {@link #accumulate} adds to as vectors and
     * only {@link #foldDenominators} sums across lanes: a lane sum per row and key tile took 17% of the exact
     * forward on AVX-512, and the exact path folds once per row instead of once per key tile.
     */
    private final float[] partialDenominators;
    /** Whether {@link #partialDenominators} may hold sums not yet folded (else every one is 0). */
    private boolean partialsPending;
    /**
     * Per lane, the sum of 0 x every output value {@link #writeNormalized} wrote: 0 while all are finite, NaN once
     * one is not. Checked as the rows are written, while they are in registers: a separate scan of the output
     * took 6% of the hierarchical forward.
     */
    private final float[] outputCheck = new float[Simd.LANES];
    /** Each row's 1 / D (0 for a row that outputs zeros), for {@link #writeNormalized}. */
    private final float[] rowScales;
    final float[] numerators;
    /** Per row, the factor that rescales its state to its new maximum: one vector exponential per tile. */
    private final float[] rescaleFactors;
    /** The key segments of the current tile: score columns [g * segmentWidth, (g + 1) * segmentWidth). */
    final int segmentWidth;
    final int[] segmentKeyBase;
    final int[] segmentValueOffset;
    final int[] segmentWeightRow;
    /** Where each segment's key block lies relative to the query block (hierarchical tiles; see BlockScores). */
    final int[] segmentSide;
    int segments;
    /**
     * Whether the softmax step runs with the tile's rows as vector lanes ({@link #exponentiateByLanes}): tiles of
     * one vector of rows and segments one vector wide (the hierarchical blocks of Nr 16 on AVX-512), dv whole
     * vectors, wide tiles.
     */
    private final boolean byLanes;
    /** The weights transposed, [column][row], between the softmax step and {@link #accumulate}, when by lanes. */
    private final float[] transposed;
    /** Each row's maximum before this step, for {@link #exponentiateByLanes}. */
    private final float[] previousMaxima;
    /** Whether {@link #transposed} holds this step's weights (and the denominators wait for them). */
    private boolean weightsByLanes;

    SoftmaxTile(int rows, int segmentWidth, int maxSegments, int valueDim) {
        this.rows = rows;
        this.segmentWidth = segmentWidth;
        this.scoreStride = segmentWidth * maxSegments;
        this.segmentKeyBase = new int[maxSegments];
        this.segmentValueOffset = new int[maxSegments];
        this.segmentWeightRow = new int[maxSegments];
        this.segmentSide = new int[maxSegments];
        this.valueDim = valueDim;
        this.scores = new float[rows * scoreStride];
        this.maxima = new float[rows];
        this.denominators = new float[rows];
        this.partialDenominators = new float[rows * Simd.LANES];
        this.numerators = new float[rows * valueDim];
        this.rescaleFactors = new float[rows];
        this.rowScales = new float[rows];
        this.byLanes = TileKernels.BLOCK_TRANSPOSE && rows == Simd.LANES && segmentWidth == Simd.LANES
                && TileKernels.valuesTransposedFit(valueDim);
        this.transposed = byLanes ? new float[rows * scoreStride] : null;
        this.previousMaxima = byLanes ? new float[rows] : null;
    }

    /** Whether this tile's softmax step runs with its rows as vector lanes (for tests). */
    boolean stepsByLanes() {
        return byLanes;
    }

    /** Every row starts with nothing: m = -inf, D = 0, Y = 0. */
    void clear(int usedRows) {
        Arrays.fill(maxima, 0, usedRows, Float.NEGATIVE_INFINITY);
        Arrays.fill(denominators, 0, usedRows, 0f);
        Arrays.fill(partialDenominators, 0, usedRows * Simd.LANES, 0f);
        Arrays.fill(numerators, 0, usedRows * valueDim, 0f);
    }

    /**
     * Rescales row r to the maximum of its state and its scores in columns [0, columns), then turns those
     * scores into weights exp(s - m) in place. Rows whose state and scores are all -inf stay empty (no NaN).
     */
    void rescaleAndExponentiate(int usedRows, int columns) {
        if (byLanes && usedRows == rows) {
            System.arraycopy(maxima, 0, previousMaxima, 0, rows);
            exponentiateByLanes(columns);
            for (int r = 0; r < usedRows; r++) {
                float factor = rescaleFactors[r];
                if (factor != 1f) {
                    denominators[r] *= factor;
                    TileKernels.scale(numerators, r * valueDim, valueDim, factor);
                }
            }
            return;
        }
        // in three passes (maxima, factors, rows) rather than row by row: each row's maximum ends in a chain of lane
        // folds, and rows in a loop of their own overlap those chains; the factors then take vector exponentials
        // where a scalar one per row (2% of the exact forward) waited on its own chain
        for (int r = 0; r < usedRows; r++) {
            raiseMaximum(r, columns, maxima[r]);
        }
        exponentiateFactors(usedRows);
        for (int r = 0; r < usedRows; r++) {
            float factor = factor(r);
            if (factor != 1f) {
                denominators[r] *= factor;
                TileKernels.scale(partialDenominators, r * Simd.LANES, Simd.LANES, factor);
                TileKernels.scale(numerators, r * valueDim, valueDim, factor);
            }
            finishRow(r, columns);
        }
    }

    /**
     * The same step for rows whose state comes from elsewhere (prolongation: the parent rows of the level
     * above): row r starts from state row (firstChild + r) / 2 of the given arrays, copied and rescaled in one
     * pass.
     */
    void rescaleAndExponentiateFrom(int usedRows, int columns, float[] parentMaxima, float[] parentDenominators,
                                    float[] parentNumerators, int firstChild) {
        if (byLanes && usedRows == rows) {
            for (int r = 0; r < usedRows; r++) {
                previousMaxima[r] = parentMaxima[(firstChild + r) >> 1];
            }
            exponentiateByLanes(columns);
            for (int r = 0; r < usedRows; r++) {
                int parent = (firstChild + r) >> 1;
                denominators[r] = parentDenominators[parent] * rescaleFactors[r];
                TileKernels.scaleInto(parentNumerators, parent * valueDim, numerators, r * valueDim, valueDim,
                        rescaleFactors[r]);
            }
            return;
        }
        for (int r = 0; r < usedRows; r++) {
            raiseMaximum(r, columns, parentMaxima[(firstChild + r) >> 1]);
        }
        exponentiateFactors(usedRows);
        for (int r = 0; r < usedRows; r++) {
            int parent = (firstChild + r) >> 1;
            float factor = factor(r);
            denominators[r] = parentDenominators[parent] * factor;
            Arrays.fill(partialDenominators, r * Simd.LANES, (r + 1) * Simd.LANES, 0f);
            TileKernels.scaleInto(parentNumerators, parent * valueDim, numerators, r * valueDim, valueDim, factor);
            finishRow(r, columns);
        }
    }

    /**
     * The step's maxima, rescale factors and weights with the tile's rows as the lanes of one vector: the scores
     * transposed into {@link #transposed} (one column per vector), each row's new maximum is a compare and blend per
     * column (no lane reductions, no loop per row), the factors exp(previous - next) one vector exponential and the
     * weights exp(s - next) one exponential call over the tile. The same values as the row by row step: a row with
     * nothing yet (next -inf) gets factor 0 and weights 0, a NaN score is passed over by the maximum.
     */
    private void exponentiateByLanes(int columns) {
        TileKernels.transpose(scores, 0, scoreStride, rows, columns, transposed, 0, rows);
        FloatVector previous = FloatVector.fromArray(Simd.SPECIES, previousMaxima, 0);
        FloatVector next = previous;
        for (int c = 0; c < columns; c++) {
            FloatVector column = FloatVector.fromArray(Simd.SPECIES, transposed, c * rows);
            next = next.blend(column, next.compare(VectorOperators.LT, column));
        }
        VectorMask<Float> empty = next.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY);
        next.intoArray(maxima, 0);
        previous.sub(next).blend(Float.NEGATIVE_INFINITY, empty).intoArray(rescaleFactors, 0);
        FloatVector shift = next.blend(0f, empty);
        for (int c = 0; c < columns; c++) {
            FloatVector.fromArray(Simd.SPECIES, transposed, c * rows).sub(shift).intoArray(transposed, c * rows);
        }
        VectorMath.exp(transposed, 0, columns * rows, 0f);
        VectorMath.exp(rescaleFactors, 0, rows, 0f);
        weightsByLanes = true;
    }

    /**
     * Row r's maximum from {@code previous} and its scores, and the exponent of its rescale factor
     * exp(previous - next): previous - next, whose exponential is exactly 1 when they are equal (the polynomial
     * at 0) and exactly 0 when previous is -inf; -inf (so 0, never NaN) for a row that has nothing yet (next =
     * -inf). The factors of a tile's rows then take one vector exponential: a scalar exponential per row and
     * block cost 3% of the hierarchical forward.
     */
    private void raiseMaximum(int r, int columns, float previous) {
        float next = Math.max(previous, TileKernels.max(scores, r * scoreStride, columns));
        maxima[r] = next;
        rescaleFactors[r] = next == Float.NEGATIVE_INFINITY ? Float.NEGATIVE_INFINITY : previous - next;
    }

    /**
     * The rows' rescale factors from {@link #raiseMaximum}'s exponents, in place: one vector exponential for a
     * tile's rows. JDK 17's JIT boxed the vectors of this call (LinearMemoryTest: 1,700 bytes per token), so only
     * with wide tiles; elsewhere {@link #factor} takes each row's exponential, with the same bits.
     */
    private void exponentiateFactors(int usedRows) {
        if (Simd.WIDE_TILES) {
            VectorMath.exp(rescaleFactors, 0, usedRows, 0f);
        }
    }

    /** Row r's rescale factor after {@link #exponentiateFactors}. */
    private float factor(int r) {
        return Simd.WIDE_TILES ? rescaleFactors[r] : rowFactor(rescaleFactors[r]);
    }

    /** One row's rescale factor from {@link #raiseMaximum}'s exponent, without the exponential when it is 1. */
    private static float rowFactor(float exponent) {
        return exponent == 0f ? 1f : VectorMath.scalarExp(exponent);
    }

    /** Row r's scores into weights exp(s - m) with its new maximum m, already in {@link #maxima}. */
    private void finishRow(int r, int columns) {
        float next = maxima[r];
        int off = r * scoreStride;
        if (next == Float.NEGATIVE_INFINITY) {
            Arrays.fill(scores, off, off + columns, 0f);
        } else {
            TileKernels.expShifted(scores, off, columns, next);
        }
    }

    /** Starts a tile with no key segments. */
    void clearSegments() {
        segments = 0;
    }

    /**
     * Adds a key segment: the offset of its transposed key block, of its first value row, and of its first key
     * weight; returns its first score column.
     */
    int addSegment(int keyBase, int valueOffset, int weightRow) {
        segmentKeyBase[segments] = keyBase;
        segmentValueOffset[segments] = valueOffset;
        segmentWeightRow[segments] = weightRow;
        return segmentWidth * segments++;
    }

    int columns() {
        return segments * segmentWidth;
    }

    /** Scaled scores of {@code usedRows} query rows starting at element {@code queryOffset}, every segment. */
    void computeScores(float[] queries, int queryOffset, int usedRows, int dim, float scale, float[] keysTransposed) {
        TileKernels.scores(queries, queryOffset, usedRows, dim, scale, keysTransposed, segmentKeyBase, segments,
                segmentWidth, scores, scoreStride);
    }

    /**
     * Adds the weights of every segment times its value rows; the denominator counts each key by its weight
     * (the number of valid fine tokens under it). {@code zeroHalves}: where weights are known to be 0, as
     * {@link TileKernels#accumulateValues} takes it, or null.
     */
    void accumulate(int usedRows, float[] values, float[] keyWeights, int[] zeroHalves) {
        if (weightsByLanes) {
            weightsByLanes = false;
            // each row's denominator takes every column's weight times its key's count, all rows at once
            FloatVector d = FloatVector.fromArray(Simd.SPECIES, denominators, 0);
            for (int g = 0; g < segments; g++) {
                for (int c = 0; c < segmentWidth; c++) {
                    d = FloatVector.fromArray(Simd.SPECIES, transposed, (g * segmentWidth + c) * rows)
                            .fma(FloatVector.broadcast(Simd.SPECIES, keyWeights[segmentWeightRow[g] + c]), d);
                }
            }
            d.intoArray(denominators, 0);
            TileKernels.accumulateValuesTransposed(transposed, rows, segmentValueOffset, segments, segmentWidth,
                    values, valueDim, numerators, zeroHalves);
            return;
        }
        TileKernels.accumulateValues(scores, scoreStride, usedRows, segmentValueOffset, segments, segmentWidth,
                values, valueDim, numerators, zeroHalves);
        for (int r = 0; r < usedRows; r++) {
            TileKernels.addSegmentDots(scores, r * scoreStride, segmentWidth, segments, keyWeights, segmentWeightRow,
                    partialDenominators, r * Simd.LANES);
        }
        partialsPending = true;
    }

    /** The first {@code usedRows} denominators, complete: the partial sums folded in (and cleared). */
    float[] denominators(int usedRows) {
        foldDenominators(usedRows);
        return denominators;
    }

    private void foldDenominators(int usedRows) {
        if (!partialsPending) {
            // nothing added since the last fold (the lanes step adds to the denominators directly): all 0
            return;
        }
        for (int r = 0; r < usedRows; r++) {
            denominators[r] += TileKernels.sumAndClear(partialDenominators, r * Simd.LANES, Simd.LANES);
        }
        partialsPending = usedRows < rows;
    }

    /**
     * The final division z = Y / D for the first {@code usedRows} rows into consecutive output rows from
     * {@code outOffset}; rows whose query is invalid ({@code queryWeights[firstQuery + r] == 0}) or that saw no
     * valid key output 0.
     */
    void writeNormalized(int usedRows, float[] queryWeights, int firstQuery, float[] out, int outOffset) {
        foldDenominators(usedRows);
        for (int r = 0; r < usedRows; r++) {
            float d = denominators[r];
            rowScales[r] = d > 0f && queryWeights[firstQuery + r] > 0f ? 1f / d : 0f;
        }
        TileKernels.scaleRowsIntoChecked(numerators, 0, out, outOffset, usedRows, valueDim, rowScales, outputCheck);
    }

    /**
     * Clears {@code allFinite} unless every value {@link #writeNormalized} has written since the last report (or
     * since this tile was made) is finite, and starts the check afresh, so that a tile kept for the next call
     * carries nothing over: the threads of one forward share the flag, each tile reports when its work is done.
     */
    void reportFiniteness(AtomicBoolean allFinite) {
        float sum = 0f;
        for (float lane : outputCheck) {
            sum += lane;
        }
        if (sum != 0f) {
            allFinite.set(false);
        }
        Arrays.fill(outputCheck, 0f);
    }
}
