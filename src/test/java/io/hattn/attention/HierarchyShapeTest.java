package io.hattn.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The level map and padding of docs/algorithm.md sections 1-2, for the backends' {@link HierarchyShape} and for
 * the oracle's own derivation alike (they share no code, so each is pinned to the specification here).
 */
class HierarchyShapeTest {

    interface LevelMap {
        int levelOf(int i, int j, int block);
    }

    static Stream<Arguments> levelMaps() {
        return Stream.of(Arguments.of("HierarchyShape", (LevelMap) HierarchyShape::levelOf),
                Arguments.of("oracle", (LevelMap) HierarchicalAttentionReference::levelOf));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("levelMaps")
    void levelMapOfLength8MatchesSection2(String name, LevelMap map) {
        String[] expected = {"00001111", "00001111", "00000011", "00000011",
            "11000000", "11000000", "11110000", "11110000"};
        int[] counts = new int[2];
        for (int i = 0; i < 8; i++) {
            StringBuilder row = new StringBuilder();
            for (int j = 0; j < 8; j++) {
                int level = map.levelOf(i, j, 2);
                row.append(level);
                counts[level]++;
            }
            assertEquals(expected[i], row.toString(), "row " + i);
        }
        assertEquals(40, counts[0]);
        assertEquals(24, counts[1]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("levelMaps")
    void levelMapOfLength16MatchesSection2(String name, LevelMap map) {
        String[] expectedRows = {"0000111122222222", "1100000011112222", "2222110000001111", "2222222211000000"};
        int[] counts = new int[3];
        for (int i = 0; i < 16; i++) {
            StringBuilder row = new StringBuilder();
            for (int j = 0; j < 16; j++) {
                int level = map.levelOf(i, j, 2);
                row.append(level);
                counts[level]++;
            }
            if (i % 4 == 0) {
                assertEquals(expectedRows[i / 4], row.toString(), "row " + i);
            }
        }
        assertEquals(88, counts[0]);
        assertEquals(72, counts[1]);
        assertEquals(96, counts[2]);
    }

    @ParameterizedTest
    @CsvSource({"8,2,8,2", "9,2,16,3", "32,16,32,1", "33,16,64,2", "1000,16,1024,6", "1024,16,1024,6",
        "1025,16,2048,7", "40,4,64,4"})
    void padsToBlockTimesPowerOfTwo(int length, int block, int padded, int levels) {
        HierarchyShape shape = HierarchyShape.of(length, block);
        assertEquals(padded, shape.paddedLength());
        assertEquals(levels, shape.levels());
        assertEquals(2, shape.blocksAt(levels - 1), "the coarsest level has exactly two blocks");
        assertEquals(padded != length, shape.isPadded());
        assertEquals(padded, HierarchicalAttentionReference.paddedLength(length, block), "the oracle's padding");
    }

    @Test
    void specRejectsBadBlockWithMessagesNamingTheArgument() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AttentionSpec.of(1, 1, 64, 8, 3, false))
                .getMessage().contains("block"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AttentionSpec.of(1, 1, 64, 8, 34, false))
                .getMessage().contains("<= length/2 = 32"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AttentionSpec.of(1, 0, 64, 8, 4, false))
                .getMessage().contains("heads"));
    }
}
