package io.pggit.benchmarks;

import java.util.Map;

/**
 * One variant under measurement, as {@link Interleaved} drives it: per run an untimed
 * {@link #prepare()}, the timed {@link #run()}, an untimed {@link #finish()}.
 */
interface Trial {

    /** The variant's name in the result tables. */
    String name();

    /** Untimed: brings the variant to its starting state for the next run (fresh schema, fresh database). */
    void prepare() throws Exception;

    /**
     * The timed work.
     *
     * @return named parts of this run's time in nanoseconds, measured inside the run (empty when
     *         the variant has no breakdown)
     */
    Map<String, Long> run() throws Exception;

    /** Untimed: checks and cleans up after a run. */
    default void finish() throws Exception {
    }

    /** Releases what the variant holds for all its runs (a database); called once, after the last run. */
    default void close() throws Exception {
    }
}
