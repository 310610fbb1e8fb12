package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.vectors.Float8;

/**
 * The exponentials of a level with that level's own row maximum (docs/algorithm.md section 4, steps 2-3, and
 * section 5): {@code p = exp(s - m_l[t])} for one tile of eight scores, 0 where a score is no entry.
 * {@link Numerators} calls it on the tiles of its row, so the weights stay in registers and never go through
 * device memory.
 * <p>
 * Why eight scalar exps in one expression: TornadoVM 5.2 has no Float8 exp, and a separate exponentials kernel
 * with one work-item per score made PoCL vectorise across work-items with gathers and scatters (TornadoVM writes
 * addresses as integers), about 18 ms at 16K. Eight independent exps of one Float8, written side by side, are
 * joined by the OpenCL compiler's SLP vectoriser into one 8-wide exp with contiguous data: about 6 ms inside the
 * numerators at 16K.
 */
public final class Exponentials {

    private Exponentials() {
    }

    /**
     * @param scores eight scores of one row; a score at or below {@link Scores#REAL} is no entry
     * @param max    the row's maximum at its level, in every lane
     * @return {@code exp(s - max)} per lane, 0 for no entry
     */
    public static Float8 weights(Float8 scores, Float8 max) {
        Float8 shifted = Float8.sub(scores, max);
        Float8 exps = new Float8(TornadoMath.exp(shifted.getS0()), TornadoMath.exp(shifted.getS1()),
                TornadoMath.exp(shifted.getS2()), TornadoMath.exp(shifted.getS3()), TornadoMath.exp(shifted.getS4()),
                TornadoMath.exp(shifted.getS5()), TornadoMath.exp(shifted.getS6()), TornadoMath.exp(shifted.getS7()));
        // 1 for a real score, 0 for no entry: s - REAL is about 1e38 for a real score and below -1e38 otherwise
        // (an empty row has max = NONE, so its exps are 1, not 0, without this)
        Float8 entries = Float8.min(Float8.max(Float8.sub(scores, Lanes.splat(Scores.REAL)), Lanes.splat(0f)),
                Lanes.splat(1f));
        return Float8.mult(exps, entries);
    }
}
