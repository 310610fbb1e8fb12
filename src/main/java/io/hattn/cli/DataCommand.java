package io.hattn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hattn data}: makes the data sets of the paper's experiments. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Generates data sets in their original layouts.",
        subcommands = {ListOpsDataCommand.class})
final class DataCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "hattn data: name a data set, e.g. 'listops'");
    }
}
