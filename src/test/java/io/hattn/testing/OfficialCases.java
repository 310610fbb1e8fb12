package io.hattn.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.io.Npy;
import io.hattn.io.NpyArray;
import io.hattn.io.NpyFormatException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cases computed by the official flaxformer code, stored as test resources (a folder with cases.json and, per case
 * NAME, NAME.q/k/v/mask/out.npy and optionally NAME.bias.npy; see the README in each folder). Loading fails, never
 * skips, when the folder, a listed file or a case is missing.
 */
public final class OfficialCases {

    /** One entry of cases.json; name, block and causal are read in that order within one case object. */
    private static final Pattern ENTRY = Pattern.compile(
            "\"name\":\\s*\"([^\"]+)\"[^}]*?\"block\":\\s*(\\d+)[^}]*?\"causal\":\\s*(true|false)", Pattern.DOTALL);

    /** A case: the problem handed to a backend and the official output, [batch, heads, length, dim]. */
    public record Case(String name, AttentionProblem problem, float[] expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private OfficialCases() {
    }

    /** The test-resource folder, e.g. "official-h-attention"; fails when it is not on the test classpath. */
    public static Path folder(String resourceFolder) {
        URL url = OfficialCases.class.getResource("/" + resourceFolder + "/cases.json");
        if (url == null) {
            fail("missing test resource " + resourceFolder + "/cases.json (src/test/resources/" + resourceFolder + ")");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("test resource " + url + " is not a file", e);
        }
    }

    /** Every case listed in the folder's cases.json; fails unless there are exactly {@code expectedCount}. */
    public static List<Case> load(String resourceFolder, int expectedCount, boolean withBias)
            throws IOException, NpyFormatException {
        Path dir = folder(resourceFolder);
        String json = Files.readString(dir.resolve("cases.json"), StandardCharsets.UTF_8);
        List<Case> cases = new ArrayList<>();
        Matcher entry = ENTRY.matcher(json);
        while (entry.find()) {
            cases.add(read(dir, entry.group(1), Integer.parseInt(entry.group(2)), Boolean.parseBoolean(entry.group(3)),
                    withBias));
        }
        assertEquals(expectedCount, cases.size(), resourceFolder + "/cases.json lists " + expectedCount + " cases");
        return cases;
    }

    private static Case read(Path dir, String name, int block, boolean causal, boolean withBias)
            throws IOException, NpyFormatException {
        NpyArray q = readArray(dir, name, "q");
        NpyArray k = readArray(dir, name, "k");
        NpyArray v = readArray(dir, name, "v");
        NpyArray mask = readArray(dir, name, "mask");
        NpyArray out = readArray(dir, name, "out");
        int[] shape = q.shape();
        assertEquals(4, shape.length, name + ": q is [batch, heads, length, dim]");
        assertArrayEquals(shape, k.shape(), name + ": k has the shape of q");
        assertArrayEquals(v.shape(), out.shape(), name + ": out has the shape of v");
        assertArrayEquals(new int[] {shape[0], shape[2]}, mask.shape(), name + ": mask is [batch, length]");
        AttentionSpec spec = new AttentionSpec(shape[0], shape[1], shape[2], shape[3], v.dim(3), block, causal,
                AttentionSpec.defaultScale(shape[3]));
        boolean[] valid = new boolean[mask.data().length];
        for (int i = 0; i < valid.length; i++) {
            valid[i] = mask.data()[i] != 0f;
        }
        float[] bias = null;
        if (withBias) {
            NpyArray table = readArray(dir, name, "bias");
            assertArrayEquals(new int[] {shape[1], spec.biasEntriesPerHead()}, table.shape(),
                    name + ": bias is [heads, 4 Nr - 1]");
            bias = table.data();
        }
        return new Case(name, new AttentionProblem(spec, q.data(), k.data(), v.data(), valid, bias), out.data());
    }

    private static NpyArray readArray(Path dir, String name, String part)
            throws IOException, NpyFormatException {
        Path file = dir.resolve(name + "." + part + ".npy");
        assertTrue(Files.isRegularFile(file), "missing " + file);
        return Npy.read(file);
    }

    /** Largest |actual - expected| over all elements (a non-finite element counts as infinite). */
    public static double maxAbsError(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "output length");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs((double) actual[i] - expected[i]);
            worst = Math.max(worst, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff);
        }
        return worst;
    }
}
