package io.hattn.tornado;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.testing.OfficialCases;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Check 9 of docs/algorithm.md section 10 on the device: the official flaxformer outputs, without and with the
 * relative-position bias, as the default tier checks the oracle and the CPU backend (OfficialOutputsTest).
 * Not yet run on a device when written (no TornadoVM on that machine): the ceiling is the CPU backend's,
 * whose float32 arithmetic the device tier matches on the random cases.
 */
class OfficialOutputsOnDeviceTest {

    private static final double CEILING = 1.1e-6;

    static Stream<OfficialCases.Case> cases() throws Exception {
        List<OfficialCases.Case> plain = OfficialCases.load("official-h-attention", 9, false);
        List<OfficialCases.Case> biased = OfficialCases.load("official-h-attention-bias", 8, true);
        return Stream.concat(plain.stream(), biased.stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reproducesTheOfficialOutput(OfficialCases.Case officialCase) {
        float[] actual = DeviceTier.backend().hierarchical(officialCase.problem());
        double error = OfficialCases.maxAbsError(officialCase.expected(), actual);
        assertTrue(error <= CEILING, String.format("%s on tornado: max |diff| %.3g > %.2g", officialCase.name(),
                error, CEILING));
    }
}
