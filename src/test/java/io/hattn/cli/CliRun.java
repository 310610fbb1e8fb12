package io.hattn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the command line in-process with captured stdout and stderr, for the CLI tests. */
final class CliRun {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    /** Exit 2, a message containing {@code expected}, and no stack trace. */
    void assertBadInput(String expected, String... args) {
        int code = run(args);
        assertEquals(Main.BAD_INPUT, code, "exit code for " + String.join(" ", args) + "; stderr: " + err);
        assertTrue(err.toString().contains(expected), "message should contain '" + expected + "': " + err);
        assertFalse(err.toString().contains("\tat ") || err.toString().contains("Exception"),
                "no stack trace: " + err);
    }
}
