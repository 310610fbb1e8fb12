package io.hattn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.data.ListOpsFolder;
import io.hattn.data.ListOpsSplits;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hattn data listops}: the LRA layout, determinism, and bad arguments (exit 2, nothing written). */
class ListOpsDataCommandTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        err.getBuffer().setLength(0);
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static String[] small(Path out, String... more) {
        return Stream.concat(Stream.of("data", "listops", "--out", out.toString(), "--seed", "3", "--train", "12",
                "--val", "3", "--test", "2"), Stream.of(more)).toArray(String[]::new);
    }

    @Test
    void writesTheLraLayoutDeterministically() throws Exception {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        assertEquals(0, run(small(first)));
        assertEquals(0, run(small(second)));
        for (String name : ListOpsFolder.FILES) {
            assertArrayEquals(Files.readAllBytes(first.resolve(name)), Files.readAllBytes(second.resolve(name)), name);
        }
        ListOpsSplits splits = ListOpsFolder.read(first);
        assertEquals(List.of(12, 3, 2), List.of(splits.train().size(), splits.validation().size(),
                splits.test().size()));
        assertTrue(splits.train().stream().allMatch(e -> e.length() > 500 && e.length() < 2000));
        try (Stream<Path> files = Files.list(first)) {
            assertEquals(3, files.count(), "the three files, no staging left");
        }
    }

    @Test
    void existingFilesAreReplacedOnlyWithForce() throws Exception {
        Path out = dir.resolve("lo");
        assertEquals(0, run(small(out)));
        byte[] before = Files.readAllBytes(out.resolve("basic_train.tsv"));
        assertEquals(Main.BAD_INPUT, run(small(out)));
        assertTrue(err.toString().contains("--out") && err.toString().contains("--force"), err.toString());
        assertArrayEquals(before, Files.readAllBytes(out.resolve("basic_train.tsv")));
        String[] other = small(out, "--force");
        other[5] = "4";
        assertEquals(0, run(other));
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(out.resolve("basic_train.tsv"))));
    }

    @Test
    void badArgumentsNameTheOptionAndWriteNothing() throws Exception {
        Path out = dir.resolve("lo");
        String[][] cases = {
            {"data", "listops", "--out", out.toString(), "--train", "-1"},
            {"data", "listops", "--out", out.toString(), "--val", "-5"},
            {"data", "listops", "--out", out.toString(), "--train", "0", "--val", "0", "--test", "0"},
            {"data", "listops", "--out", out.toString(), "--seed", "x"},
            {"data", "listops", "--out", out.toString(), "--train", "2000000000"},
            {"data", "listops", "--out", dir.resolve("no/such/folder").toString()},
            {"data", "listops"},
            {"data"},
        };
        String[] named = {"--train", "--val", "--train", "--seed", "--train", "--out", "--out", "listops"};
        for (int i = 0; i < cases.length; i++) {
            assertEquals(Main.BAD_INPUT, run(cases[i]), String.join(" ", cases[i]));
            assertTrue(err.toString().contains(named[i]), err.toString());
        }
        Files.writeString(dir.resolve("file"), "x");
        assertEquals(Main.BAD_INPUT, run(small(dir.resolve("file"))));
        assertTrue(err.toString().contains("--out must name a folder"), err.toString());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("file")), files.toList());
        }
    }
}
