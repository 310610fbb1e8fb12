package io.hattn.cli;

import io.hattn.io.Npy;
import io.hattn.io.NpyArray;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several .npy outputs written all or none: each goes to a hidden temporary file beside its target first; only
 * when every one is complete are they renamed over their targets. A failure removes the temporaries.
 */
final class OutputFiles {
    private final Map<Path, NpyArray> files = new LinkedHashMap<>();
    private final Map<Path, String> options = new LinkedHashMap<>();

    /** A file to write, and the option that named it (for the message when it cannot be written). */
    void add(String option, Path target, NpyArray array) {
        files.put(target, array);
        options.put(target, option);
    }

    void writeAll() throws IOException {
        List<Path[]> written = new ArrayList<>();
        try {
            for (Map.Entry<Path, NpyArray> file : files.entrySet()) {
                Path target = file.getKey().toAbsolutePath();
                Path temporary = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid()
                        + "." + System.nanoTime() + ".part");
                written.add(new Path[] {temporary, target});
                try {
                    Npy.write(temporary, file.getValue());
                } catch (IOException e) {
                    throw new BadInputException(options.get(file.getKey()) + ": cannot write " + file.getKey() + " ("
                            + e + "); no output was written", e);
                }
            }
            for (Path[] file : written) {
                try {
                    Files.move(file[0], file[1], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(file[0], file[1], StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } finally {
            for (Path[] file : written) {
                Files.deleteIfExists(file[0]);
            }
        }
    }
}
