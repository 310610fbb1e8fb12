package io.hattn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LRA's TSV layout: the text of each expression, the round trip, and errors naming file and line. */
class ListOpsTsvTest {

    @TempDir
    Path dir;

    @Test
    void expressionsAreWrittenAsTheLraWritesThem() {
        assertEquals("( ( ( [MAX 2 ) 9 ) ] )", ListOps.toLraText(ListOpsTestTrees.ids("[MAX 2 9 ]")));
        assertEquals("( ( ( [MAX 2 ) ( ( ( [MIN 9 ) 4 ) ] ) ) ] )",
                ListOps.toLraText(ListOpsTestTrees.ids("[MAX 2 [MIN 9 4 ] ]")));
        assertEquals("( ( ( ( [SM 2 ) 6 ) 5 ) ] )", ListOps.toLraText(ListOpsTestTrees.ids("[SM 2 6 5 ]")));
        assertEquals("7", ListOps.toLraText(ListOpsTestTrees.ids("7")));
    }

    @Test
    void roundTripThroughAFile() throws Exception {
        List<Example> examples = new ArrayList<>(new ListOpsGenerator(ListOpsRules.LRA).generate(21, 20, null));
        examples.addAll(new ListOpsGenerator(ListOpsRules.LRA.withLengths(2, 40)).generate(22, 200, null));
        Path file = dir.resolve(ListOpsTsv.TRAIN);
        List<Integer> progress = new ArrayList<>();
        ListOpsTsv.write(file, examples, progress::add);
        assertEquals(List.of(220), progress);
        assertEquals(examples, ListOpsTsv.read(file));
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("Source\tTarget\r\n( ( ("), "header and CR LF rows as Python's csv module writes");
        assertEquals(221, text.split("\r\n").length);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left");
        }
    }

    @Test
    void readsLraRowsWithAnyLineEnd() throws Exception {
        String rows = "( ( ( [MAX 2 ) ( ( ( [MIN 9 ) 4 ) ] ) ) ] )\t4\n( ( ( ( [SM 2 ) 6 ) 5 ) ] )\t3\n";
        for (String end : new String[] {"\n", "\r\n", "\r"}) {
            String text = ("Source\tTarget\n" + rows).replace("\n", end);
            List<Example> examples = ListOpsTsv.read(new BufferedReader(new StringReader(text)), "x.tsv");
            assertEquals(2, examples.size());
            assertArrayEquals(ListOpsTestTrees.ids("[MAX 2 [MIN 9 4 ] ]"), examples.get(0).tokens());
            assertArrayEquals(new int[] {ListOpsVocabulary.MAX, 8, ListOpsVocabulary.MIN, 15, 10, 5, 5},
                    examples.get(0).tokens(), "ids: [MAX=2, digit d=6+d, [MIN=1, ]=5");
            assertEquals(4, examples.get(0).label());
            assertEquals(3, examples.get(1).label());
        }
    }

    @Test
    void writerAndLraReadingAgree() throws IOException {
        StringWriter text = new StringWriter();
        List<Example> examples = new ListOpsGenerator(ListOpsRules.LRA.withLengths(2, 200)).generate(5, 50, null);
        ListOpsTsv.write(text, examples, null);
        String[] rows = text.toString().split("\r\n");
        for (int i = 0; i < examples.size(); i++) {
            String[] columns = rows[i + 1].split("\t");
            assertEquals(examples.get(i).label(), Integer.parseInt(columns[1]));
            assertEquals(examples.get(i).label(), ListOpsTestTrees.lraValue(columns[0]));
        }
    }

    @Test
    void malformedRowsNameTheFileAndLine() {
        String good = "( ( ( [MAX 2 ) 9 ) ] )\t9";
        assertError("Source\tTarget\n" + good + "\n( ( ( [MAX 2 ) 9 ) ] )\n", "line 3", "2 tab-separated columns");
        assertError("Source\tTarget\n" + good + "\t1\n", "line 2", "found 3");
        assertError("Source\tTarget\n( ( ( [MAX 2 ) 9 ) ] )\t10\n", "line 2", "label");
        assertError("Source\tTarget\n( ( ( [MAX 2 ) 9 ) ] )\tx\n", "line 2", "label");
        assertError("Source\tTarget\n( ( ( [MAX 2 ) 9 ) ] )\t\n", "line 2", "label");
        assertError("Source\tTarget\n" + good + "\n( ( ( [FIRST 2 ) 9 ) ] )\t2\n", "line 3", "unknown token '[FIRST'");
        assertError("Source\tTarget\n( ( ( [MAX 12 ) 9 ) ] )\t2\n", "line 2", "unknown token '12'");
        assertError("Source\tTarget\n( ( [MAX 2 ) 9 ) ] )\t9\n", "line 2", "closes no '('");
        assertError("Source\tTarget\n( ( ( ( [MAX 2 ) 9 ) ] )\t9\n", "line 2", "not closed");
        assertError("Source\tTarget\n( ( ( [MAX 2 ) 9 ) )\t9\n", "line 2", "not closed by ']'");
        assertError("Source\tTarget\n( ( 2 ) 9 )\t9\n", "line 2", "follows a complete expression");
        assertError("Source\tTarget\n\t9\n", "line 2", "empty expression");
        assertError("Target\tSource\n" + good + "\n", "line 1", "header");
        assertError("", "bad.tsv: empty file", "");
    }

    @Test
    void unreadableFilesNameTheFile() throws IOException {
        Path binary = dir.resolve("binary.tsv");
        Files.write(binary, new byte[] {'S', (byte) 0xC3, (byte) 0x28, '\n'});
        MalformedDataException error = assertThrows(MalformedDataException.class, () -> ListOpsTsv.read(binary));
        assertTrue(error.getMessage().contains("binary.tsv") && error.getMessage().contains("UTF-8"),
                error.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ListOpsTsv.read(dir.resolve("absent.tsv")));
    }

    private static void assertError(String text, String where, String what) {
        MalformedDataException error = assertThrows(MalformedDataException.class,
                () -> ListOpsTsv.read(new BufferedReader(new StringReader(text)), "bad.tsv"));
        String message = error.getMessage();
        assertTrue(message.startsWith("bad.tsv") && message.contains(where) && message.contains(what), message);
    }
}
