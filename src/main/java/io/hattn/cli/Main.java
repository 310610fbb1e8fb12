package io.hattn.cli;

import io.hattn.data.MalformedDataException;
import io.hattn.io.NpyFormatException;
import io.hattn.io.SafeTensorsFormatException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code hattn} command line. Exit codes: 0 success, 2 bad input (a message names the argument and what
 * was expected; no output file is left behind), 1 anything else.
 */
@Command(name = "hattn", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "H-Transformer-1D hierarchical attention: linear-cost attention for long sequences.",
        subcommands = {BenchCommand.class, AttendCommand.class, DevicesCommand.class, PlotCommand.class,
            DataCommand.class, TrainCommand.class, EvalCommand.class})
public final class Main implements Runnable {

    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line; tests set its out and err writers. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler(Main::handle);
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int handle(Exception error, CommandLine command, CommandLine.ParseResult parsed)
            throws Exception {
        if (error instanceof IllegalArgumentException || error instanceof BadInputException
                || error instanceof NpyFormatException || error instanceof MalformedDataException
                || error instanceof SafeTensorsFormatException) {
            PrintWriter err = command.getErr();
            err.println("hattn " + command.getCommandName() + ": " + error.getMessage());
            err.flush();
            return BAD_INPUT;
        }
        throw error;
    }
}
