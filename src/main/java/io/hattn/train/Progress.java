package io.hattn.train;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The progress bar of a training run on stderr: step of steps, the latest figures, and the time left. */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    Progress(PrintStream out, long done, long total) {
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(total).startsFrom(done,
                        java.time.Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).showSpeed()
                // a fixed width: measuring the terminal loads jline's native library, which JDK 25 warns about
                .setConsumer(new ConsoleProgressBarConsumer(out, 110)).build();
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
