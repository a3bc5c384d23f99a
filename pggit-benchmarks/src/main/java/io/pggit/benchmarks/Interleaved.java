package io.pggit.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one measuring loop of the harness: every variant runs once per round, rounds repeat, and
 * the first {@code warmups} rounds are not recorded. The starting variant rotates from round to
 * round (round {@code r} starts with variant {@code r mod n}), so no variant always runs first or
 * always right after the same neighbour; slow drift of the machine (a noisy neighbour, thermal
 * throttling) spreads over all variants instead of biasing one.
 */
final class Interleaved {

    private Interleaved() {
    }

    /**
     * Runs {@code warmups + runs} rounds over {@code trials}.
     *
     * @param label    shown in the progress lines
     * @param progress where a line per round goes (stderr, so stdout stays the result table)
     * @return the recorded samples per trial name, in the order of {@code trials}
     */
    static Map<String, Samples> measure(String label, List<? extends Trial> trials, int warmups, int runs,
                                        PrintStream progress) throws Exception {
        Map<String, Samples> samples = new LinkedHashMap<>();
        trials.forEach(t -> samples.put(t.name(), new Samples()));
        int rounds = warmups + runs;
        for (int round = 0; round < rounds; round++) {
            boolean recorded = round >= warmups;
            List<String> times = new ArrayList<>();
            for (int i = 0; i < trials.size(); i++) {
                Trial trial = trials.get((round + i) % trials.size());
                trial.prepare();
                long start = System.nanoTime();
                Map<String, Long> parts = trial.run();
                long elapsed = System.nanoTime() - start;
                trial.finish();
                if (recorded) {
                    samples.get(trial.name()).add(elapsed, parts);
                }
                times.add(String.format("%s %.0f ms", trial.name(), elapsed / 1e6));
            }
            progress.printf("  %s %s %d/%d: %s%n", label, recorded ? "run" : "warm-up",
                    recorded ? round - warmups + 1 : round + 1, recorded ? runs : warmups, String.join(", ", times));
        }
        return samples;
    }
}
