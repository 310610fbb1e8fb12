package io.hattn.decode;

import io.hattn.cpu.VectorMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Streaming causal hierarchical attention for one (batch, head): {@link #append} takes the query, key and value
 * of position t and returns z_t, equal to row t of the full causal forward (docs/algorithm.md sections 2-7) over
 * the same tokens. The state holds O(Nr (d + dv) log t) floats, never the whole sequence.
 *
 * <p>Why so little suffices (section 6): for the newest row t, level 0 uses the exact keys of its own finest
 * block and the one before, [start_0, t] with {@code start_l = max(0, B_l(t) - 1) Nr 2^l} and
 * {@code B_l(t) = floor(t / (Nr 2^l))}; a level l >= 1 uses the coarse keys of fine range [start_l, start_{l-1})
 * (the left neighbour at level l, less the quadrant already taken one level finer; section 4, step 1), which lies
 * wholly in the level-l block just before t's own. So each level keeps the coarse keys, value sums and valid
 * counts of its last two blocks (a ring of 2 Nr coarse tokens; level 0 holds the exact tokens), filled from
 * pairs of children as they complete (section 3), and the sampled query of its current group.
 *
 * <p>Row t does not depend on the number of levels M of the padded length of the whole sequence: lev(i, j) of
 * section 2 is a minimum over levels that is reached at the first level where the blocks of i and j are
 * neighbours, whatever coarser levels exist, and every key, value and query it reads lies at or before t (the
 * padding beyond the sequence's end is in the future of every real row). So the state needs no total length up
 * front and grows one level each time t doubles ({@code DecodeStateTest#rowsDoNotDependOnTheTotalLength}).
 *
 * <p>Far-field scores are constant over each 2^l x 2^l sub-block (section 4): at level l every row of the group
 * [g 2^l, (g + 1) 2^l) has the same coarse query q[g 2^l] and the same keys. So each level keeps a summary of its
 * part of the row for the current group: its own maximum m_l, denominator D_l = sum w exp(s - m_l) and numerator
 * N_l = sum exp(s - m_l) Vc, recomputed once per group (every 2^l tokens), and the merge of levels l, l + 1, ...
 * (the far field of the group, likewise once per group). A row combines its level-0 scores with the far field of
 * level 1 using its maximum over all levels c = max(m_0, m_1, ...) (section 5): exp(m - c) N and exp(m - c) D.
 * Since exp(s - c) = exp(s - m_l) exp(m_l - c), that is exactly one softmax with the offset c, every factor at
 * most 1, and not the per-level re-weighting section 5 forbids. Amortised work per token: about 1.5 Nr (d + dv)
 * at level 0, under Nr (d + dv) for all coarser levels together, and about 2 dv for the merges: independent of L.
 *
 * <p>Not thread-safe; one state per head. Nothing is allocated per token once the levels exist.
 */
public final class DecodeState implements HeadDecoder {

    private final int block;
    private final int dim;
    private final int valueDim;
    private final float scale;
    private final float[] bias;
    private final int ring;
    private final List<Level> levels = new ArrayList<>();
    private final float[] levelZeroScores;
    private final float[] coarseScores;
    private int position;
    private List<Level> marked = List.of();
    private int markedPosition;

    /**
     * @param block    Nr, even and >= 2
     * @param dim      width d of queries and keys
     * @param valueDim width dv of values
     * @param scale    score scale applied to q.k, e.g. 1/sqrt(d)
     * @param bias     this head's relative-position bias, 4 Nr - 1 entries indexed by j_l - i_l + 2 Nr - 1
     *                 (section 7), or null; copied
     */
    public DecodeState(int block, int dim, int valueDim, float scale, float[] bias) {
        if (block < 2 || block % 2 != 0) {
            throw new IllegalArgumentException("block (Nr) must be an even number >= 2, got " + block);
        }
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1, got " + dim);
        }
        if (valueDim < 1) {
            throw new IllegalArgumentException("valueDim must be >= 1, got " + valueDim);
        }
        if (!(scale > 0f) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive finite number, got " + scale);
        }
        if (bias != null && bias.length != 4 * block - 1) {
            throw new IllegalArgumentException("bias must have 4 Nr - 1 = " + (4 * block - 1) + " entries, got "
                    + bias.length);
        }
        this.block = block;
        this.dim = dim;
        this.valueDim = valueDim;
        this.scale = scale;
        this.bias = bias == null ? null : bias.clone();
        this.ring = 2 * block;
        this.levelZeroScores = new float[ring];
        this.coarseScores = new float[block];
        levels.add(new Level());
    }

    public int block() {
        return block;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int valueDim() {
        return valueDim;
    }

    /** The position the next append gets: the number of tokens (valid or padded) seen so far. */
    @Override
    public int position() {
        return position;
    }

    /** Levels held so far: floor(log2(position)) + 1, at least 1. */
    public int levels() {
        return levels.size();
    }

    /** Appends a valid token and returns its output row z_t (dv floats). */
    public float[] append(float[] q, float[] k, float[] v) {
        requireLength("q", q, dim);
        requireLength("k", k, dim);
        requireLength("v", v, valueDim);
        float[] out = new float[valueDim];
        append(q, 0, k, 0, v, 0, true, out, 0);
        return out;
    }

    /**
     * Appends position t from flat arrays at the given offsets and writes z_t to {@code out[outOffset ..]}.
     * An invalid token (padding or masked, {@code valid = false}) is stored as zeros, as the full forward pads
     * (section 3), is seen by no later row, and outputs zeros; q, k and v may then be null.
     */
    @Override
    public void append(float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset, boolean valid,
                       float[] out, int outOffset) {
        if (out == null || outOffset < 0 || outOffset + valueDim > out.length) {
            throw new IllegalArgumentException("out must have " + valueDim + " floats from offset " + outOffset);
        }
        int t = position;
        absorb(q, qOffset, k, kOffset, v, vOffset, valid);
        if (valid) {
            attend(t, q, qOffset, out, outOffset);
        } else {
            Arrays.fill(out, outOffset, outOffset + valueDim, 0f);
        }
    }

    /** Appends a padded (invalid) position: it outputs zeros and no later row sees it. */
    public void appendPadding() {
        absorb(null, 0, null, 0, null, 0, false);
    }

    /**
     * Appends position t without computing its output (prefill of a prompt whose outputs are not needed): the
     * state afterwards is the same as after {@link #append}.
     */
    @Override
    public void absorb(float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset, boolean valid) {
        if (valid) {
            requireRange("q", q, qOffset, dim);
            requireRange("k", k, kOffset, dim);
            requireRange("v", v, vOffset, valueDim);
        }
        if (position == Integer.MAX_VALUE) {
            throw new IllegalStateException("the state holds 2^31 - 1 tokens, the most a position can count");
        }
        int t = position;
        Level fine = levels.get(0);
        int slot = t % ring;
        if (valid) {
            System.arraycopy(k, kOffset, fine.keys, slot * dim, dim);
            System.arraycopy(v, vOffset, fine.values, slot * valueDim, valueDim);
        } else {
            Arrays.fill(fine.keys, slot * dim, (slot + 1) * dim, 0f);
            Arrays.fill(fine.values, slot * valueDim, (slot + 1) * valueDim, 0f);
        }
        fine.weights[slot] = valid ? 1f : 0f;
        coarsenCompletedPairs(t);
        // Section 3, causal: the coarse query of group g at level l is the first fine query of the group.
        for (int level = 1; level < levels.size() && (t & ((1 << level) - 1)) == 0; level++) {
            float[] sampled = levels.get(level).sampledQuery;
            if (valid) {
                System.arraycopy(q, qOffset, sampled, 0, dim);
            } else {
                Arrays.fill(sampled, 0f);
            }
        }
        position = t + 1;
    }

    /** Copies every level aside (O(state) bytes, allocated here only). */
    @Override
    public void mark() {
        List<Level> copies = new ArrayList<>(levels.size());
        for (Level level : levels) {
            Level copy = new Level();
            copy.copyFrom(level);
            copies.add(copy);
        }
        marked = copies;
        markedPosition = position;
    }

    @Override
    public void rewind() {
        while (levels.size() > Math.max(1, marked.size())) {
            levels.remove(levels.size() - 1);
        }
        if (marked.isEmpty()) {
            levels.set(0, new Level());
        }
        for (int level = 0; level < marked.size(); level++) {
            if (level == levels.size()) {
                levels.add(new Level());
            }
            levels.get(level).copyFrom(marked.get(level));
        }
        position = markedPosition;
    }

    /** Level 0 (about 1.5 Nr rows) plus the coarse summaries, amortised (under Nr rows), plus merging. */
    @Override
    public long workOfNextToken() {
        return (long) (3 * block) * (dim + valueDim);
    }

    /**
     * Bytes of the arrays this state holds (payload plus a 16-byte header each) and of its fields: what the
     * memory bound O(Nr (d + dv) log L) counts. A {@link #mark} holds a second copy, not counted here.
     */
    @Override
    public long stateBytes() {
        long bytes = 64 + arrayBytes(levelZeroScores.length) + arrayBytes(coarseScores.length)
                + (bias == null ? 0 : arrayBytes(bias.length))
                + 16 + 8L * levels.size();
        for (Level level : levels) {
            bytes += level.bytes();
        }
        return bytes;
    }

    /** Level t+1 tokens whose second child is fine token t or one of its coarse ancestors (a carry chain). */
    private void coarsenCompletedPairs(int t) {
        int child = t;
        for (int level = 0; (child & 1) == 1; level++, child >>= 1) {
            if (level + 1 == levels.size()) {
                levels.add(new Level());
            }
            Level children = levels.get(level);
            Level parents = levels.get(level + 1);
            int first = (child - 1) % ring;
            int second = child % ring;
            int parent = (child >> 1) % ring;
            float firstWeight = children.weights[first];
            float secondWeight = children.weights[second];
            int validChildren = (firstWeight > 0 ? 1 : 0) + (secondWeight > 0 ? 1 : 0);
            float inverse = 1f / Math.max(1, validChildren);
            // Keys: mean of the valid children (invalid ones are zero); values: sum; weights: valid fine tokens.
            for (int c = 0; c < dim; c++) {
                parents.keys[parent * dim + c] = (children.keys[first * dim + c] + children.keys[second * dim + c])
                        * inverse;
            }
            for (int c = 0; c < valueDim; c++) {
                parents.values[parent * valueDim + c] = children.values[first * valueDim + c]
                        + children.values[second * valueDim + c];
            }
            parents.weights[parent] = firstWeight + secondWeight;
        }
    }

    /** z_t of section 4 for the valid row t whose query is q, from the level-0 keys and the level summaries. */
    private void attend(int t, float[] q, int qOffset, float[] out, int outOffset) {
        Level fine = levels.get(0);
        int finestBlock = t / block;
        int firstKey = Math.max(0, finestBlock - 1) * block;
        // ring slot of firstKey (a block start): 0 or Nr; the keys [firstKey, t] wrap around the ring at most once
        int firstSlot = ((firstKey / block) & 1) * block;
        float rowMax = Float.NEGATIVE_INFINITY;
        for (int j = firstKey, slot = firstSlot; j <= t; j++, slot = slot + 1 == ring ? 0 : slot + 1) {
            float s = Float.NEGATIVE_INFINITY;
            if (fine.weights[slot] > 0) {
                s = scale * VectorMath.dot(q, qOffset, fine.keys, slot * dim, dim) + biasAt(j - t);
                rowMax = Math.max(rowMax, s);
            }
            levelZeroScores[j - firstKey] = s;
        }
        Level far = finestBlock >= 1 ? farField(t, 1) : null;
        if (far != null) {
            rowMax = Math.max(rowMax, far.farMax);
        }
        Arrays.fill(out, outOffset, outOffset + valueDim, 0f);
        float denominator = 0f;
        for (int j = firstKey, slot = firstSlot; j <= t; j++, slot = slot + 1 == ring ? 0 : slot + 1) {
            float s = levelZeroScores[j - firstKey];
            if (s != Float.NEGATIVE_INFINITY) {
                float weight = (float) Math.exp(s - rowMax);
                denominator += weight;
                DecodeKernels.axpy(weight, fine.values, slot * valueDim, out, outOffset, valueDim);
            }
        }
        if (far != null && far.farMax != Float.NEGATIVE_INFINITY) {
            float factor = (float) Math.exp(far.farMax - rowMax);
            denominator += factor * far.farDenominator;
            DecodeKernels.axpy(factor, far.farNumerator, 0, out, outOffset, valueDim);
        }
        DecodeKernels.scale(1f / denominator, out, outOffset, valueDim);
    }

    /**
     * Levels {@code level} and coarser merged for row t (the far field), kept on the level for the group t >> level:
     * level l's summary changes every 2^l tokens and so does this merge, so a token re-merges about two levels
     * amortised instead of all log L of them. Merging two parts with maxima a, b uses c = max(a, b) and scales
     * each by exp(a - c), exp(b - c): the same factorisation as in {@link #attend}, exact up to rounding.
     * Requires level l to be in use for row t: floor((t >> (l - 1)) / Nr) >= 1.
     */
    private Level farField(int t, int level) {
        Level coarse = levels.get(level);
        int group = t >> level;
        if (coarse.farGroup == group) {
            return coarse;
        }
        if (coarse.summaryGroup != group) {
            summarise(coarse, group, (t >> (level - 1)) / block);
        }
        coarse.farMax = coarse.summaryMax;
        coarse.farDenominator = coarse.summaryDenominator;
        System.arraycopy(coarse.summaryNumerator, 0, coarse.farNumerator, 0, valueDim);
        if (level + 1 < levels.size() && (t >> level) / block >= 1) {
            Level above = farField(t, level + 1);
            float max = Math.max(coarse.farMax, above.farMax);
            if (above.farMax != Float.NEGATIVE_INFINITY) {
                float own = coarse.farMax == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(coarse.farMax - max);
                float theirs = (float) Math.exp(above.farMax - max);
                DecodeKernels.scale(own, coarse.farNumerator, 0, valueDim);
                DecodeKernels.axpy(theirs, above.farNumerator, 0, coarse.farNumerator, 0, valueDim);
                coarse.farDenominator = own * coarse.farDenominator + theirs * above.farDenominator;
                coarse.farMax = max;
            }
        }
        coarse.farGroup = group;
        return coarse;
    }

    /**
     * The level's part of every row of {@code group}: coarse keys [start_l, start_{l-1}) in level units (the
     * left-neighbour block less the quadrant of level l - 1), scored against the group's sampled query.
     */
    private void summarise(Level coarse, int group, int finerBlock) {
        int first = Math.max(0, group / block - 1) * block;
        int end = (finerBlock - 1) * (block / 2);
        // [first, end) lies in one block (the left neighbour), so its ring slots are contiguous from 0 or Nr
        int firstSlot = ((first / block) & 1) * block;
        float max = Float.NEGATIVE_INFINITY;
        for (int u = first; u < end; u++) {
            int slot = firstSlot + (u - first);
            float s = Float.NEGATIVE_INFINITY;
            if (coarse.weights[slot] > 0) {
                s = scale * VectorMath.dot(coarse.sampledQuery, 0, coarse.keys, slot * dim, dim)
                        + biasAt(u - group);
                max = Math.max(max, s);
            }
            coarseScores[u - first] = s;
        }
        float denominator = 0f;
        Arrays.fill(coarse.summaryNumerator, 0f);
        if (max != Float.NEGATIVE_INFINITY) {
            for (int u = first; u < end; u++) {
                float s = coarseScores[u - first];
                if (s != Float.NEGATIVE_INFINITY) {
                    int slot = firstSlot + (u - first);
                    float weight = (float) Math.exp(s - max);
                    denominator += weight * coarse.weights[slot];
                    DecodeKernels.axpy(weight, coarse.values, slot * valueDim, coarse.summaryNumerator, 0, valueDim);
                }
            }
        }
        coarse.summaryGroup = group;
        coarse.summaryMax = max;
        coarse.summaryDenominator = denominator;
    }

    /** Bias for a key {@code offset = j_l - i_l} coarse tokens away (section 7), 0 without a table. */
    private float biasAt(int offset) {
        return bias == null ? 0f : bias[offset + 2 * block - 1];
    }

    private static long arrayBytes(int floats) {
        return 16 + 4L * floats;
    }

    private static void requireLength(String name, float[] values, int expected) {
        if (values == null || values.length != expected) {
            throw new IllegalArgumentException(name + " must have " + expected + " floats, got "
                    + (values == null ? "null" : values.length));
        }
    }

    private static void requireRange(String name, float[] values, int offset, int count) {
        if (values == null || offset < 0 || offset + count > values.length) {
            throw new IllegalArgumentException(name + " must have " + count + " floats from offset " + offset
                    + ", got " + (values == null ? "null" : values.length + " floats"));
        }
    }

    /** One level: a ring of the last two blocks of coarse tokens, the sampled query, the current summary. */
    private final class Level {
        final float[] keys = new float[ring * dim];
        final float[] values = new float[ring * valueDim];
        final float[] weights = new float[ring];
        final float[] sampledQuery = new float[dim];
        final float[] summaryNumerator = new float[valueDim];
        final float[] farNumerator = new float[valueDim];
        int summaryGroup = -1;
        float summaryMax;
        float summaryDenominator;
        int farGroup = -1;
        float farMax;
        float farDenominator;

        void copyFrom(Level other) {
            System.arraycopy(other.keys, 0, keys, 0, keys.length);
            System.arraycopy(other.values, 0, values, 0, values.length);
            System.arraycopy(other.weights, 0, weights, 0, weights.length);
            System.arraycopy(other.sampledQuery, 0, sampledQuery, 0, sampledQuery.length);
            System.arraycopy(other.summaryNumerator, 0, summaryNumerator, 0, summaryNumerator.length);
            summaryGroup = other.summaryGroup;
            summaryMax = other.summaryMax;
            summaryDenominator = other.summaryDenominator;
            System.arraycopy(other.farNumerator, 0, farNumerator, 0, farNumerator.length);
            farGroup = other.farGroup;
            farMax = other.farMax;
            farDenominator = other.farDenominator;
        }

        long bytes() {
            return 32 + arrayBytes(keys.length) + arrayBytes(values.length) + arrayBytes(weights.length)
                    + arrayBytes(sampledQuery.length) + arrayBytes(summaryNumerator.length)
                    + arrayBytes(farNumerator.length);
        }
    }
}
