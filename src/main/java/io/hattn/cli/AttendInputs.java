package io.hattn.cli;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.FiniteResult;
import io.hattn.io.Npy;
import io.hattn.io.NpyArray;
import io.hattn.io.NpyFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads and checks the tensors of {@code hattn attend}: q, k, v as [L, d] or [B, H, L, d] (v may have its own
 * last dimension), an optional mask [L] or [B, L] of 0/1. Every complaint names the option and what was
 * expected.
 */
final class AttendInputs {

    private AttendInputs() {
    }

    /** Any .npy the reader takes (masks may be bool or integer). */
    static NpyArray read(String option, Path file) {
        try {
            return Npy.read(file);
        } catch (NpyFormatException e) {
            throw new BadInputException(option + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BadInputException(option + ": cannot read " + file + " (" + BadInputException.reason(e) + ")", e);
        }
    }

    /** A tensor of numbers: float32 or float64 only, since integers would silently become scores or values. */
    static NpyArray readFloats(String option, Path file) {
        NpyArray array = read(option, file);
        String dtype = array.sourceDtype();
        if (dtype.length() < 2 || dtype.charAt(1) != 'f') {
            throw new BadInputException(option + " must be float32 or float64, got dtype '" + dtype + "' in " + file
                    + " (convert it, e.g. a.astype(numpy.float32))");
        }
        return array;
    }

    /** The problem, with the spec derived from the shapes; the caller gives Nr, causal and the scale. */
    static AttentionProblem problem(NpyArray q, NpyArray k, NpyArray v, NpyArray mask, int block, boolean causal,
                                    Float scale) {
        int rank = q.rank();
        if (rank != 2 && rank != 4) {
            throw new BadInputException("--q must have shape [L, d] or [B, H, L, d], got " + q.shapeString());
        }
        if (!Arrays.equals(q.shape(), k.shape())) {
            throw new BadInputException("--k must have the shape of --q " + q.shapeString() + ", got "
                    + k.shapeString());
        }
        int[] expectedV = q.shape();
        expectedV[rank - 1] = v.rank() == rank ? v.dim(rank - 1) : -1;
        if (v.rank() != rank || !Arrays.equals(v.shape(), expectedV)) {
            throw new BadInputException("--v must have the shape of --q except its last dimension, "
                    + describeExpected(q.shape()) + ", got " + v.shapeString());
        }
        int batch = rank == 4 ? q.dim(0) : 1;
        int heads = rank == 4 ? q.dim(1) : 1;
        int length = q.dim(rank - 2);
        int dim = q.dim(rank - 1);
        int valueDim = v.dim(rank - 1);
        if (length == 0 || dim == 0 || valueDim == 0 || batch == 0 || heads == 0) {
            throw new BadInputException("--q and --v must not have an empty dimension, got " + q.shapeString()
                    + " and " + v.shapeString());
        }
        requireFinite("--q", q);
        requireFinite("--k", k);
        requireFinite("--v", v);
        float resolvedScale = scale != null ? scale : AttentionSpec.defaultScale(dim);
        AttentionSpec spec;
        try {
            spec = new AttentionSpec(batch, heads, length, dim, valueDim, block, causal, resolvedScale);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--block/--scale: " + e.getMessage(), e);
        }
        return new AttentionProblem(spec, q.data(), k.data(), v.data(), mask == null ? null
                : maskOf(mask, batch, length), null);
    }

    private static String describeExpected(int[] shape) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            text.append(i + 1 < shape.length ? shape[i] + ", " : "dv]");
        }
        return text.toString();
    }

    private static boolean[] maskOf(NpyArray mask, int batch, int length) {
        boolean broadcast = mask.rank() == 1 && mask.dim(0) == length;
        boolean perBatch = mask.rank() == 2 && mask.dim(0) == batch && mask.dim(1) == length;
        if (!broadcast && !perBatch) {
            throw new BadInputException("--mask must have shape [" + length + "] or [" + batch + ", " + length
                    + "], got " + mask.shapeString());
        }
        boolean[] valid = new boolean[batch * length];
        float[] data = mask.data();
        for (int i = 0; i < valid.length; i++) {
            float value = data[broadcast ? i % length : i];
            if (value != 0f && value != 1f) {
                throw new BadInputException("--mask must hold 0 (padding) or 1 (valid token), found " + value
                        + " at flat index " + (broadcast ? i % length : i));
            }
            valid[i] = value == 1f;
        }
        return valid;
    }

    /** Throws naming the option and the first non-finite element (the library would, without the option). */
    static void requireFinite(String option, NpyArray array) {
        float[] data = array.data();
        int bad = FiniteResult.firstNonFinite(data);
        if (bad >= 0) {
            throw new BadInputException(FiniteResult.notFinite(option, data, bad));
        }
    }
}
