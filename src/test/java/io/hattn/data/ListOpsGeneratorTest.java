package io.hattn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/** The generator follows the LRA's rules (docs/listops.md) and is deterministic. */
class ListOpsGeneratorTest {

    private static final ListOpsGenerator LRA = new ListOpsGenerator(ListOpsRules.LRA);

    @Test
    void lraRulesHoldForEveryExpression() {
        List<Example> examples = LRA.generate(7, 300, null);
        assertEquals(300, examples.size());
        assertEquals(300, new HashSet<>(examples).size(), "distinct");
        for (Example example : examples) {
            int[] tokens = example.tokens();
            assertTrue(example.length() > 500 && example.length() < 2000, "length " + example.length());
            assertTrue(ListOps.depth(tokens) <= 10, "depth " + ListOps.depth(tokens));
            for (int arguments : ListOpsTestTrees.argumentCounts(tokens)) {
                assertTrue(arguments >= 2 && arguments <= 10, "arguments " + arguments);
            }
            assertEquals(ListOps.value(tokens), example.label());
        }
    }

    @Test
    void labelsAgreeWithTheLraReadingOfTheText() {
        for (Example example : LRA.generate(3, 60, null)) {
            assertEquals(example.label(), ListOpsTestTrees.lraValue(ListOps.toLraText(example.tokens())));
        }
        ListOpsGenerator small = new ListOpsGenerator(ListOpsRules.LRA.withLengths(2, 60));
        for (Example example : small.generate(4, 500, null)) {
            assertEquals(example.label(), ListOpsTestTrees.lraValue(ListOps.toLraText(example.tokens())));
        }
    }

    @Test
    void operatorValues() {
        assertEquals(2, ListOps.value(ListOpsTestTrees.ids("[MED 1 2 3 4 ]")), "floor of the mean of 2 and 3");
        assertEquals(3, ListOps.value(ListOpsTestTrees.ids("[MED 4 3 ]")), "floor of 3.5");
        assertEquals(4, ListOps.value(ListOpsTestTrees.ids("[MED 9 0 4 ]")));
        assertEquals(7, ListOps.value(ListOpsTestTrees.ids("[SM 9 9 9 ]")));
        assertEquals(0, ListOps.value(ListOpsTestTrees.ids("[SM 5 5 ]")));
        assertEquals(1, ListOps.value(ListOpsTestTrees.ids("[MIN 3 1 2 ]")));
        assertEquals(9, ListOps.value(ListOpsTestTrees.ids("[MAX 3 9 2 ]")));
        assertEquals(4, ListOps.value(ListOpsTestTrees.ids("[MAX 2 [MIN 9 4 ] ]")));
        assertEquals(6, ListOps.value(ListOpsTestTrees.ids("[SM [MED 1 8 ] [MAX 2 2 ] ]")), "4 + 2");
        assertEquals(5, ListOps.value(ListOpsTestTrees.ids("5")));
        for (String malformed : new String[] {"[MAX 2 9", "[MAX ]", "2 3", "]", "[MIN 1 ] 2"}) {
            assertThrows(IllegalArgumentException.class, () -> ListOps.value(ListOpsTestTrees.ids(malformed)), malformed);
        }
    }

    @Test
    void deterministicForASeedAndAnyThreadCount() throws Exception {
        List<Example> first = LRA.generate(11, 200, null);
        assertEquals(first, LRA.generate(11, 200, null));
        List<Example> oneThread = new ForkJoinPool(1).submit(() -> LRA.generate(11, 200, null)).get();
        assertEquals(first, oneThread);
        assertEquals(first.subList(0, 70), LRA.generate(11, 70, null), "a prefix of a longer run");
        assertNotEquals(first, LRA.generate(12, 200, null));
    }

    @Test
    void theSequenceIsFixedByThisProjectNotByTheJdk() {
        // Recorded once; scripts/test runs this on JDK 17 and the newest JDK: a change means the data changed.
        Example first = LRA.generate(1, 1, null).get(0);
        assertEquals(List.of(1866, 2, 1589850000), List.of(first.length(), first.label(),
                Arrays.hashCode(first.tokens())));
    }

    @Test
    void splitsAreDisjointInTheLraOrder() {
        ListOpsSplits splits = LRA.generateSplits(5, 40, 7, 5, null);
        assertEquals(List.of(40, 7, 5), List.of(splits.train().size(), splits.validation().size(),
                splits.test().size()));
        List<Example> all = LRA.generate(5, 52, null);
        assertEquals(all.subList(0, 40), splits.train());
        assertEquals(all.subList(40, 47), splits.validation());
        assertEquals(all.subList(47, 52), splits.test());
    }

    @Test
    void duplicatesAreDropped() {
        // Lengths 2..4 (exclusive) leave only [OP d d ]: 4 x 100 trees, so a few thousand draws repeat often.
        ListOpsGenerator tiny = new ListOpsGenerator(ListOpsRules.LRA.withLengths(3, 5));
        List<Example> examples = tiny.generate(2, 400, null);
        assertEquals(400, new HashSet<>(examples).size());
        assertThrows(IllegalArgumentException.class, () -> LRA.generate(1, -1, null));
    }

    @Test
    void treesGrowByTheQuarterRule() {
        // Without a length filter (before deduplication): the root is an operator with probability 0.25, and
        // operators have 2..10 arguments uniformly (mean 6). 2048 trees: standard errors about 0.01 and 0.05.
        ListOpsGenerator unfiltered = new ListOpsGenerator(ListOpsRules.LRA.withLengths(0, 100_000));
        List<Example> trees = new java.util.ArrayList<>();
        for (long chunk = 0; chunk < 2048 / ListOpsGenerator.CHUNK; chunk++) {
            trees.addAll(unfiltered.chunk(9, chunk));
        }
        double operatorShare = trees.stream().filter(e -> e.length() > 1).count() / (double) trees.size();
        assertEquals(0.25, operatorShare, 0.03);
        double meanArguments = trees.stream().flatMap(e -> ListOpsTestTrees.argumentCounts(e.tokens()).stream())
                .mapToInt(Integer::intValue).average().orElseThrow();
        assertEquals(6.0, meanArguments, 0.15);
        assertTrue(trees.stream().allMatch(e -> ListOps.depth(e.tokens()) <= 10));
    }
}
