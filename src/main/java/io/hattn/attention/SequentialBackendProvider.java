package io.hattn.attention;

import java.util.List;

/**
 * The oracle as a backend named "sequential": the literal O(L^2) definition in double precision, one thread.
 * Slow by design; it is what every other backend is tested against.
 */
public final class SequentialBackendProvider implements AttentionBackendProvider {

    public static final String NAME = "sequential";
    private static final DeviceInfo DEVICE = new DeviceInfo("0", "plain Java, 1 thread, double accumulation",
            "JVM", Runtime.getRuntime().maxMemory());

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "sequential oracle: the literal definition, O(L^2), double precision (tests and small inputs)";
    }

    @Override
    public List<DeviceInfo> devices() {
        return List.of(DEVICE);
    }

    @Override
    public AttentionBackend open(String deviceId) {
        if (deviceId != null && !deviceId.isBlank() && !deviceId.equals(DEVICE.id())) {
            throw new IllegalArgumentException("device for backend sequential must be 0, got '" + deviceId + "'");
        }
        return new AttentionBackend() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public String device() {
                return DEVICE.name();
            }

            @Override
            public void hierarchical(AttentionProblem problem, float[] out) {
                copy(HierarchicalAttentionReference.forward(problem), out);
                FiniteResult.require(problem, out);
            }

            @Override
            public void exact(AttentionProblem problem, float[] out) {
                copy(FullAttentionReference.forward(problem), out);
                FiniteResult.require(problem, out);
            }

            @Override
            public SavedForward hierarchicalForBackward(AttentionProblem problem) {
                return new SavedForward(NAME, problem, false, hierarchical(problem), null, null);
            }

            @Override
            public SavedForward exactForBackward(AttentionProblem problem) {
                return new SavedForward(NAME, problem, true, exact(problem), null, null);
            }

            /** The gradient oracle, which recomputes everything from the inputs in double. */
            @Override
            public AttentionGradients backward(SavedForward saved, float[] dOut) {
                SavedForward.requireFor(NAME, saved, dOut);
                return (saved.exact() ? GradientReference.exact(saved.problem(), dOut)
                        : GradientReference.hierarchical(saved.problem(), dOut)).toFloat();
            }
        };
    }

    private static void copy(double[] values, float[] out) {
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
    }
}
