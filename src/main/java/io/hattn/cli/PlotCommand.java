package io.hattn.cli;

import io.hattn.benchmark.DecodePlot;
import io.hattn.benchmark.ScalingPlot;
import java.io.IOException;
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
        OutputFiles.requireWritable("--out", out);
        OutputFiles.AtomicWrite plot;
        try {
            if (DecodePlot.isDecodeCsv(inputs.get(0))) {
                plot = DecodePlot.fromCsv(inputs, title)::save;
            } else {
                plot = ScalingPlot.fromCsv(inputs, title)::save;
            }
        } catch (IOException e) {
            throw new BadInputException("RESULTS.csv: cannot read the results in " + inputs + " ("
                    + BadInputException.reason(e) + ")", e);
        } catch (RuntimeException e) {
            throw new BadInputException("RESULTS.csv: " + inputs + " are not results of 'hattn bench --format csv', "
                    + "'hattn bench --decode --format csv' or bench/run (" + e.getMessage() + ")", e);
        }
        OutputFiles.write("--out", out, plot);
        System.err.println("wrote " + out);
        return 0;
    }
}
