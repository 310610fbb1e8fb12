package io.hattn.tornado;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.FullAttentionReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Exact attention on the device (the tiled online-softmax kernel) against {@link FullAttentionReference}. */
class ExactDeviceTest {

    /** About 2x the figures measured on PoCL (2-core EPYC): max-abs 4.8e-7, relative L2 3.6e-7. */
    private static final DeviceTier.Tolerance EXACT = new DeviceTier.Tolerance(1e-6, 0, 1e-6, 7.5e-7);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new AttentionSpec(2, 2, 300, 24, 24, 4, false, AttentionSpec.defaultScale(24)), true),
                Arguments.of(new AttentionSpec(1, 3, 257, 13, 21, 4, true, AttentionSpec.defaultScale(13)), true),
                Arguments.of(new AttentionSpec(1, 1, 1000, 64, 64, 16, true, AttentionSpec.defaultScale(64)), false));
    }

    @ParameterizedTest(name = "{0} masked={1}")
    @MethodSource("cases")
    void matchesTheExactReference(AttentionSpec spec, boolean masked) {
        AttentionProblem problem = DeviceTier.random(spec, spec.length(), masked, false);
        EXACT.check("exact " + spec, DeviceTier.backend().exact(problem), FullAttentionReference.forward(problem));
    }

    @Test
    void rejectsTheBias() {
        TornadoAttentionBackend backend = DeviceTier.backend();
        AttentionSpec spec = AttentionSpec.of(1, 1, 16, 8, 4, false);
        AttentionProblem problem = DeviceTier.random(spec, 1, false, true);
        assertThrows(IllegalArgumentException.class, () -> backend.exact(problem));
    }
}
