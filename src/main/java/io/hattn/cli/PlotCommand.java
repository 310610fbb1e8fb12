package io.hattn.cli;

import io.hattn.benchmark.ScalingPlot;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hattn plot}: time per call and GFLOP/s against L from result CSV files, as one PNG. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Plots results CSV files (from 'hattn bench --format csv', 'hattn bench --decode --format csv' "
                + "or bench/run) against L as PNG.")
final class PlotCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "RESULTS.csv", description = "Result files.")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "PLOT.png", description = "Output PNG.")
    Path out;

    @Option(names = "--title", defaultValue = "hattn: hierarchical vs exact attention",
            description = "Title of the figure.")
    String title;

    @Override
    public Integer call() throws Exception {
        if (io.hattn.benchmark.DecodePlot.isDecodeCsv(inputs.get(0))) {
            io.hattn.benchmark.DecodePlot.fromCsv(inputs, title).save(out);
        } else {
            ScalingPlot.fromCsv(inputs, title).save(out);
        }
        System.err.println("wrote " + out);
        return 0;
    }
}
