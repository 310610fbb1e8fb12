package io.hattn.data;

import io.hattn.io.AtomicOutput;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The LRA's ListOps files ({@code basic_train.tsv}, {@code basic_val.tsv}, {@code basic_test.tsv}): a header
 * {@code Source<TAB>Target}, then one row per expression, the expression in the LRA's parenthesised text
 * ({@link ListOps#toLraText}) and its value. Rows end in CR LF, as Python's {@code csv.writer} (which wrote the
 * LRA files) ends them; the reader takes LF, CR LF or CR.
 *
 * <p>Reading drops {@code (} and {@code )} and keeps the operators, digits and {@code ]} as
 * {@link ListOpsVocabulary} ids. A row that is not two columns, has a token outside the vocabulary, unbalanced
 * parentheses, brackets that do not form one expression, or a label that is not a single digit 0-9 is an error
 * naming the file and the line.
 */
public final class ListOpsTsv {

    public static final String HEADER = "Source\tTarget";
    public static final String TRAIN = "basic_train.tsv";
    public static final String VALIDATION = "basic_val.tsv";
    public static final String TEST = "basic_test.tsv";

    private static final String ROW_END = "\r\n";

    private ListOpsTsv() {
    }

    /** Writes the examples atomically (whole or not at all). */
    public static void write(Path file, List<Example> examples, IntConsumer progress) throws IOException {
        AtomicOutput.write(file, temporary -> {
            try (BufferedWriter writer = Files.newBufferedWriter(temporary, StandardCharsets.US_ASCII)) {
                write(writer, examples, progress);
            }
        });
    }

    /** Writes header and rows to {@code writer}; {@code progress} (may be null) is told the rows written. */
    public static void write(Writer writer, List<Example> examples, IntConsumer progress) throws IOException {
        writer.write(HEADER);
        writer.write(ROW_END);
        StringBuilder row = new StringBuilder(16384);
        int written = 0;
        for (Example example : examples) {
            if (example.label() < 0 || example.label() > 9) {
                throw new IllegalArgumentException("example " + written + " has label " + example.label()
                        + ", not a digit 0-9");
            }
            row.setLength(0);
            ListOps.appendLraText(row, example.tokens());
            row.append('\t').append((char) ('0' + example.label())).append(ROW_END);
            writer.append(row);
            written++;
            if (progress != null && (written % 1000 == 0 || written == examples.size())) {
                progress.accept(written);
            }
        }
    }

    public static List<Example> read(Path file) throws IOException, MalformedDataException {
        try (BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder()), 1 << 16)) {
            return read(reader, file.toString());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new MalformedDataException(file.toString(), 0, "not a text file (invalid UTF-8)");
        }
    }

    /** Reads header and rows; {@code name} is the file named in error messages. */
    public static List<Example> read(BufferedReader reader, String name) throws IOException, MalformedDataException {
        String header = reader.readLine();
        if (header == null) {
            throw new MalformedDataException(name, 0, "empty file (expected the header '" + HEADER.replace("\t", "<TAB>")
                    + "' and rows)");
        }
        if (header.startsWith("\uFEFF")) {
            header = header.substring(1);
        }
        if (!header.equals(HEADER)) {
            throw new MalformedDataException(name, 1, "expected the header 'Source<TAB>Target', found '"
                    + abbreviate(header) + "'");
        }
        List<Example> examples = new ArrayList<>();
        RowParser parser = new RowParser(name);
        long lineNumber = 1;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isEmpty()) {
                continue;
            }
            examples.add(parser.parse(line, lineNumber));
        }
        return examples;
    }

    /** Parses one row into an example, reusing its token buffer. */
    private static final class RowParser {
        private final String name;
        private int[] tokens = new int[4096];

        RowParser(String name) {
            this.name = name;
        }

        Example parse(String line, long lineNumber) throws MalformedDataException {
            int tab = line.indexOf('\t');
            if (tab < 0 || line.indexOf('\t', tab + 1) >= 0) {
                long columns = line.chars().filter(c -> c == '\t').count() + 1;
                throw new MalformedDataException(name, lineNumber, "expected 2 tab-separated columns (Source, "
                        + "Target), found " + columns);
            }
            String target = line.substring(tab + 1).trim();
            if (target.length() != 1 || target.charAt(0) < '0' || target.charAt(0) > '9') {
                throw new MalformedDataException(name, lineNumber, "the label (Target) must be a digit 0-9, found '"
                        + abbreviate(target) + "'");
            }
            int count = 0;
            int open = 0;
            int i = 0;
            while (i < tab) {
                char c = line.charAt(i);
                if (c == ' ') {
                    i++;
                    continue;
                }
                int end = i;
                while (end < tab && line.charAt(end) != ' ') {
                    end++;
                }
                int id;
                if (end - i == 1 && c == '(') {
                    open++;
                    id = -1;
                } else if (end - i == 1 && c == ')') {
                    if (--open < 0) {
                        throw new MalformedDataException(name, lineNumber, "')' at character " + (i + 1)
                                + " closes no '('");
                    }
                    id = -1;
                } else {
                    id = idOf(line, i, end);
                    if (id < 0) {
                        throw new MalformedDataException(name, lineNumber, "unknown token '"
                                + abbreviate(line.substring(i, end)) + "' at character " + (i + 1)
                                + " (expected ( ) [MIN [MAX [MED [SM ] or a digit)");
                    }
                }
                if (id >= 0) {
                    if (count == tokens.length) {
                        tokens = Arrays.copyOf(tokens, count * 2);
                    }
                    tokens[count++] = id;
                }
                i = end;
            }
            if (open != 0) {
                throw new MalformedDataException(name, lineNumber, open + " '(' not closed by ')'");
            }
            if (count == 0) {
                throw new MalformedDataException(name, lineNumber, "empty expression (Source)");
            }
            int[] expression = Arrays.copyOf(tokens, count);
            try {
                ListOps.value(expression);
            } catch (IllegalArgumentException e) {
                throw new MalformedDataException(name, lineNumber, "not one ListOps expression: " + e.getMessage()
                        + " (counting operators, digits and ']')");
            }
            return Example.owning(expression, target.charAt(0) - '0');
        }
    }

    /** The id of the token {@code line[start, end)}, without making a string of it (rows are long); -1 if none. */
    private static int idOf(String line, int start, int end) {
        char c = line.charAt(start);
        if (end - start == 1) {
            return c >= '0' && c <= '9' ? ListOpsVocabulary.DIGIT_0 + c - '0' : c == ']' ? ListOpsVocabulary.END : -1;
        }
        if (c == '[') {
            for (int id = ListOpsVocabulary.MIN; id <= ListOpsVocabulary.SM; id++) {
                String token = ListOpsVocabulary.token(id);
                if (token.length() == end - start && line.startsWith(token, start)) {
                    return id;
                }
            }
        }
        return -1;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
