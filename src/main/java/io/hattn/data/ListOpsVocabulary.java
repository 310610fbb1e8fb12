package io.hattn.data;

/**
 * The token ids of ListOps (docs/listops.md): the model's input is the expression without its parentheses, so
 * the vocabulary is padding, the four operators, the closing bracket and the ten digits, 16 ids in all.
 *
 * <pre>
 *  0 &lt;pad&gt;   1 [MIN   2 [MAX   3 [MED   4 [SM   5 ]   6..15 the digits 0..9 (digit d has id 6 + d)
 * </pre>
 */
public final class ListOpsVocabulary {

    public static final int PAD = 0;
    public static final int MIN = 1;
    public static final int MAX = 2;
    public static final int MED = 3;
    public static final int SM = 4;
    public static final int END = 5;
    public static final int DIGIT_0 = 6;
    /** Number of ids, 16: embedding tables have this many rows. */
    public static final int SIZE = 16;
    /** Number of classes of the label (the value of the expression, 0..9). */
    public static final int CLASSES = 10;

    private static final String[] TOKENS = {"<pad>", "[MIN", "[MAX", "[MED", "[SM", "]",
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

    private ListOpsVocabulary() {
    }

    /** The id of a token as written in the LRA files, or -1 when it is not one ({@code (} and {@code )} are not). */
    public static int id(String token) {
        switch (token) {
            case "[MIN": return MIN;
            case "[MAX": return MAX;
            case "[MED": return MED;
            case "[SM": return SM;
            case "]": return END;
            default:
                if (token.length() == 1 && token.charAt(0) >= '0' && token.charAt(0) <= '9') {
                    return DIGIT_0 + token.charAt(0) - '0';
                }
                return -1;
        }
    }

    /** The token of an id, as written in the LRA files ({@code <pad>} for padding). */
    public static String token(int id) {
        if (id < 0 || id >= SIZE) {
            throw new IllegalArgumentException("id must be in [0, " + SIZE + "), got " + id);
        }
        return TOKENS[id];
    }

    public static boolean isOperator(int id) {
        return id >= MIN && id <= SM;
    }

    public static boolean isDigit(int id) {
        return id >= DIGIT_0 && id < DIGIT_0 + 10;
    }

    public static int digitId(int digit) {
        if (digit < 0 || digit > 9) {
            throw new IllegalArgumentException("digit must be in [0, 9], got " + digit);
        }
        return DIGIT_0 + digit;
    }
}
