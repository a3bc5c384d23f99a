package io.pggit.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table: first column left-aligned, the others right-aligned. ASCII only. */
final class TextTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... header) {
        this.header = List.of(header);
    }

    TextTable row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        rows.add(List.of(cells));
        return this;
    }

    void print(PrintStream out, String indent) {
        int[] width = new int[header.size()];
        for (List<String> r : withHeader()) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        for (List<String> r : withHeader()) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < r.size(); i++) {
                String cell = r.get(i);
                String pad = " ".repeat(width[i] - cell.length());
                line.append(i == 0 ? cell + pad : "   " + pad + cell);
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private List<List<String>> withHeader() {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        return all;
    }

    /** Milliseconds with one decimal. */
    static String ms(double millis) {
        return String.format(Locale.ROOT, "%.1f", millis);
    }

    /** A ratio with three decimals. */
    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.3f", r);
    }
}
