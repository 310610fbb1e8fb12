package io.hattn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fixtures under src/test/resources/npy/ were written by numpy (see generate.py there); every
 * expected value is recomputed here from the same arange formula.
 */
class NpyTest {
    @TempDir
    Path tmp;

    // ------------------------------------------------------------ files written by numpy

    @Test
    void readsFloat32COrder() throws Exception {
        NpyArray a = readFixture("f4_c_2x3.npy");
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertEquals("<f4", a.sourceDtype());
        assertArrayEquals(expected(6, i -> i * 0.5f - 1), a.data());
    }

    @Test
    void readsFloat64NarrowedToFloat() throws Exception {
        NpyArray a = readFixture("f8_3x4.npy");
        assertArrayEquals(new int[] {3, 4}, a.shape());
        assertEquals("<f8", a.sourceDtype());
        // numpy computed i * 0.1 - 1 in double, exactly as Java does; the reader narrows it.
        assertArrayEquals(expected(12, i -> (float) (i * 0.1 - 1)), a.data());
    }

    @Test
    void readsBigEndianFloat64() throws Exception {
        NpyArray a = readFixture("f8_be_5.npy");
        assertEquals(">f8", a.sourceDtype());
        assertArrayEquals(expected(5, i -> (float) (i / 3.0)), a.data());
    }

    @Test
    void readsBigEndianFloat32() throws Exception {
        NpyArray a = readFixture("f4_be_2x2x2.npy");
        assertArrayEquals(new int[] {2, 2, 2}, a.shape());
        assertEquals(">f4", a.sourceDtype());
        assertArrayEquals(expected(8, i -> (float) (i * 1.25 + 0.1)), a.data());
    }

    @Test
    void convertsFortranOrderToCOrder() throws Exception {
        NpyArray a = readFixture("fortran_2x3x4.npy");
        assertArrayEquals(new int[] {2, 3, 4}, a.shape());
        // The array was arange(24).reshape(2, 3, 4): in C order element i is simply i.
        assertArrayEquals(expected(24, i -> i), a.data());
    }

    @Test
    void readsVersion2And3Headers() throws Exception {
        NpyArray v2 = readFixture("v2_f4_2x5.npy");
        assertArrayEquals(new int[] {2, 5}, v2.shape());
        assertArrayEquals(expected(10, i -> i), v2.data());
        NpyArray v3 = readFixture("v3_f4_4.npy");
        assertArrayEquals(new int[] {4}, v3.shape());
        assertArrayEquals(expected(4, i -> i + 0.25f), v3.data());
    }

    @Test
    void readsBoolAndIntegerMasksAsFloat() throws Exception {
        NpyArray bool = readFixture("mask_bool_5.npy");
        assertEquals("|b1", bool.sourceDtype());
        assertArrayEquals(new float[] {1, 0, 1, 1, 0}, bool.data());
        NpyArray i4 = readFixture("mask_i4_2x3.npy");
        assertEquals("<i4", i4.sourceDtype());
        assertArrayEquals(new int[] {2, 3}, i4.shape());
        assertArrayEquals(expected(6, i -> i - 3), i4.data());
        assertArrayEquals(new float[] {-(float) Math.pow(2, 40), 0, (float) Math.pow(2, 40)},
                readFixture("i8_3.npy").data());
        assertArrayEquals(new float[] {0, 200, 255}, readFixture("u1_3.npy").data());
        assertArrayEquals(new float[] {-128, 0, 127}, readFixture("i1_3.npy").data());
    }

    @Test
    void readsScalarAndEmptyArrays() throws Exception {
        NpyArray scalar = readFixture("scalar_f4.npy");
        assertEquals(0, scalar.rank());
        assertEquals(1, scalar.size());
        assertEquals("[]", scalar.shapeString());
        assertArrayEquals(new float[] {3.5f}, scalar.data());

        NpyArray empty = readFixture("empty_0x3.npy");
        assertArrayEquals(new int[] {0, 3}, empty.shape());
        assertEquals(0, empty.size());
        assertEquals(0, empty.data().length);
    }

    @Test
    void rejectsComplexAndObjectDtypesNamingTheFile() {
        assertRejected(fixture("complex_c8.npy"), "complex_c8.npy", "unsupported dtype '<c8'");
        assertRejected(fixture("object.npy"), "object.npy", "unsupported dtype '|O'");
    }

    // ------------------------------------------------------------ malformed input

    @Test
    void rejectsTruncatedDataFromFileAndStream() throws Exception {
        byte[] full = Files.readAllBytes(fixture("f4_c_2x3.npy"));
        Path cut = tmp.resolve("cut.npy");
        Files.write(cut, Arrays.copyOf(full, full.length - 3));
        assertRejected(cut, "cut.npy", "truncated data", "needs 24 bytes, found 21");
        NpyFormatException e = assertThrows(NpyFormatException.class,
                () -> Npy.read(new ByteArrayInputStream(Arrays.copyOf(full, full.length - 3)), "stream.npy"));
        assertContains(e.getMessage(), "stream.npy", "truncated data", "needs 24 bytes, found 21");
        // A file claiming 2e9 doubles is rejected from its size alone, before allocating 8 GB.
        assertRejected(write("liar.npy", npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2000000000,), }",
                new byte[8])), "liar.npy", "needs 16000000000 bytes, found 8");
    }

    @Test
    void rejectsTruncatedHeader() throws Exception {
        byte[] full = Files.readAllBytes(fixture("f4_c_2x3.npy"));
        Path cut = tmp.resolve("cuthead.npy");
        Files.write(cut, Arrays.copyOf(full, 40));
        assertRejected(cut, "cuthead.npy", "truncated header", "expected 118 bytes, found 30");
    }

    @Test
    void rejectsBadMagicAndEmptyFile() throws Exception {
        Path notNpy = tmp.resolve("table.csv");
        Files.writeString(notNpy, "a,b,c\n1,2,3\n");
        assertRejected(notNpy, "table.csv", "expected magic \\x93NUMPY", "found 'a,b,c\\x0a1,'");
        Path empty = tmp.resolve("empty.npy");
        Files.write(empty, new byte[0]);
        assertRejected(empty, "empty.npy", "expected magic", "found an empty file");
    }

    @Test
    void rejectsUnsupportedVersion() throws Exception {
        byte[] bytes = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        bytes[6] = 4;
        assertRejected(write("v4.npy", bytes), "v4.npy", "unsupported .npy format version 4.0");
    }

    @Test
    void rejectsBadShapes() throws Exception {
        assertRejected(write("neg.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }",
                new byte[0])), "neg.npy", "negative dimension -1");
        // 100000 x 100000 floats would be 10^10 elements: refused before allocating anything.
        assertRejected(write("huge.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }",
                new byte[0])), "huge.npy", "more than 2147483639 elements");
        assertRejected(write("float.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,), }",
                new byte[0])), "float.npy", "malformed header");
    }

    @Test
    void rejectsBadDtypesAndHeaders() throws Exception {
        assertRejected(write("pipe.npy", npy(1, "{'descr': '|f4', 'fortran_order': False, 'shape': (1,), }",
                new byte[4])), "pipe.npy", "'|f4'", "needs '<', '>' or '='");
        assertRejected(write("rec.npy", npy(1, "{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }",
                new byte[4])), "rec.npy", "structured dtypes are not supported");
        assertRejected(write("str.npy", npy(1, "{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }",
                new byte[12])), "str.npy", "unsupported dtype '<U3'");
        assertRejected(write("nokey.npy", npy(1, "{'descr': '<f4', 'shape': (1,), }", new byte[4])),
                "nokey.npy", "lacks key 'fortran_order'");
        assertRejected(write("junk.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x",
                new byte[4])), "junk.npy", "malformed header");
        assertRejected(write("open.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,", new byte[4])),
                "open.npy", "malformed header", "unexpected end of header");
    }

    // ------------------------------------------------------------ header robustness

    @ParameterizedTest
    @ValueSource(strings = {
        "{'shape': (2, 2), 'fortran_order': False, 'descr': '<f4'}",
        "{ \"descr\" : \"<f4\" ,\n 'fortran_order':False,'shape':(2,2,),}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 2L), 'extra': None, }",
        "\t{'descr':'<f4','fortran_order':False,'shape':[2, 2]}   \n",
    })
    void parsesHeaderVariants(String header) throws Exception {
        NpyArray a = Npy.read(new ByteArrayInputStream(npy(1, header, floatsLE(1, 2, 3, 4))), "variant.npy");
        assertArrayEquals(new int[] {2, 2}, a.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4}, a.data());
    }

    @Test
    void convertsOtherIntegerDtypesAndNativeOrder() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L); // 2^64 - 1 as u8
        assertArrayEquals(new float[] {1.8446744e19f}, readBytes("{'descr': '<u8', 'fortran_order': False, 'shape': (1,)}", b.array()));
        b = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putShort((short) -2).putShort((short) 7);
        assertArrayEquals(new float[] {65534, 7}, readBytes("{'descr': '>u2', 'fortran_order': False, 'shape': (2,)}", b.array()));
        b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) -2).putShort((short) 7);
        assertArrayEquals(new float[] {-2, 7}, readBytes("{'descr': '<i2', 'fortran_order': False, 'shape': (2,)}", b.array()));
        b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(-1);
        assertArrayEquals(new float[] {4294967295f}, readBytes("{'descr': '<u4', 'fortran_order': False, 'shape': (1,)}", b.array()));
        b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putFloat(1.5f);
        assertArrayEquals(new float[] {1.5f}, readBytes("{'descr': '=f4', 'fortran_order': False, 'shape': (1,)}", b.array()));
    }

    @Test
    void convertsFortranOrderOfMatrix() throws Exception {
        // Fortran layout of [[1, 2], [3, 4], [5, 6]] is column by column: 1 3 5 2 4 6.
        float[] c = readBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }", floatsLE(1, 3, 5, 2, 4, 6));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c);
    }

    @Test
    void streamReadStopsAfterTheArray() throws Exception {
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.write(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", floatsLE(1, 2)));
        two.write(npy(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.5).array()));
        InputStream in = new ByteArrayInputStream(two.toByteArray());
        assertArrayEquals(new float[] {1, 2}, Npy.read(in, "first").data());
        assertArrayEquals(new float[] {0.5f}, Npy.read(in, "second").data());
        assertEquals(-1, in.read());
    }

    // ------------------------------------------------------------ writing

    @Test
    void roundTripsValuesExactly() throws Exception {
        float[] data = expected(24, i -> i * 0.37f - 4);
        data[0] = Float.NaN;
        data[1] = Float.NEGATIVE_INFINITY;
        data[2] = -0.0f;
        data[3] = Float.MIN_VALUE;
        data[4] = Float.MAX_VALUE;
        Path file = tmp.resolve("rt.npy");
        Npy.write(file, new NpyArray(new int[] {2, 3, 4}, data));
        NpyArray back = Npy.read(file);
        assertArrayEquals(new int[] {2, 3, 4}, back.shape());
        assertEquals("<f4", back.sourceDtype());
        assertArrayEquals(data, back.data());
        assertEquals(List.of("rt.npy"), listNames(tmp));
    }

    @Test
    void roundTripsScalarEmptyAndVectorShapes() throws Exception {
        int[][] shapes = {{}, {0}, {0, 3}, {5}, {1, 1, 1, 7}};
        for (int[] shape : shapes) {
            int n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
            Path file = tmp.resolve("s" + shape.length + "_" + n + ".npy");
            Npy.write(file, new NpyArray(shape, expected(n, i -> i + 1)));
            NpyArray back = Npy.read(file);
            assertArrayEquals(shape, back.shape(), Arrays.toString(shape));
            assertArrayEquals(expected(n, i -> i + 1), back.data());
        }
    }

    @Test
    void writesNumpyStyleAlignedHeader() throws Exception {
        Path file = tmp.resolve("h.npy");
        Npy.write(file, new NpyArray(new int[] {5}, new float[5]));
        byte[] bytes = Files.readAllBytes(file);
        assertEquals("\u0093NUMPY", new String(bytes, 0, 6, StandardCharsets.ISO_8859_1));
        assertEquals(1, bytes[6]);
        assertEquals(0, bytes[7]);
        int headerLen = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
        assertEquals(0, (10 + headerLen) % 64, "data must start 64-byte aligned, as numpy writes it");
        assertEquals(10 + headerLen + 5 * 4, bytes.length);
        String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"), header);
        assertTrue(header.endsWith(" \n"), header);
    }

    @Test
    void writesVersion2WhenTheHeaderOutgrowsVersion1() throws Exception {
        int[] shape = new int[25_000]; // "(1, 1, ...)" needs ~75 KB, over the 2-byte length of 1.0
        Arrays.fill(shape, 1);
        Path file = tmp.resolve("v2.npy");
        Npy.write(file, new NpyArray(shape, new float[] {42}));
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(2, bytes[6]);
        assertEquals(0, (bytes.length - 4) % 64, "data must start 64-byte aligned");
        NpyArray back = Npy.read(file);
        assertEquals(25_000, back.rank());
        assertArrayEquals(new float[] {42}, back.data());
    }

    @Test
    void overwritesExistingFileAndLeavesNoTempFiles() throws Exception {
        Path file = tmp.resolve("w.npy");
        Files.writeString(file, "old content");
        Npy.write(file, new NpyArray(new int[] {2}, new float[] {7, 8}));
        assertArrayEquals(new float[] {7, 8}, Npy.read(file).data());
        assertEquals(List.of("w.npy"), listNames(tmp));
    }

    @Test
    void invalidArrayIsRejectedBeforeAnyFileIsCreated() {
        Path file = tmp.resolve("bad.npy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Npy.write(file, new NpyArray(new int[] {2, 3}, new float[5])));
        assertContains(e.getMessage(), "data.length 5", "shape [2, 3]");
        assertContains(assertThrows(IllegalArgumentException.class,
                () -> new NpyArray(new int[] {-1}, new float[0])).getMessage(), "shape", "negative");
        assertFalse(Files.exists(file));
        assertEquals(List.of(), listNames(tmp));
    }

    @Test
    void failedMoveDeletesTempFileAndKeepsTarget() throws Exception {
        // The target is a non-empty directory, so the data is written but the final move fails.
        Path target = tmp.resolve("target.npy");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep.txt"), "x");
        assertThrows(IOException.class, () -> Npy.write(target, new NpyArray(new int[] {3}, new float[3])));
        assertTrue(Files.isDirectory(target));
        assertEquals(List.of("target.npy"), listNames(tmp));
    }

    @Test
    void missingDirectoryFailsWithoutCreatingAnything() {
        Path file = tmp.resolve("no/such/dir/x.npy");
        assertThrows(IOException.class, () -> Npy.write(file, new NpyArray(new int[] {1}, new float[1])));
        assertEquals(List.of(), listNames(tmp));
    }

    @Test
    void readOnlyDirectoryFailsWithoutLeavingAFile() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("ro"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(dir), "running as root: permissions are not enforced");
            Path file = dir.resolve("x.npy");
            assertThrows(IOException.class, () -> Npy.write(file, new NpyArray(new int[] {1}, new float[1])));
            assertEquals(List.of(), listNames(dir));
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void accessorsCopyShapeButShareData() {
        int[] shape = {2, 3};
        float[] data = new float[6];
        NpyArray a = new NpyArray(shape, data);
        shape[0] = 99;
        a.shape()[1] = 99;
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertSame(data, a.data());
        assertEquals(2, a.rank());
        assertEquals(3, a.dim(1));
        assertEquals(6, a.size());
        assertEquals("[2, 3]", a.shapeString());
        assertEquals("<f4", a.sourceDtype());
        assertThrows(IndexOutOfBoundsException.class, () -> a.dim(2));
    }

    // ------------------------------------------------------------ helpers

    private interface IndexFn {
        float at(int i);
    }

    private static float[] expected(int n, IndexFn f) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = f.at(i);
        }
        return out;
    }

    private static Path fixture(String name) {
        URL url = NpyTest.class.getResource("/npy/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource npy/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a fixture through both entry points and checks they agree. */
    private static NpyArray readFixture(String name) throws Exception {
        NpyArray fromFile = Npy.read(fixture(name));
        try (InputStream in = Files.newInputStream(fixture(name))) {
            NpyArray fromStream = Npy.read(in, name);
            assertArrayEquals(fromFile.shape(), fromStream.shape());
            assertArrayEquals(fromFile.data(), fromStream.data());
            assertEquals(fromFile.sourceDtype(), fromStream.sourceDtype());
        }
        return fromFile;
    }

    private static float[] readBytes(String header, byte[] data) throws Exception {
        return Npy.read(new ByteArrayInputStream(npy(1, header, data)), "crafted").data();
    }

    /** A .npy file with the given header dict (padded as numpy pads it) followed by raw data. */
    private static byte[] npy(int major, String dict, byte[] data) {
        int preamble = major == 1 ? 10 : 12;
        StringBuilder header = new StringBuilder(dict);
        while ((preamble + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(preamble + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        return b.put(h).put(data).array();
    }

    private static byte[] floatsLE(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    private static void assertRejected(Path file, String... fragments) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(file));
        assertContains(e.getMessage(), fragments);
    }

    private static void assertContains(String message, String... fragments) {
        for (String f : fragments) {
            assertTrue(message.contains(f), () -> "expected '" + f + "' in: " + message);
        }
    }

    private static List<String> listNames(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
