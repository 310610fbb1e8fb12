package io.hattn.data;

/**
 * A seeded random number generator whose whole state is one {@code long} (so a checkpoint can store it), with
 * its sequence fixed by this class rather than by the JDK: the same seed gives the same numbers on every JDK.
 * The generator is SplitMix64 (Steele, Lea and Flood, 2014); not thread-safe.
 */
public final class SplitMix64 {

    /** The generator's increment, 2^64 / phi: also a good multiplier for spreading seeds. */
    public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** The generator for sub-stream {@code stream} of {@code seed}: independent streams for chunks or epochs. */
    public static SplitMix64 forStream(long seed, long stream) {
        return new SplitMix64(mix(seed ^ mix(stream * GOLDEN_GAMMA + 0x632BE59BD9B4E019L)));
    }

    /** The state: {@code new SplitMix64(s.state())} continues exactly where {@code s} is. */
    public long state() {
        return state;
    }

    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in [0, 1), 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), exactly (rejection of the biased top range). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long limit = (1L << 32) - ((1L << 32) % bound);
        while (true) {
            long bits = nextLong() >>> 32;
            if (bits < limit) {
                return (int) (bits % bound);
            }
        }
    }

    /** Uniform in [low, high], both inclusive. */
    public int nextIntInclusive(int low, int high) {
        if (high < low) {
            throw new IllegalArgumentException("high " + high + " < low " + low);
        }
        return low + nextInt(high - low + 1);
    }

    /**
     * SplitMix64's finaliser: every output bit depends on every input bit, so mix(base + i) is a counter-based
     * generator whose i-th draw needs no state (dropout masks use it).
     */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
