package io.hattn.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape and options of a Transformer classifier, validated once here with messages naming each option.
 * Stored as strings in checkpoints ({@link #toMap()}, {@link #fromMap}) so that a checkpoint of another shape is
 * recognised as such.
 */
public record ModelConfig(int vocabulary, int classes, int maxLength, int width, int heads, int mlp, int layers,
                          int block, MultiHeadAttention.Kind attention, boolean causal, boolean learnedPositions,
                          boolean relativeBias, Pooling pooling, int headHidden, float dropout, long seed) {

    /** The same without a hidden layer in the head (a linear classification head). */
    public ModelConfig(int vocabulary, int classes, int maxLength, int width, int heads, int mlp, int layers,
                       int block, MultiHeadAttention.Kind attention, boolean causal, boolean learnedPositions,
                       boolean relativeBias, Pooling pooling, float dropout, long seed) {
        this(vocabulary, classes, maxLength, width, heads, mlp, layers, block, attention, causal, learnedPositions,
                relativeBias, pooling, 0, dropout, seed);
    }

    public ModelConfig {
        requirePositive("vocabulary", vocabulary);
        requirePositive("classes", classes);
        requirePositive("len", maxLength);
        requirePositive("width", width);
        requirePositive("heads", heads);
        requirePositive("mlp", mlp);
        requirePositive("layers", layers);
        if (width % heads != 0) {
            throw new IllegalArgumentException("width must be a multiple of heads (" + heads + "), got " + width);
        }
        if (block < 2 || block % 2 != 0) {
            throw new IllegalArgumentException("block must be an even number >= 2, got " + block);
        }
        if (maxLength < 2 * block) {
            throw new IllegalArgumentException("len must be >= 2 x block = " + 2 * block + ", got " + maxLength);
        }
        if (relativeBias && attention != MultiHeadAttention.Kind.HIERARCHICAL) {
            throw new IllegalArgumentException("the relative-position bias needs --attention hierarchical");
        }
        if (headHidden < 0) {
            throw new IllegalArgumentException("head-hidden must be >= 0 (0: a linear head), got " + headHidden);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("vocabulary", Integer.toString(vocabulary));
        map.put("classes", Integer.toString(classes));
        map.put("max_length", Integer.toString(maxLength));
        map.put("width", Integer.toString(width));
        map.put("heads", Integer.toString(heads));
        map.put("mlp", Integer.toString(mlp));
        map.put("layers", Integer.toString(layers));
        map.put("block", Integer.toString(block));
        map.put("attention", attention.name().toLowerCase(java.util.Locale.ROOT));
        map.put("causal", Boolean.toString(causal));
        map.put("learned_positions", Boolean.toString(learnedPositions));
        map.put("relative_bias", Boolean.toString(relativeBias));
        map.put("pooling", pooling.name().toLowerCase(java.util.Locale.ROOT));
        map.put("head_hidden", Integer.toString(headHidden));
        map.put("dropout", Float.toString(dropout));
        map.put("seed", Long.toString(seed));
        return map;
    }

    /** The configuration a checkpoint stored; throws naming the missing or malformed entry. */
    public static ModelConfig fromMap(Map<String, String> map) {
        try {
            return new ModelConfig(integer(map, "vocabulary"), integer(map, "classes"), integer(map, "max_length"),
                    integer(map, "width"), integer(map, "heads"), integer(map, "mlp"), integer(map, "layers"),
                    integer(map, "block"),
                    MultiHeadAttention.Kind.valueOf(text(map, "attention").toUpperCase(java.util.Locale.ROOT)),
                    Boolean.parseBoolean(text(map, "causal")), Boolean.parseBoolean(text(map, "learned_positions")),
                    Boolean.parseBoolean(text(map, "relative_bias")),
                    Pooling.valueOf(text(map, "pooling").toUpperCase(java.util.Locale.ROOT)),
                    // absent from checkpoints written before the option existed, whose heads were all linear
                    map.containsKey("head_hidden") ? integer(map, "head_hidden") : 0,
                    Float.parseFloat(text(map, "dropout")), Long.parseLong(text(map, "seed")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model configuration has a malformed number: " + e.getMessage(), e);
        }
    }

    private static String text(Map<String, String> map, String key) {
        String value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("model configuration lacks '" + key + "'");
        }
        return value;
    }

    private static int integer(Map<String, String> map, String key) {
        return Integer.parseInt(text(map, key));
    }
}
