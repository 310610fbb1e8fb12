package io.hattn.data;

/**
 * A data file is not in the format its reader expects. Checked, so that callers decide what to tell the user;
 * the message names the file and, where there is one, the line.
 */
public final class MalformedDataException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;

    /** @param line the 1-based line, or 0 when the problem is not on one line */
    public MalformedDataException(String file, long line, String problem) {
        super(file + (line > 0 ? " line " + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    /** The 1-based line of the problem, 0 when it is not on one line. */
    public long line() {
        return line;
    }
}
