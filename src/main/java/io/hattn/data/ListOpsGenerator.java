package io.hattn.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Generates ListOps by the LRA's rules (docs/listops.md, {@link ListOpsRules}): random trees, kept when their
 * length is within the bounds, deduplicated, labelled with their value.
 *
 * <p>Deterministic for a seed and independent of the number of threads: candidates come in chunks, chunk
 * {@code c} drawn from its own stream {@link SplitMix64#forStream(long, long) forStream(seed, c)}; chunks are
 * generated in parallel and merged in chunk order, keeping the first occurrence of every expression.
 * A tree is abandoned as soon as its length reaches {@code maxLength}: it would be rejected anyway, so this
 * changes no kept tree's distribution, only the time spent on rejected ones.
 */
public final class ListOpsGenerator {

    /** Kept candidates per chunk: small enough to balance threads, large enough to amortise a task. */
    static final int CHUNK = 64;

    private final ListOpsRules rules;

    public ListOpsGenerator(ListOpsRules rules) {
        if (rules == null) {
            throw new IllegalArgumentException("rules must not be null");
        }
        this.rules = rules;
    }

    public ListOpsRules rules() {
        return rules;
    }

    /**
     * Generates the splits: {@code train + validation + test} distinct expressions, the first {@code train}
     * of them the training split, the next {@code validation} the validation split, the rest the test split
     * (the LRA's order; its default is 96,000 / 2,000 / 2,000).
     *
     * @param progress told the number of distinct expressions so far, now and then (from the calling thread)
     */
    public ListOpsSplits generateSplits(long seed, int train, int validation, int test, IntConsumer progress) {
        if (train < 0 || validation < 0 || test < 0) {
            throw new IllegalArgumentException("split sizes must be >= 0, got train " + train + ", validation "
                    + validation + ", test " + test);
        }
        long total = (long) train + validation + test;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many expressions: " + total);
        }
        List<Example> all = generate(seed, (int) total, progress);
        return new ListOpsSplits(all.subList(0, train), all.subList(train, train + validation),
                all.subList(train + validation, all.size()));
    }

    /** {@code count} distinct expressions in generation order; see the class comment for determinism. */
    public List<Example> generate(long seed, int count, IntConsumer progress) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        IntConsumer report = progress == null ? n -> { } : progress;
        Set<Example> distinct = new LinkedHashSet<>(Math.max(16, count * 4 / 3 + 1));
        int wave = 4 * Runtime.getRuntime().availableProcessors();
        long nextChunk = 0;
        while (distinct.size() < count) {
            long first = nextChunk;
            // Enough chunks for what is missing (a few more when the machine has more threads than that).
            int chunks = (int) Math.min(wave, Math.max(1, ((long) count - distinct.size() + CHUNK - 1) / CHUNK));
            List<List<Example>> results = IntStream.range(0, chunks).parallel()
                    .mapToObj(c -> chunk(seed, first + c)).toList();
            nextChunk += chunks;
            for (List<Example> chunk : results) {
                for (Example example : chunk) {
                    if (distinct.size() == count) {
                        break;
                    }
                    distinct.add(example);
                }
            }
            report.accept(distinct.size());
        }
        return new ArrayList<>(distinct);
    }

    /** The kept candidates of chunk {@code index}: always the same {@link #CHUNK} trees for a seed. */
    List<Example> chunk(long seed, long index) {
        SplitMix64 random = SplitMix64.forStream(seed, index);
        Tree tree = new Tree(random);
        List<Example> kept = new ArrayList<>(CHUNK);
        while (kept.size() < CHUNK) {
            int[] tokens = tree.grow();
            if (tokens != null) {
                kept.add(Example.owning(tokens, ListOps.value(tokens)));
            }
        }
        return kept;
    }

    /** One candidate tree at a time into a reused buffer. */
    private final class Tree {
        private final SplitMix64 random;
        private final int[] buffer = new int[rules.maxLength()];
        private int position;
        /** The LRA's length: tokens written plus the {@code ]} of operators still open. */
        private int length;

        Tree(SplitMix64 random) {
            this.random = random;
        }

        /** The tokens of a new tree, or null when it is rejected by its length. */
        int[] grow() {
            position = 0;
            length = 0;
            if (!node(1) || !rules.keeps(length)) {
                return null;
            }
            return java.util.Arrays.copyOf(buffer, position);
        }

        /** Grows the subtree at {@code depth}; false once the length reached maxLength (the tree is dropped). */
        private boolean node(int depth) {
            // The LRA draws r, then the argument count, then the arguments, then the operator: so do we.
            double r = depth < rules.maxDepth() ? random.nextDouble() : 1.0;
            if (r > rules.operatorProbability()) {
                buffer[position++] = ListOpsVocabulary.digitId(random.nextInt(10));
                return ++length < rules.maxLength();
            }
            int arguments = random.nextIntInclusive(2, rules.maxArgs());
            length += 2;
            if (length >= rules.maxLength()) {
                return false;
            }
            int operatorAt = position++;
            for (int a = 0; a < arguments; a++) {
                if (!node(depth + 1)) {
                    return false;
                }
            }
            buffer[position++] = ListOpsVocabulary.END;
            buffer[operatorAt] = ListOpsVocabulary.MIN + random.nextInt(4);
            return true;
        }
    }
}
