package io.hattn.data;

import io.hattn.attention.HierarchyShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Batches of examples of similar length, each padded only to its longest example rounded up to {@code Nr * 2^k}
 * (the padded length of {@link HierarchyShape}, the length hierarchical attention pads to anyway), or with
 * {@link Padding#BLOCK_MULTIPLE} only to a multiple of Nr.
 *
 * <p>Training order ({@link #next}): every epoch shuffles the examples, cuts the shuffled list into pools of
 * {@code poolBatches} batches, sorts each pool by length, cuts it into batches and shuffles the order of all
 * the epoch's batches. Every batch has exactly {@code batchSize} examples: the {@code n mod batchSize} examples
 * at the end of an epoch's shuffle are left out of that epoch (others each epoch). The order is a function of
 * the seed and the epoch alone, so the {@link BatchPosition} (epoch, batch) is the whole state:
 * {@link #seek} to a position saved earlier continues exactly, on any machine and thread count.
 *
 * <p>{@link #evaluationBatches} gives every example exactly once, sorted by length, the last batch smaller.
 */
public final class LengthBatcher {

    /** Batches per sorting pool: large enough for batches of nearly equal length, small enough to mix. */
    public static final int DEFAULT_POOL_BATCHES = 50;

    /** How far a batch is padded beyond its longest example. */
    public enum Padding {
        /** To {@code Nr * 2^k >= 2 Nr}: the length hierarchical attention works on (it pads to it anyway). */
        POWER_OF_TWO_BLOCKS,
        /** To a multiple of Nr only (at least 2 Nr): less padding for the other layers; attention pads further. */
        BLOCK_MULTIPLE;

        /** The padded length for a longest example of {@code longest} tokens and block size {@code block}. */
        public int length(int longest, int block) {
            requireBlock(block);
            if (longest < 1) {
                throw new IllegalArgumentException("longest must be >= 1, got " + longest);
            }
            if (this == BLOCK_MULTIPLE) {
                long blocks = Math.max(2, (longest + (long) block - 1) / block);
                return Math.toIntExact(blocks * block);
            }
            return HierarchyShape.of(longest, block).paddedLength();
        }
    }

    private final List<Example> examples;
    private final int batchSize;
    private final int block;
    private final long seed;
    private final int poolBatches;
    private final Padding padding;
    private final int batchesPerEpoch;

    private long epoch = -1;
    private int[][] epochBatches;
    private BatchPosition position = BatchPosition.START;

    public LengthBatcher(List<Example> examples, int batchSize, int block, long seed) {
        this(examples, batchSize, block, seed, DEFAULT_POOL_BATCHES, Padding.POWER_OF_TWO_BLOCKS);
    }

    /**
     * @param block Nr of the attention: every batch's length is {@code padding.length(longest, Nr)}
     * @param poolBatches batches per sorting pool ({@link #DEFAULT_POOL_BATCHES})
     */
    public LengthBatcher(List<Example> examples, int batchSize, int block, long seed, int poolBatches,
                         Padding padding) {
        if (examples == null || examples.isEmpty()) {
            throw new IllegalArgumentException("examples must not be empty");
        }
        if (batchSize < 1 || batchSize > examples.size()) {
            throw new IllegalArgumentException("batch size must be in [1, " + examples.size()
                    + "] (the number of examples), got " + batchSize);
        }
        requireBlock(block);
        if (poolBatches < 1) {
            throw new IllegalArgumentException("poolBatches must be >= 1, got " + poolBatches);
        }
        this.examples = List.copyOf(examples);
        this.batchSize = batchSize;
        this.block = block;
        this.seed = seed;
        if (padding == null) {
            throw new IllegalArgumentException("padding must not be null");
        }
        this.poolBatches = poolBatches;
        this.padding = padding;
        this.batchesPerEpoch = examples.size() / batchSize;
    }

    /** The padded length of a batch whose longest example has {@code longest} tokens: {@code Nr * 2^k >= 2 Nr}. */
    public static int paddedLength(int longest, int block) {
        return Padding.POWER_OF_TWO_BLOCKS.length(longest, block);
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The position of the next batch {@link #next} returns. */
    public BatchPosition position() {
        return position;
    }

    /** Continues from a position from {@link #position()} (of a batcher with the same examples and settings). */
    public void seek(BatchPosition position) {
        if (position == null) {
            throw new IllegalArgumentException("position must not be null");
        }
        if (position.batch() > batchesPerEpoch) {
            throw new IllegalArgumentException("position batch " + position.batch() + " is beyond the "
                    + batchesPerEpoch + " batches of an epoch (another data set or batch size?)");
        }
        this.position = position;
    }

    /** The next training batch; advances the position. */
    public Batch next() {
        long e = position.epoch();
        long b = position.batch();
        if (b == batchesPerEpoch) {
            e++;
            b = 0;
        }
        int[] members = plan(e)[(int) b];
        position = new BatchPosition(e, b + 1);
        return assemble(examples, members, padding.length(longest(examples, members), block));
    }

    /** Every example once, sorted by length (stable), in batches of {@code batchSize}, the last one smaller. */
    public static List<Batch> evaluationBatches(List<Example> examples, int batchSize, int block) {
        return evaluationBatches(examples, batchSize, block, Padding.POWER_OF_TWO_BLOCKS);
    }

    public static List<Batch> evaluationBatches(List<Example> examples, int batchSize, int block, Padding padding) {
        if (examples == null || examples.isEmpty()) {
            throw new IllegalArgumentException("examples must not be empty");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        requireBlock(block);
        if (padding == null) {
            throw new IllegalArgumentException("padding must not be null");
        }
        int[] order = sortedByLength(examples, identity(examples.size()));
        List<Batch> batches = new ArrayList<>();
        for (int start = 0; start < order.length; start += batchSize) {
            int[] members = Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize));
            batches.add(assemble(examples, members, padding.length(longest(examples, members), block)));
        }
        return batches;
    }

    /** The batches of epoch {@code e}: example indices, a function of (seed, e) alone. */
    private int[][] plan(long e) {
        if (e == epoch) {
            return epochBatches;
        }
        SplitMix64 random = SplitMix64.forStream(seed, e);
        int[] shuffled = identity(examples.size());
        shuffle(shuffled, random);
        int used = batchesPerEpoch * batchSize;
        int pool = poolBatches * batchSize;
        int[][] batches = new int[batchesPerEpoch][];
        int next = 0;
        for (int start = 0; start < used; start += pool) {
            int[] sorted = sortedByLength(examples, Arrays.copyOfRange(shuffled, start, Math.min(used, start + pool)));
            for (int s = 0; s < sorted.length; s += batchSize) {
                batches[next++] = Arrays.copyOfRange(sorted, s, s + batchSize);
            }
        }
        for (int i = batches.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int[] swap = batches[i];
            batches[i] = batches[j];
            batches[j] = swap;
        }
        epoch = e;
        epochBatches = batches;
        return batches;
    }

    private static int longest(List<Example> examples, int[] members) {
        int longest = 0;
        for (int index : members) {
            longest = Math.max(longest, examples.get(index).length());
        }
        return longest;
    }

    private static Batch assemble(List<Example> examples, int[] members, int length) {
        int size = members.length;
        long cells = (long) size * length;
        if (cells > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a batch of " + size + " x " + length + " tokens is too large");
        }
        int[] tokens = new int[(int) cells];
        boolean[] valid = new boolean[(int) cells];
        int[] lengths = new int[size];
        int[] labels = new int[size];
        for (int b = 0; b < size; b++) {
            Example example = examples.get(members[b]);
            example.copyTokens(tokens, b * length);
            Arrays.fill(valid, b * length, b * length + example.length(), true);
            lengths[b] = example.length();
            labels[b] = example.label();
        }
        return new Batch(size, length, tokens, valid, lengths, labels, members.clone());
    }

    private static int[] sortedByLength(List<Example> examples, int[] indices) {
        return Arrays.stream(indices).boxed()
                .sorted((a, b) -> Integer.compare(examples.get(a).length(), examples.get(b).length()))
                .mapToInt(Integer::intValue).toArray();
    }

    private static int[] identity(int n) {
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        return indices;
    }

    private static void shuffle(int[] values, SplitMix64 random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    private static void requireBlock(int block) {
        if (block < 2 || block % 2 != 0) {
            throw new IllegalArgumentException("block (Nr) must be an even number >= 2, got " + block);
        }
    }
}
