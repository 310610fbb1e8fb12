package io.hattn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Length-bucketed batches: padding, masks, determinism and resuming from a saved position. */
class LengthBatcherTest {

    /** 1003 examples with lengths 1..2000 (tokens need not be ListOps here), labels i mod 10. */
    private static List<Example> examples() {
        SplitMix64 random = new SplitMix64(3);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 1003; i++) {
            int[] tokens = new int[1 + random.nextInt(2000)];
            for (int t = 0; t < tokens.length; t++) {
                tokens[t] = 1 + random.nextInt(ListOpsVocabulary.SIZE - 1);
            }
            examples.add(new Example(tokens, i % 10));
        }
        return examples;
    }

    private static final List<Example> EXAMPLES = examples();

    @Test
    void paddedLengthIsNrTimesAPowerOfTwo() {
        assertEquals(512, LengthBatcher.paddedLength(500, 16));
        assertEquals(512, LengthBatcher.paddedLength(512, 16));
        assertEquals(1024, LengthBatcher.paddedLength(513, 16));
        assertEquals(2048, LengthBatcher.paddedLength(1999, 16));
        assertEquals(32, LengthBatcher.paddedLength(1, 16), "at least two blocks");
        assertEquals(96, LengthBatcher.paddedLength(65, 12));
        assertThrows(IllegalArgumentException.class, () -> LengthBatcher.paddedLength(10, 15));
    }

    @Test
    void batchesArePaddedToTheirLongestRoundedWithAMask() {
        LengthBatcher batcher = new LengthBatcher(EXAMPLES, 8, 16, 1);
        for (int n = 0; n < 2 * batcher.batchesPerEpoch(); n++) {
            Batch batch = batcher.next();
            assertEquals(8, batch.size());
            int longest = Arrays.stream(batch.lengths()).max().orElseThrow();
            assertEquals(LengthBatcher.paddedLength(longest, 16), batch.length());
            assertEquals(batch.size() * batch.length(), batch.tokens().length);
            for (int b = 0; b < batch.size(); b++) {
                Example example = EXAMPLES.get(batch.examples()[b]);
                assertEquals(example.length(), batch.lengths()[b]);
                assertEquals(example.label(), batch.labels()[b]);
                for (int t = 0; t < batch.length(); t++) {
                    int at = b * batch.length() + t;
                    assertEquals(t < example.length(), batch.valid()[at]);
                    assertEquals(t < example.length() ? example.token(t) : ListOpsVocabulary.PAD, batch.tokens()[at]);
                }
            }
        }
    }

    @Test
    void blockMultiplePaddingPadsOnlyToTheNextBlock() {
        assertEquals(1008, LengthBatcher.Padding.BLOCK_MULTIPLE.length(1000, 16));
        assertEquals(32, LengthBatcher.Padding.BLOCK_MULTIPLE.length(3, 16), "at least two blocks");
        assertEquals(1024, LengthBatcher.Padding.POWER_OF_TWO_BLOCKS.length(1000, 16));
        LengthBatcher batcher = new LengthBatcher(EXAMPLES, 8, 16, 1, 50, LengthBatcher.Padding.BLOCK_MULTIPLE);
        LengthBatcher powers = new LengthBatcher(EXAMPLES, 8, 16, 1);
        for (int n = 0; n < 20; n++) {
            Batch batch = batcher.next();
            Batch same = powers.next();
            assertArrayEquals(same.examples(), batch.examples(), "padding changes lengths, not the order");
            int longest = Arrays.stream(batch.lengths()).max().orElseThrow();
            assertEquals(LengthBatcher.Padding.BLOCK_MULTIPLE.length(longest, 16), batch.length());
        }
        Batch single = LengthBatcher.evaluationBatches(EXAMPLES.subList(0, 1), 4, 16,
                LengthBatcher.Padding.BLOCK_MULTIPLE).get(0);
        assertEquals(LengthBatcher.Padding.BLOCK_MULTIPLE.length(EXAMPLES.get(0).length(), 16), single.length());
    }

    @Test
    void bucketingKeepsPaddingSmall() {
        LengthBatcher batcher = new LengthBatcher(EXAMPLES, 8, 2, 1);
        long valid = 0;
        long cells = 0;
        for (int n = 0; n < batcher.batchesPerEpoch(); n++) {
            Batch batch = batcher.next();
            valid += batch.validTokens();
            int spread = batch.lengths()[batch.size() - 1] - batch.lengths()[0];
            assertTrue(spread < 200, "lengths in a batch differ by " + spread);
            cells += (long) batch.size() * Arrays.stream(batch.lengths()).max().orElseThrow();
        }
        // measured 0.981 (pools of 50 batches of 8, lengths uniform in 1..2000); random batches of 8 would give
        // about 0.56 (mean length 1000 over the expected longest of 8, 1778)
        assertTrue(valid / (double) cells > 0.9, "valid share " + valid / (double) cells);
    }

    @Test
    void everyEpochUsesEachExampleAtMostOnceInFullBatches() {
        LengthBatcher batcher = new LengthBatcher(EXAMPLES, 10, 16, 5);
        assertEquals(100, batcher.batchesPerEpoch());
        Set<List<Integer>> epochs = new HashSet<>();
        for (int epoch = 0; epoch < 3; epoch++) {
            Set<Integer> seen = new HashSet<>();
            List<Integer> order = new ArrayList<>();
            for (int n = 0; n < batcher.batchesPerEpoch(); n++) {
                Batch batch = batcher.next();
                assertEquals(10, batch.size());
                for (int index : batch.examples()) {
                    assertTrue(seen.add(index), "example " + index + " twice in epoch " + epoch);
                    order.add(index);
                }
            }
            assertEquals(1000, seen.size());
            epochs.add(order);
            assertEquals(new BatchPosition(epoch, 100), batcher.position());
        }
        assertEquals(3, epochs.size(), "each epoch in another order");
    }

    @Test
    void deterministicForASeed() {
        LengthBatcher a = new LengthBatcher(EXAMPLES, 7, 16, 42);
        LengthBatcher b = new LengthBatcher(EXAMPLES, 7, 16, 42);
        LengthBatcher other = new LengthBatcher(EXAMPLES, 7, 16, 43);
        boolean differs = false;
        for (int n = 0; n < 300; n++) {
            Batch x = a.next();
            assertBatchEquals(x, b.next());
            differs |= !Arrays.equals(x.examples(), other.next().examples());
        }
        assertTrue(differs);
    }

    @Test
    void resumesExactlyFromAPosition() {
        LengthBatcher original = new LengthBatcher(EXAMPLES, 9, 16, 8);
        int perEpoch = original.batchesPerEpoch();
        for (int stop : new int[] {0, 5, perEpoch - 5, perEpoch, perEpoch + 3}) { // -5: across an epoch's end
            LengthBatcher first = new LengthBatcher(EXAMPLES, 9, 16, 8);
            for (int n = 0; n < stop; n++) {
                first.next();
            }
            BatchPosition saved = first.position();
            LengthBatcher resumed = new LengthBatcher(EXAMPLES, 9, 16, 8);
            resumed.seek(new BatchPosition(saved.epoch(), saved.batch()));
            for (int n = 0; n < 12; n++) {
                assertBatchEquals(first.next(), resumed.next());
            }
        }
        LengthBatcher batcher = new LengthBatcher(EXAMPLES, 9, 16, 8);
        assertThrows(IllegalArgumentException.class, () -> batcher.seek(new BatchPosition(0, perEpoch + 1)));
        assertThrows(IllegalArgumentException.class, () -> new BatchPosition(-1, 0));
        assertNotEquals(new BatchPosition(0, 0), new BatchPosition(0, 1));
    }

    @Test
    void evaluationCoversEveryExampleOnceSortedByLength() {
        List<Batch> batches = LengthBatcher.evaluationBatches(EXAMPLES, 64, 16);
        assertEquals(16, batches.size());
        assertEquals(1003 - 15 * 64, batches.get(15).size());
        List<Integer> seen = new ArrayList<>();
        int previous = 0;
        for (Batch batch : batches) {
            for (int b = 0; b < batch.size(); b++) {
                seen.add(batch.examples()[b]);
                assertTrue(batch.lengths()[b] >= previous);
                previous = batch.lengths()[b];
            }
        }
        assertEquals(1003, new HashSet<>(seen).size());
        assertEquals(1003, seen.size());
    }

    @Test
    void badArgumentsAreNamed() {
        assertMessage(() -> new LengthBatcher(EXAMPLES, 0, 16, 1), "batch size");
        assertMessage(() -> new LengthBatcher(EXAMPLES, 2000, 16, 1), "batch size");
        assertMessage(() -> new LengthBatcher(EXAMPLES, 8, 7, 1), "block (Nr)");
        assertMessage(() -> new LengthBatcher(List.of(), 8, 16, 1), "examples");
        assertMessage(() -> LengthBatcher.evaluationBatches(EXAMPLES, 0, 16), "batch size");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String word) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, call);
        assertTrue(error.getMessage().contains(word), error.getMessage());
    }

    private static void assertBatchEquals(Batch expected, Batch actual) {
        assertEquals(expected.length(), actual.length());
        assertArrayEquals(expected.examples(), actual.examples());
        assertArrayEquals(expected.tokens(), actual.tokens());
        assertArrayEquals(expected.valid(), actual.valid());
        assertArrayEquals(expected.labels(), actual.labels());
    }
}
