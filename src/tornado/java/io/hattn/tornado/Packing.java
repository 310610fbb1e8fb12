package io.hattn.tornado;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Host copies between the caller's flat arrays ([batch, heads, length, width]) and the device layouts: rows
 * padded to a multiple of 8 floats (zeros add nothing to dot products), heads of one chunk back to back with
 * {@code rowsPerHead} rows each, and invalid (masked) tokens as zero rows (docs/algorithm.md section 3).
 * The only host work of a call besides the transfers.
 */
final class Packing {

    static final int LANES = 8;

    private Packing() {
    }

    static int chunks8(int width) {
        return (width + LANES - 1) / LANES;
    }

    /** Copies heads [firstHead, firstHead + heads) of {@code source} into {@code target}. */
    static void packTokens(AttentionProblem problem, float[] source, int width, int firstHead, int heads,
                           FloatArray target, int rowsPerHead) {
        AttentionSpec spec = problem.spec();
        int length = spec.length();
        int stride = chunks8(width) * LANES;
        MemorySegment segment = target.getSegment();
        // heads in parallel: the device waits for the copies, so the host's cores are free
        IntStream.range(0, heads).parallel().forEach(h -> {
            int head = firstHead + h;
            int batch = head / spec.heads();
            long sourceBase = (long) head * length * width;
            long targetBase = (long) h * rowsPerHead * stride;
            if (stride == width && problem.mask() == null) {
                MemorySegment.copy(source, (int) sourceBase, segment, ValueLayout.JAVA_FLOAT,
                        targetBase * Float.BYTES, length * width);
                return;
            }
            for (int i = 0; i < length; i++) {
                long targetRow = (targetBase + (long) i * stride) * Float.BYTES;
                if (problem.isValid(batch, i)) {
                    MemorySegment.copy(source, (int) (sourceBase + (long) i * width), segment,
                            ValueLayout.JAVA_FLOAT, targetRow, width);
                } else {
                    segment.asSlice(targetRow, (long) width * Float.BYTES).fill((byte) 0);
                }
            }
        });
    }

    /** Writes the level-0 validity (1 valid, 0 masked) of the chunk's heads; padded rows keep their 0. */
    static void packValidity(AttentionProblem problem, int firstHead, int heads, IntArray counts,
                             int rowsPerHead) {
        AttentionSpec spec = problem.spec();
        for (int h = 0; h < heads; h++) {
            int batch = (firstHead + h) / spec.heads();
            int base = h * rowsPerHead;
            for (int i = 0; i < spec.length(); i++) {
                counts.set(base + i, problem.isValid(batch, i) ? 1 : 0);
            }
        }
    }

    /**
     * The bias rows [4 Nr - 1] of the chunk's heads as eight-wide windows: window e of a head holds the entries
     * e .. e + 7 (zeros past the row's end, and everywhere when the problem has none), so the scores of eight
     * consecutive keys read their biases as one Float8. Layout [head][entry][8].
     */
    static void packBiasWindows(AttentionProblem problem, int firstHead, int heads, FloatArray windows) {
        AttentionSpec spec = problem.spec();
        int perHead = spec.biasEntriesPerHead();
        MemorySegment segment = windows.getSegment();
        segment.asSlice(0, (long) heads * perHead * LANES * Float.BYTES).fill((byte) 0);
        if (problem.bias() == null) {
            return;
        }
        for (int h = 0; h < heads; h++) {
            int source = ((firstHead + h) % spec.heads()) * perHead;
            for (int e = 0; e < perHead; e++) {
                long target = ((long) h * perHead + e) * LANES * Float.BYTES;
                MemorySegment.copy(problem.bias(), source + e, segment, ValueLayout.JAVA_FLOAT, target,
                        Math.min(LANES, perHead - e));
            }
        }
    }

    /** Copies the chunk's output rows ([heads][length][8-padded width]) into {@code out}. */
    static void unpackTokens(FloatArray source, int width, int length, int firstHead, int heads, float[] out) {
        int stride = chunks8(width) * LANES;
        MemorySegment segment = source.getSegment();
        IntStream.range(0, heads).parallel().forEach(h -> {
            long targetBase = (long) (firstHead + h) * length * width;
            long sourceBase = (long) h * length * stride;
            if (stride == width) {
                MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, sourceBase * Float.BYTES, out, (int) targetBase,
                        length * width);
                return;
            }
            for (int i = 0; i < length; i++) {
                MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, (sourceBase + (long) i * stride) * Float.BYTES,
                        out, (int) (targetBase + (long) i * width), width);
            }
        });
    }
}
