package io.hattn.nn;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded initialisation of parameter views. */
final class Initialisation {

    private Initialisation() {
    }

    static void normal(float[] values, Parameters.View view, SplittableRandom random, double deviation) {
        for (int i = view.offset(); i < view.offset() + view.size(); i++) {
            values[i] = (float) (gaussian(random) * deviation);
        }
    }

    static void zeros(float[] values, Parameters.View view) {
        Arrays.fill(values, view.offset(), view.offset() + view.size(), 0f);
    }

    static void ones(float[] values, Parameters.View view) {
        Arrays.fill(values, view.offset(), view.offset() + view.size(), 1f);
    }

    /** Box-Muller from the splittable generator, so that one seed fixes every parameter. */
    static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double w = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
    }
}
