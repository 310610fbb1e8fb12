package io.hattn.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link ByteModel} against byte counts worked out by hand (docs/algorithm.md section 9). */
class ByteModelTest {

    /** batch 2, heads 3, L 64, d 4, dv 6, Nr 4: 6 heads, nb = 16 blocks, M = 4 levels, no padding. */
    private static final AttentionSpec SPEC = new AttentionSpec(2, 3, 64, 4, 6, 4, false, 0.5f);

    // q and k: 6 heads x 64 tokens x 4 = 1536 floats each; v and the output: 6 x 64 x 6 = 2304 each.
    // 2 x 1536 + 2 x 2304 = 7680 floats = 30720 bytes. The mask: 2 x 64 = 128 booleans, 1 byte each.
    private static final long INPUTS_AND_OUTPUT = 30720;
    private static final long MASK = 128;
    // Coarse levels 1..3: 32 + 16 + 8 = 56 = 64 - 2 x 4 tokens per head, each 2 x 4 + 6 = 14 floats:
    // 6 heads x 56 x 14 = 4704 floats = 18816 bytes, written once and read once.
    private static final long COARSE = 18816;

    @Test
    void exactMovesTheInputsAndTheOutput() {
        assertEquals(INPUTS_AND_OUTPUT, ByteModel.exact(SPEC, false));
        assertEquals(INPUTS_AND_OUTPUT + MASK, ByteModel.exact(SPEC, true));
    }

    @Test
    void hierarchicalAddsTheCoarseLevelsWrittenAndReadOnce() {
        assertEquals(COARSE, ByteModel.coarseLevels(SPEC));
        assertEquals(INPUTS_AND_OUTPUT + 2 * COARSE, ByteModel.hierarchical(SPEC, false)); // 68352
        assertEquals(INPUTS_AND_OUTPUT + MASK + 2 * COARSE, ByteModel.hierarchical(SPEC, true)); // 68480
    }

    @Test
    void causalMovesAsMuch() {
        assertEquals(ByteModel.hierarchical(SPEC, false), ByteModel.hierarchical(SPEC.withCausal(true), false));
    }

    @Test
    void paddingEnlargesThePyramidButNotTheInputs() {
        // L 40 pads to 64 (10 blocks -> 16): the same 56 coarse tokens per head, inputs of 40 tokens:
        // 6 x 40 x (4 + 4 + 6 + 6) = 4800 floats = 19200 bytes.
        AttentionSpec padded = new AttentionSpec(2, 3, 40, 4, 6, 4, false, 0.5f);
        assertEquals(COARSE, ByteModel.coarseLevels(padded));
        assertEquals(19200 + 2 * COARSE, ByteModel.hierarchical(padded, false));
    }

    @Test
    void oneLevelIsExactAttentionAndHasNoPyramid() {
        AttentionSpec oneLevel = new AttentionSpec(1, 2, 8, 4, 4, 4, true, 0.5f);
        assertEquals(0, ByteModel.coarseLevels(oneLevel));
        assertEquals(ByteModel.exact(oneLevel, true), ByteModel.hierarchical(oneLevel, true));
    }
}
