package io.hattn.cli;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionGradients;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.SavedForward;
import io.hattn.io.NpyArray;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * {@code hattn attend --grad DOUT.npy --dq DQ.npy --dk DK.npy --dv DV.npy}: the gradients of sum(out * DOUT)
 * with respect to the raw q, k and v that were read, in their shapes (docs/algorithm.md section 11). Any subset
 * of --dq, --dk, --dv; each needs --grad, and --grad needs at least one.
 */
final class GradientOptions {

    @Option(names = "--grad", paramLabel = "DOUT.npy", description = "Gradient of the loss with respect to the "
            + "output (the output's shape); with --dq/--dk/--dv, writes the gradients of sum(out * DOUT).")
    Path grad;

    @Option(names = "--dq", paramLabel = "DQ.npy", description = "Gradient with respect to q (q's shape). Needs --grad.")
    Path dq;

    @Option(names = "--dk", paramLabel = "DK.npy", description = "Gradient with respect to k (k's shape). Needs --grad.")
    Path dk;

    @Option(names = "--dv", paramLabel = "DV.npy", description = "Gradient with respect to v (v's shape). Needs --grad.")
    Path dv;

    boolean requested() {
        return grad != null;
    }

    /** The option combinations, checked before anything is read; {@code out} is --out. */
    void check(Path out) {
        boolean anyTarget = dq != null || dk != null || dv != null;
        if (grad == null && anyTarget) {
            throw new BadInputException((dq != null ? "--dq" : dk != null ? "--dk" : "--dv")
                    + " needs --grad DOUT.npy (the gradient of the loss with respect to the output)");
        }
        if (grad != null && !anyTarget) {
            throw new BadInputException("--grad needs at least one of --dq, --dk, --dv to write");
        }
        Set<Path> targets = new HashSet<>();
        targets.add(out.toAbsolutePath().normalize());
        for (Object[] target : new Object[][] {{"--dq", dq}, {"--dk", dk}, {"--dv", dv}}) {
            if (target[1] != null && !targets.add(((Path) target[1]).toAbsolutePath().normalize())) {
                throw new BadInputException(target[0] + " must name a file of its own, got " + target[1]
                        + ", which another output option names too");
            }
        }
    }

    /** Reads --grad and checks that it has the output's shape and finite values. */
    float[] readOutputGradient(int[] outShape) {
        NpyArray array = AttendInputs.read("--grad", grad);
        if (!Arrays.equals(array.shape(), outShape)) {
            throw new BadInputException("--grad must have the output's shape " + Arrays.toString(outShape)
                    + ", got " + array.shapeString());
        }
        AttendInputs.requireFinite("--grad", array);
        return array.data();
    }

    /** The forward that keeps what the backward needs, and the backward; a backend without one is named. */
    static Result run(AttentionBackend backend, AttentionProblem problem, boolean exact, float[] dOut) {
        try {
            SavedForward saved = exact ? backend.exactForBackward(problem) : backend.hierarchicalForBackward(problem);
            return new Result(saved.output(), backend.backward(saved, dOut));
        } catch (UnsupportedOperationException e) {
            throw new BadInputException("--backend/--grad: " + e.getMessage(), e);
        }
    }

    record Result(float[] output, AttentionGradients gradients) {
    }

    /** Adds the requested gradient files to the outputs, in the shapes of q, k and v. */
    void addTo(OutputFiles files, AttentionGradients gradients, int[] queryShape, int[] valueShape) {
        if (dq != null) {
            files.add("--dq", dq, new NpyArray(queryShape.clone(), gradients.dq()));
        }
        if (dk != null) {
            files.add("--dk", dk, new NpyArray(queryShape.clone(), gradients.dk()));
        }
        if (dv != null) {
            files.add("--dv", dv, new NpyArray(valueShape.clone(), gradients.dv()));
        }
    }
}
