package io.hattn.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.HierarchyShape;
import io.hattn.tornado.kernels.KeyTiles;
import io.hattn.tornado.kernels.Levels;
import io.hattn.tornado.kernels.SlotKeys;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** Plain-Java checks of the kernels' index arithmetic and of the work-group settings (no device needed). */
class LayoutTest {

    /** The slots of every coarse row reach exactly the keys that docs/algorithm.md section 2 puts at that level. */
    @Test
    void slotsCoverEachLevelsPairsExactlyOnce() {
        for (int block : new int[] {2, 4, 6, 10, 16}) {
            HierarchyShape shape = HierarchyShape.of(block * 32, block);
            int n = shape.paddedLength();
            int half = block / 2;
            for (int level = 0; level < shape.levels(); level++) {
                int tokens = n >> level;
                for (int t = 0; t < tokens; t++) {
                    Set<Integer> expected = new HashSet<>();
                    for (int u = 0; u < tokens; u++) {
                        if (HierarchyShape.levelOf(t << level, u << level, block) == level) {
                            expected.add(u);
                        }
                    }
                    Set<Integer> reached = new HashSet<>();
                    int slots = SlotKeys.slots(half, level == 0);
                    for (int slot = 0; slot < slots; slot++) {
                        int u = SlotKeys.keyOf(slot, t, half, level == 0 ? 1 : 0);
                        if (u >= 0 && u < tokens) {
                            assertTrue(reached.add(u), "key " + u + " twice in row " + t);
                        }
                    }
                    assertEquals(expected, reached, "Nr=" + block + " level " + level + " row " + t);
                }
            }
        }
    }

    @Test
    void scoreTilesHoldEverySlotOnceWithRowsAMultipleOfThreeTiles() {
        for (int half : new int[] {1, 2, 3, 4, 8, 12, 16, 32}) {
            for (boolean level0 : new boolean[] {true, false}) {
                int rowTiles = SlotKeys.rowTiles(half, level0);
                int subs = KeyTiles.perHalfBlock(half);
                // Numerators takes a row's tiles three at a time
                assertEquals(0, rowTiles % 3, "half-block " + half);
                Set<Integer> slots = new HashSet<>();
                for (int tile = 0; tile < rowTiles; tile++) {
                    for (int lane = 0; lane < 8; lane++) {
                        int offset = 8 * (tile % subs) + lane;
                        if (offset < half) {
                            assertTrue(slots.add((tile / subs) * half + offset), "slot twice, half-block " + half);
                        }
                    }
                }
                assertEquals(SlotKeys.slots(half, level0), slots.size(), "half-block " + half);
            }
        }
    }

    @Test
    void levelsLieBackToBack() {
        int n = 256;
        int row = 0;
        for (int level = 1; level < 6; level++) {
            assertEquals(n + row, Levels.start(level, n));
            for (int t = 0; t < n >> level; t++, row++) {
                assertEquals(level, Levels.ofPyramidRow(row, n));
            }
        }
        assertEquals(2 * n - 2 * 8, Levels.allRows(n, 8));
    }

    /** Key tiles never mix two levels: every level starts on a half-block, in both row numberings. */
    @Test
    void levelsStartOnHalfBlocks() {
        for (int block : new int[] {2, 4, 6, 10, 16, 32}) {
            HierarchyShape shape = HierarchyShape.of(block * 40, block);
            int n = shape.paddedLength();
            int half = block / 2;
            for (int level = 0; level < shape.levels(); level++) {
                assertEquals(0, Levels.start(level, n) % half, "Nr=" + block + " level " + level);
                assertEquals(0, (n >> level) % half, "Nr=" + block + " level " + level + " size");
            }
            assertEquals(0, Levels.pyramidRows(n, block) % half, "Nr=" + block + " pyramid");
        }
    }

    /** The rows a work-item of the score and numerator kernels computes together read the same keys and values. */
    @Test
    void rowsOfOneWorkItemShareLevelAndHalfBlock() {
        for (int block : new int[] {2, 4, 6, 10, 16, 32}) {
            HierarchyShape shape = HierarchyShape.of(block * 40, block);
            int n = shape.paddedLength();
            int half = block / 2;
            int perItem = SlotKeys.rowsPerItem(half);
            for (int level0 = 0; level0 <= 1; level0++) {
                int rows = level0 == 1 ? n : Levels.pyramidRows(n, block);
                int arrayStart = level0 == 1 ? 0 : n;
                assertEquals(0, rows % perItem, "Nr=" + block);
                for (int first = 0; first < rows; first += perItem) {
                    int last = first + perItem - 1;
                    int level = Levels.ofLaunchRow(first, level0, n);
                    assertEquals(level, Levels.ofLaunchRow(last, level0, n), "Nr=" + block + " row " + first);
                    int start = Levels.start(level, n);
                    assertEquals((first + arrayStart - start) / half, (last + arrayStart - start) / half,
                            "Nr=" + block + " row " + first + " half-block");
                }
            }
        }
    }

    /** Window e of a head holds bias entries e .. e + 7 of that head's row, zeros past its end. */
    @Test
    void biasWindowsHoldEightConsecutiveEntries() {
        AttentionSpec spec = new AttentionSpec(2, 3, 40, 8, 8, 4, false, 0.3f);
        AttentionProblem problem = DeviceTier.random(spec, 7, false, true);
        int perHead = spec.biasEntriesPerHead();
        int heads = 4;
        FloatArray windows = new FloatArray(heads * perHead * Packing.LANES);
        windows.init(-1f);
        Packing.packBiasWindows(problem, 1, heads, windows);
        for (int h = 0; h < heads; h++) {
            int headInLayer = (1 + h) % spec.heads();
            for (int e = 0; e < perHead; e++) {
                for (int lane = 0; lane < Packing.LANES; lane++) {
                    float expected = e + lane < perHead ? problem.bias()[headInLayer * perHead + e + lane] : 0f;
                    assertEquals(expected, windows.get((h * perHead + e) * Packing.LANES + lane),
                            "head " + h + " window " + e + " lane " + lane);
                }
            }
        }
        Packing.packBiasWindows(problem.withBias(null), 0, heads, windows);
        for (int i = 0; i < windows.getSize(); i++) {
            assertEquals(0f, windows.get(i), "no bias: zeros");
        }
    }

    @Test
    void workGroupsFallBackFromDeviceTypeToBackendToDefault() {
        Properties properties = new Properties();
        properties.setProperty("opencl.cpu.local.x", "4");
        properties.setProperty("opencl.local.y", "2");
        properties.setProperty("default.local.x", "16");
        properties.setProperty("default.local.y", "8");
        properties.setProperty("default.local.rows", "32");
        properties.setProperty("default.memory.fraction", "0.5");
        WorkGroups cpu = WorkGroups.from(properties, "opencl", "cpu");
        assertEquals(new WorkGroups("opencl.cpu", 4, 2, 32, 0.5), cpu);
        assertEquals(new WorkGroups("ptx.gpu", 16, 8, 32, 0.5), WorkGroups.from(properties, "ptx", "gpu"));
        properties.setProperty("ptx.local.rows", "zero");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> WorkGroups.from(properties, "ptx", "gpu"));
        assertTrue(error.getMessage().startsWith("local.rows for ptx.gpu must be an integer"), error.getMessage());
    }

    @Test
    void readsTornadoMemorySizes() {
        assertEquals(4L << 30, WorkGroups.parseSize("4GB"));
        assertEquals(512L << 20, WorkGroups.parseSize("512mb"));
        assertEquals(3L << 29, WorkGroups.parseSize("1.5G"));
        assertThrows(IllegalArgumentException.class, () -> WorkGroups.parseSize("lots"));
    }

    @Test
    void shippedWorkGroupsCoverEveryBackendType() {
        Properties shipped = WorkGroups.load();
        for (String backend : new String[] {"opencl", "ptx", "spirv"}) {
            for (String type : new String[] {"cpu", "gpu", "accelerator", "fpga"}) {
                WorkGroups groups = WorkGroups.from(shipped, backend, type);
                assertTrue(groups.localX() > 0 && groups.localY() > 0 && groups.localRows() > 0, groups.toString());
            }
        }
    }
}
