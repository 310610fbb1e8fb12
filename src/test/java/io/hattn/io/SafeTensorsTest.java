package io.hattn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * safetensors against files of Python's {@code safetensors} package (src/test/resources/safetensors/, made by
 * make_python_file.py there; values recomputed here from the same formulas), round trips, and corrupt files.
 */
class SafeTensorsTest {

    @TempDir
    Path dir;

    private static Path resource(String name) throws Exception {
        return Path.of(SafeTensorsTest.class.getResource("/safetensors/" + name).toURI());
    }

    @Test
    void readsTheFileOfPythonsSafetensors() throws Exception {
        SafeTensors file = SafeTensors.read(resource("python.safetensors"));
        Map<String, String> metadata = Map.of("format", "pt", "model.width", "128", "model.layers", "4",
                "task", "listops", "note", "caf\u00e9 \"quoted\"");
        assertEquals(metadata, file.metadata());
        assertEquals(List.of("optimizer.step", "double.values", "empty", "encoder.layer0.bias",
                "encoder.layer0.weight", "scale", "counts"), file.names(), "in the order of their data");

        float[] weight = file.floats("encoder.layer0.weight", 3, 4);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(r * 10 + c + 0.5f, weight[r * 4 + c]);
            }
        }
        float[] bias = file.floats("encoder.layer0.bias", 5);
        assertArrayEquals(new float[] {0.1f, -0.0f, 1e-30f, -3.4e38f, 7.0f}, bias);
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(bias[1]), "negative zero kept");
        assertArrayEquals(new float[] {0.125f}, file.floats("scale"));
        assertEquals(0, file.floats("empty", 2, 0).length);

        SafeTensor doubles = file.tensor("double.values");
        assertEquals(SafeTensors.DType.F64, doubles.dtype());
        assertArrayEquals(new long[] {2, 3, 4}, doubles.shape());
        double[] values = doubles.doubles();
        for (int i = 0; i < 24; i++) {
            assertEquals(i / 3.0, values[i]);
        }
        assertArrayEquals(new long[] {40, -1, (1L << 40) + 7}, file.tensor("optimizer.step").longs());
        assertArrayEquals(new int[] {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE}, file.tensor("counts").ints());
        assertArrayEquals(new long[] {2, 2}, file.tensor("counts").shape());
    }

    /** The tensors of make_python_file.py and check_java_file.py, made in Java. */
    private static List<SafeTensor> pythonsTensors() {
        float[] weight = new float[12];
        for (int i = 0; i < 12; i++) {
            weight[i] = (i / 4) * 10 + i % 4 + 0.5f;
        }
        double[] doubles = new double[24];
        for (int i = 0; i < 24; i++) {
            doubles[i] = i / 3.0;
        }
        return List.of(
                SafeTensor.f32("encoder.layer0.weight", weight, 3, 4),
                SafeTensor.f32("encoder.layer0.bias", new float[] {0.1f, -0.0f, 1e-30f, -3.4e38f, 7.0f}, 5),
                SafeTensor.f32("scale", new float[] {0.125f}),
                SafeTensor.f32("empty", new float[0], 2, 0),
                SafeTensor.f64("double.values", doubles, 2, 3, 4),
                SafeTensor.i64("optimizer.step", new long[] {40, -1, (1L << 40) + 7}, 3),
                SafeTensor.i32("counts", new int[] {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE}, 2, 2));
    }

    private static Map<String, String> pythonsMetadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("model.width", "128");
        metadata.put("model.layers", "4");
        metadata.put("task", "listops");
        metadata.put("note", "caf\u00e9 \"quoted\"");
        return metadata;
    }

    @Test
    void writesTheFileThatPythonWasCheckedAgainst() throws Exception {
        // java.safetensors was written by this writer and loaded by Python's safetensors (check_java_file.py,
        // see the README there): byte equality keeps that check valid for the writer as it is now.
        Path file = dir.resolve("java.safetensors");
        SafeTensors.write(file, pythonsMetadata(), pythonsTensors());
        byte[] written = Files.readAllBytes(file);
        if (!Arrays.equals(Files.readAllBytes(resource("java.safetensors")), written)) {
            // For a deliberate change of the writer: check this file with check_java_file.py, then commit it.
            Files.write(Path.of("target", "java.safetensors"), written);
        }
        assertArrayEquals(Files.readAllBytes(resource("java.safetensors")), written,
                "the writer changed: see target/java.safetensors and src/test/resources/safetensors/README.md");
    }

    @Test
    void roundTrip() throws Exception {
        Path file = dir.resolve("model.safetensors");
        Map<String, String> metadata = pythonsMetadata();
        metadata.put("line\nbreak\u0001", "tab\there \\ and \u00fc\u20ac\ud83d\ude00");
        List<SafeTensor> tensors = new java.util.ArrayList<>(pythonsTensors());
        tensors.add(SafeTensor.f32("odd.count", new float[] {Float.NaN, Float.POSITIVE_INFINITY, 1f}, 3));
        tensors.add(SafeTensor.f32("na\u00efve \"name\"", new float[] {2f}, 1, 1));
        tensors.add(new SafeTensor("half", SafeTensors.DType.F16, new long[] {2}, new byte[] {0, 0x3C, 0, (byte) 0xC0}));
        SafeTensors.write(file, metadata, tensors);
        SafeTensors read = SafeTensors.read(file);
        assertEquals(metadata, read.metadata());
        assertEquals(tensors.size(), read.names().size());
        for (SafeTensor tensor : tensors) {
            SafeTensor back = read.tensor(tensor.name());
            assertEquals(tensor.dtype(), back.dtype());
            assertArrayEquals(tensor.shape(), back.shape());
            assertArrayEquals(tensor.bytes(), back.bytes(), tensor.name());
        }
        assertTrue(Float.isNaN(read.floats("odd.count", 3)[0]));

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = bytes.getLong(0);
        assertEquals(0, (8 + headerLength) % 8, "the data starts 8-byte aligned");
        // 8-byte tensors first, then 4-, then 2-byte ones: each aligned to its element size
        assertEquals(List.of("double.values", "optimizer.step"), read.names().subList(0, 2));
        assertEquals("half", read.names().get(read.names().size() - 1));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left");
        }
        SafeTensors.write(file, Map.of(), List.of(SafeTensor.f32("x", new float[] {1f}, 1)));
        assertEquals(Map.of(), SafeTensors.read(file).metadata());
    }

    @Test
    void missingAndMismatchedTensorsNameTheFile() throws Exception {
        SafeTensors file = SafeTensors.read(resource("python.safetensors"));
        assertMessage(() -> file.floats("encoder.layer0.weight", 4, 3), "python.safetensors",
                "tensor encoder.layer0.weight is F32[3, 4], expected F32[4, 3]");
        assertMessage(() -> file.floats("counts", 2, 2), "python.safetensors", "is I32[2, 2]");
        assertMessage(() -> file.tensor("absent"), "python.safetensors", "no tensor named absent");
        assertMessage(() -> file.metadata("absent"), "python.safetensors", "no metadata entry absent");
        assertEquals("128", file.metadata("model.width"));
        assertThrows(IllegalStateException.class, () -> file.tensor("counts").floats());
    }

    @Test
    void truncationsFailClearly() throws Exception {
        byte[] whole = Files.readAllBytes(resource("python.safetensors"));
        // Every cut in the length field, a cut every 13 bytes in the header and data, and the last 9 cuts.
        java.util.SortedSet<Integer> cuts = new java.util.TreeSet<>();
        for (int length = 0; length < whole.length; length += length < 16 || length >= whole.length - 9 ? 1 : 13) {
            cuts.add(length);
        }
        for (int length = whole.length - 9; length < whole.length; length++) {
            cuts.add(length);
        }
        for (int length : cuts) {
            Path file = dir.resolve("cut.safetensors");
            Files.write(file, Arrays.copyOf(whole, length));
            SafeTensorsFormatException error = assertThrows(SafeTensorsFormatException.class,
                    () -> SafeTensors.read(file), "cut at " + length);
            assertTrue(error.getMessage().startsWith(file.toString() + ": "), error.getMessage());
        }
        Path longer = dir.resolve("longer.safetensors");
        Files.write(longer, Arrays.copyOf(whole, whole.length + 3));
        assertMessage(() -> SafeTensors.read(longer), "longer.safetensors", "3 bytes after the last tensor");
    }

    @Test
    void corruptHeadersFailClearly() throws Exception {
        String tensor = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        byte[] eight = new byte[8];
        assertCorrupt(header("{" + tensor + "}", eight), null);
        assertCorrupt(header("x" + tensor + "}", eight), "does not start with '{'");
        assertCorrupt(header("{" + tensor, eight), "not valid JSON");
        assertCorrupt(header("{" + tensor + "," + tensor + "}", new byte[16]), "appears twice");
        assertCorrupt(header("{" + tensor.replace("F32", "F33") + "}", eight), "dtype F33 is not supported");
        assertCorrupt(header("{" + tensor.replace("[2]", "[3]") + "}", eight), "needs 12 bytes");
        assertCorrupt(header("{" + tensor.replace("[2]", "[-2]") + "}", eight), "not a non-negative integer");
        assertCorrupt(header("{" + tensor.replace("[2]", "[2.0]") + "}", eight), "not a non-negative integer");
        assertCorrupt(header("{" + tensor.replace("[2]", "[99999999999999999999]") + "}", eight),
                "not a non-negative integer");
        assertCorrupt(header("{" + tensor.replace("[2]", "[4294967296,4294967296,4294967296]") + "}", eight),
                "too large");
        assertCorrupt(header("{" + tensor.replace("[0,8]", "[8,0]") + "}", eight), "end before they begin");
        assertCorrupt(header("{" + tensor.replace("[0,8]", "[0,8,9]") + "}", eight), "must have 2 entries");
        assertCorrupt(header("{" + tensor.replace("\"shape\"", "\"shapes\"") + "}", eight), "unknown field shapes");
        assertCorrupt(header("{" + tensor.replace(",\"shape\":[2]", "") + "}", eight), "shape missing");
        assertCorrupt(header("{\"a\":[1]}", eight), "expected an object");
        assertCorrupt(header("{\"__metadata__\":{\"k\":1}," + tensor + "}", eight), "metadata entry k is not a string");
        String b = "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}";
        assertCorrupt(header("{" + tensor + "," + b + "}", new byte[12]), "overlap");
        String gap = "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}";
        assertCorrupt(header("{" + tensor + "," + gap + "}", new byte[16]), "leave a gap");
        assertCorrupt(header("{" + tensor + "}", new byte[4]), "truncated: the tensors need 8 bytes of data, the file has 4");
        assertCorrupt(header("[" + "[".repeat(200) + "]".repeat(201), new byte[0]), "does not start with '{'");
        assertCorrupt(header("{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}", new byte[0]), "nesting deeper");

        ByteArrayOutputStream badUtf8 = new ByteArrayOutputStream();
        badUtf8.write(lengthField(4));
        badUtf8.write(new byte[] {'{', (byte) 0xC3, '(', '}'});
        assertCorrupt(badUtf8.toByteArray(), "not UTF-8");
        ByteArrayOutputStream huge = new ByteArrayOutputStream();
        huge.write(lengthField(1L << 40));
        huge.write("{}".getBytes(StandardCharsets.UTF_8));
        assertCorrupt(huge.toByteArray(), "header length 1099511627776 is not in");
        ByteArrayOutputStream negative = new ByteArrayOutputStream();
        negative.write(lengthField(-1));
        assertCorrupt(negative.toByteArray(), "header length 18446744073709551615");
        ByteArrayOutputStream beyond = new ByteArrayOutputStream();
        beyond.write(lengthField(100));
        beyond.write("{}".getBytes(StandardCharsets.UTF_8));
        assertCorrupt(beyond.toByteArray(), "header length 100 exceeds the 2 bytes");
        assertCorrupt(header("{}", new byte[0]), null);
    }

    @Test
    void theWriterRejectsInconsistentTensors() {
        assertThrows(IllegalArgumentException.class, () -> SafeTensor.f32("w", new float[3], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> SafeTensor.f32("w", new float[0], -1));
        assertThrows(IllegalArgumentException.class, () -> SafeTensor.f32("__metadata__", new float[1], 1));
        assertThrows(IllegalArgumentException.class, () -> SafeTensor.f32("", new float[1], 1));
        List<SafeTensor> twice = List.of(SafeTensor.f32("w", new float[1], 1), SafeTensor.f32("w", new float[1], 1));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("x"), Map.of(), twice));
    }

    private static byte[] lengthField(long length) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array();
    }

    private static byte[] header(String json, byte[] data) throws Exception {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(lengthField(text.length));
        file.write(text);
        file.write(data);
        return file.toByteArray();
    }

    /** The bytes fail to read with a message naming the file and containing {@code what}; null: they read. */
    private void assertCorrupt(byte[] bytes, String what) throws Exception {
        Path file = dir.resolve("corrupt.safetensors");
        Files.write(file, bytes);
        if (what == null) {
            SafeTensors.read(file);
            return;
        }
        assertMessage(() -> SafeTensors.read(file), "corrupt.safetensors", what);
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String file, String what) {
        SafeTensorsFormatException error = assertThrows(SafeTensorsFormatException.class, call);
        assertTrue(error.getMessage().contains(file + ": ") && error.getMessage().contains(what), error.getMessage());
    }
}
