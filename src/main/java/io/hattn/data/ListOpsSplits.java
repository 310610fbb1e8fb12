package io.hattn.data;

import java.util.List;

/** The three splits of a ListOps data set, disjoint (no expression in two of them, none twice in one). */
public record ListOpsSplits(List<Example> train, List<Example> validation, List<Example> test) {

    public ListOpsSplits {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }
}
