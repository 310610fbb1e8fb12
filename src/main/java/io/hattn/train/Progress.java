package io.hattn.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import me.tongfei.progressbar.ProgressState;

/**
 * The progress bar of a training run on stderr: step of steps, the latest figures, and the time left: until
 * the last step at the speed so far, or until the time budget (--time-limit) runs out, whichever comes first.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final double budgetLeftAtStart;

    /**
     * A bar from step {@code done} of {@code total}; {@code budgetLeftSeconds} is what the time budget leaves
     * the run (infinite without one).
     */
    Progress(PrintStream out, long done, long total, double budgetLeftSeconds) {
        this.budgetLeftAtStart = budgetLeftSeconds;
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(total).startsFrom(done, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).showSpeed()
                .setEtaFunction(this::timeLeft)
                // a fixed width: measuring the terminal loads jline's native library, which JDK 25 warns about
                .setConsumer(new ConsoleProgressBarConsumer(out, 110)).build();
    }

    private Optional<Duration> timeLeft(ProgressState state) {
        long stepsDone = state.getCurrent() - state.getStart();
        if (stepsDone <= 0) {
            return Optional.empty();
        }
        double seconds = state.getElapsedAfterStart().toMillis() / 1000.0;
        double bySteps = seconds / stepsDone * (state.getMax() - state.getCurrent());
        double byBudget = budgetLeftAtStart - seconds;
        return Optional.of(Duration.ofSeconds(Math.round(Math.max(0, Math.min(bySteps, byBudget)))));
    }

    void update(long step, String message) {
        bar.stepTo(step);
        bar.setExtraMessage(" " + message);
    }

    @Override
    public void close() {
        bar.close();
    }
}
