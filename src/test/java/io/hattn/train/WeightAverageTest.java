package io.hattn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.nn.Parameters;
import org.junit.jupiter.api.Test;

/** The moving average's formula, its warm-up of the decay, and the swap that evaluates it without a trace. */
class WeightAverageTest {

    private static Parameters weights(float... values) {
        Parameters parameters = new Parameters();
        parameters.add("w", values.length);
        parameters.allocate();
        System.arraycopy(values, 0, parameters.values(), 0, values.length);
        return parameters;
    }

    @Test
    void followsTheWeightsWithADecayThatWarmsUp() {
        Parameters parameters = weights(1f, -2f);
        WeightAverage average = WeightAverage.of(0.99f, parameters);
        assertArrayEquals(new float[] {1f, -2f}, average.values(), "starts at the weights");

        parameters.values()[0] = 3f;
        parameters.values()[1] = 0f;
        average.update(parameters, 1);
        // step 1: d = min(0.99, 2 / 11), so the average moves 9/11 of the way to the weights
        assertEquals(1 + 2 * 9 / 11.0, average.values()[0], 1e-6);
        assertEquals(-2 + 2 * 9 / 11.0, average.values()[1], 1e-6);

        float before = average.values()[0];
        average.update(parameters, 10_000);
        // late: d = 0.99, one hundredth of the way
        assertEquals(before + (3 - before) * 0.01, average.values()[0], 1e-6);
    }

    @Test
    void evaluatesTheAverageAndPutsTheWeightsBackBitForBit() {
        Parameters parameters = weights(0.1f, 0.2f, 0.3f);
        WeightAverage average = WeightAverage.of(0.9f, parameters);
        parameters.values()[1] = 7.7f;
        average.update(parameters, 50);
        float[] trained = parameters.values().clone();
        float[] averaged = average.values().clone();
        float[] seen = average.withAverage(parameters, () -> parameters.values().clone());
        assertArrayEquals(averaged, seen, "the action sees the average");
        assertArrayEquals(trained, parameters.values(), "the trained weights are back");
        assertArrayEquals(averaged, average.values(), "and the average too");
        assertFalse(java.util.Arrays.equals(trained, averaged));
    }

    @Test
    void offDoesNothing() {
        Parameters parameters = weights(1f);
        WeightAverage off = WeightAverage.off();
        off.update(parameters, 1);
        assertFalse(off.enabled());
        assertEquals(1f, off.withAverage(parameters, () -> parameters.values()[0]));
        assertThrows(IllegalStateException.class, off::values);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WeightAverage.of(1f, parameters))
                .getMessage().contains("--ema"));
    }
}
