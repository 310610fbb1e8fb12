package io.hattn.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The order in which the exact paths take their tiles: every tile once, and causal work spread evenly. */
class BalancedOrderTest {

    @Test
    void everyTileOnceInBothModes() {
        for (int tiles = 1; tiles <= 9; tiles++) {
            for (boolean causal : new boolean[] {false, true}) {
                boolean[] seen = new boolean[tiles];
                for (int n = 0; n < tiles; n++) {
                    int tile = ExactForward.balancedOrder(n, tiles, causal);
                    assertTrue(tile >= 0 && tile < tiles && !seen[tile],
                            "tiles " + tiles + " causal " + causal + ": position " + n + " gave tile " + tile);
                    seen[tile] = true;
                }
            }
        }
    }

    @Test
    void causalPairsCarryEqualWork() {
        int tiles = 256;
        for (int n = 0; n + 1 < tiles; n += 2) {
            int work = ExactForward.balancedOrder(n, tiles, true) + 1 + ExactForward.balancedOrder(n + 1, tiles, true)
                    + 1;
            assertEquals(tiles + 1, work, "causal tiles at positions " + n + " and " + (n + 1));
        }
        assertEquals(5, ExactForward.balancedOrder(5, tiles, false), "bidirectional keeps the order");
    }
}
