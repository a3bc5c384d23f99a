package io.pggit.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The timed runs of one variant, in round order: element {@code i} of every variant's samples
 * comes from the same round, so two variants can be compared run by run.
 */
final class Samples {

    private final List<Long> totals = new ArrayList<>();
    private final Map<String, List<Long>> parts = new LinkedHashMap<>();

    void add(long totalNanos, Map<String, Long> partNanos) {
        if (!totals.isEmpty() && !partNanos.keySet().equals(parts.keySet())) {
            throw new IllegalStateException("runs of one variant must report the same parts: " + parts.keySet()
                    + " vs " + partNanos.keySet());
        }
        totals.add(totalNanos);
        partNanos.forEach((name, nanos) -> parts.computeIfAbsent(name, n -> new ArrayList<>()).add(nanos));
    }

    /** Wall time of each run in nanoseconds. */
    List<Long> totals() {
        return Collections.unmodifiableList(totals);
    }

    /** The names of the parts the runs reported, in first-seen order. */
    Set<String> partNames() {
        return Collections.unmodifiableSet(parts.keySet());
    }

    /** One part's time per run in nanoseconds; every run of a variant reports the same parts. */
    List<Long> part(String name) {
        return Collections.unmodifiableList(parts.getOrDefault(name, List.of()));
    }

    /** Per run, the wall time minus the time of every reported part, in nanoseconds. */
    List<Long> rest() {
        List<Long> out = new ArrayList<>(totals);
        for (String name : parts.keySet()) {
            List<Long> p = part(name);
            for (int i = 0; i < out.size(); i++) {
                out.set(i, out.get(i) - p.get(i));
            }
        }
        return out;
    }

    double medianMs() {
        return medianMs(totals);
    }

    double minMs() {
        return Collections.min(totals) / 1e6;
    }

    double maxMs() {
        return Collections.max(totals) / 1e6;
    }

    /** The median of the run-by-run ratios this / other (both from the same rounds). */
    double medianPairedRatio(Samples other) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(totals.size(), other.totals.size()); i++) {
            ratios.add((double) totals.get(i) / other.totals.get(i));
        }
        return median(ratios);
    }

    static double medianMs(List<Long> nanos) {
        return median(nanos.stream().map(n -> n / 1e6).toList());
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
