package io.pggit.benchmarks;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Flyway {@link Callback} that delegates every method to another callback and adds up, per
 * {@link Event}, the wall time its {@code handle} takes ({@code System.nanoTime}) and how often it
 * is called, and the time of its {@code supports} and {@code canHandleInTransaction} answers.
 * Wrapped around {@code PggitFlywayCallback}, it splits pggit's share of a {@code migrate} into
 * start of run, per-migration capture and end of run, whichever events pggit uses for them. One
 * instance per {@code migrate}.
 */
final class TimingCallback implements Callback {

    /** The part that adds up the delegate's {@code supports} and {@code canHandleInTransaction}. */
    static final String CHECKS = "supports";

    private final Callback delegate;
    private final Map<Event, Long> nanos = new EnumMap<>(Event.class);
    private final Map<Event, Integer> calls = new EnumMap<>(Event.class);
    private long checksNanos;
    private int checks;

    TimingCallback(Callback delegate) {
        this.delegate = delegate;
    }

    @Override
    public boolean supports(Event event, Context context) {
        long start = System.nanoTime();
        try {
            return delegate.supports(event, context);
        } finally {
            checksNanos += System.nanoTime() - start;
            checks++;
        }
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        long start = System.nanoTime();
        try {
            return delegate.canHandleInTransaction(event, context);
        } finally {
            checksNanos += System.nanoTime() - start;
            checks++;
        }
    }

    @Override
    public void handle(Event event, Context context) {
        long start = System.nanoTime();
        try {
            delegate.handle(event, context);
        } finally {
            nanos.merge(event, System.nanoTime() - start, Long::sum);
            calls.merge(event, 1, Integer::sum);
        }
    }

    @Override
    public String getCallbackName() {
        return delegate.getCallbackName();
    }

    /**
     * Time in nanoseconds: of {@code handle} for each event it was called for, keyed by the
     * event's name, in the order of {@link Event} (roughly a run's order); then the
     * {@code supports} and {@code canHandleInTransaction} answers together under {@link #CHECKS}.
     */
    Map<String, Long> partsNanos() {
        Map<String, Long> out = new LinkedHashMap<>();
        nanos.forEach((e, n) -> out.put(e.name(), n));
        out.put(CHECKS, checksNanos);
        return out;
    }

    /** How often {@code handle} was called per event name, and {@code supports} + {@code canHandleInTransaction} under {@link #CHECKS}. */
    Map<String, Integer> calls() {
        Map<String, Integer> out = new LinkedHashMap<>();
        calls.forEach((e, n) -> out.put(e.name(), n));
        out.put(CHECKS, checks);
        return out;
    }
}
