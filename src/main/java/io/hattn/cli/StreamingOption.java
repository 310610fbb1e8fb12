package io.hattn.cli;

import io.hattn.attention.AttentionBackend;
import io.hattn.cpu.CpuBackend;
import io.hattn.decode.StreamingBackend;

/**
 * {@code attend --streaming}: the causal output computed token by token through the decoding state
 * ({@code io.hattn.decode}), which runs on the CPU. Only meaningful with {@code --causal}, without
 * {@code --exact}, on the cpu backend; anything else is bad input (exit 2) naming {@code --streaming}.
 */
final class StreamingOption {

    private StreamingOption() {
    }

    static void requireCombination(boolean streaming, boolean causal, boolean exact, String backend) {
        if (!streaming) {
            return;
        }
        if (!causal) {
            throw new BadInputException("--streaming decodes token by token and needs --causal");
        }
        if (exact) {
            throw new BadInputException("--streaming is hierarchical decoding and cannot be combined with --exact");
        }
        if (backend != null && !CpuBackend.NAME.equals(backend)) {
            throw new BadInputException("--streaming runs the decoding state on the cpu backend; --backend "
                    + backend + " cannot run it");
        }
    }

    static AttentionBackend open() {
        return new StreamingBackend();
    }
}
