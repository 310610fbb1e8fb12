package io.hattn.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bar's time left: until the last step at the speed so far, or until the time budget ends if sooner. */
class ProgressTest {

    /** 10 steps in about a second, 100,000 to go: hours by the steps, so what the bar shows comes from the budget. */
    private static String shownAfterTwoSeconds(double budgetSeconds) throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Progress bar = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 0, 100_000,
                budgetSeconds)) {
            Thread.sleep(1100);
            bar.update(10, "loss 1.000");
            Thread.sleep(1100);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTimeBudgetThatEndsFirstIsTheTimeLeft() throws InterruptedException {
        String shown = shownAfterTwoSeconds(30);
        assertTrue(shown.contains(" / 0:00:2"), "30 s budget, about 2 s used: " + shown);
    }

    @Test
    void withoutABudgetTheStepsGiveTheTimeLeft() throws InterruptedException {
        String shown = shownAfterTwoSeconds(Double.POSITIVE_INFINITY);
        assertFalse(shown.contains(" / 0:00:"), "100,000 steps at about 5 per second take hours: " + shown);
        assertTrue(shown.contains("10/100000"), shown);
    }
}
