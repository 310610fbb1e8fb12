package io.hattn.cpu;

/**
 * Storage for some levels of one head's pyramid (docs/algorithm.md section 3): queries and values row-major, keys
 * transposed per block of Nr tokens (so a block's scores need no lane reductions), and per token the number of
 * valid fine tokens under it (0 = invalid). A level is either whole (row = token) or a ring of three strips
 * (row = the token's place in the slot of its strip, strip mod 3): a strip and its two neighbours, all that the
 * finer levels of one strip read, small enough to stay in cache.
 */
final class LevelStore {
    final int dim;
    final int valueDim;
    private final int firstLevel;
    private final int[] start;
    private final int[] ringTokens;
    final float[] queries;
    final float[] values;
    final float[] keysTransposed;
    final float[] weights;

    private LevelStore(int firstLevel, int[] tokens, int[] ringTokens, int dim, int valueDim) {
        this.dim = dim;
        this.valueDim = valueDim;
        this.firstLevel = firstLevel;
        this.ringTokens = ringTokens;
        this.start = new int[tokens.length + 1];
        for (int i = 0; i < tokens.length; i++) {
            start[i + 1] = start[i] + tokens[i];
        }
        int rows = start[tokens.length];
        queries = new float[rows * dim];
        values = new float[rows * valueDim];
        keysTransposed = new float[rows * dim];
        weights = new float[rows];
    }

    /** Levels [fromLevel, toLevel) of a sequence of paddedLength tokens, each level whole. */
    static LevelStore whole(int paddedLength, int fromLevel, int toLevel, int dim, int valueDim) {
        int[] tokens = new int[toLevel - fromLevel];
        for (int level = fromLevel; level < toLevel; level++) {
            tokens[level - fromLevel] = paddedLength >> level;
        }
        return new LevelStore(fromLevel, tokens, new int[tokens.length], dim, valueDim);
    }

    /** Levels [0, levels) as rings of three strips of stripTokens fine tokens. */
    static LevelStore ring(int stripTokens, int levels, int dim, int valueDim) {
        int[] tokens = new int[levels];
        int[] ring = new int[levels];
        for (int level = 0; level < levels; level++) {
            ring[level] = stripTokens >> level;
            tokens[level] = 3 * ring[level];
        }
        return new LevelStore(0, tokens, ring, dim, valueDim);
    }

    /** Row of a token of a level in {@link #weights}; times dim (or valueDim) in the other arrays. */
    int row(int level, int token) {
        int at = level - firstLevel;
        int ring = ringTokens[at];
        return start[at] + (ring == 0 ? token : (token / ring) % 3 * ring + token % ring);
    }
}
