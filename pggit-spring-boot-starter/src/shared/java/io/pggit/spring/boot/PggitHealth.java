package io.pggit.spring.boot;

import io.pggit.core.model.Summary;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the health indicator {@code pggit} reports, from a {@link Summary} (one read of
 * {@code pggit.summary()}: the last drift scan a run recorded, never a scan of its own): UP, unless
 * the last recorded scan found drift ({@code pggit.health.drift-status}) or a run was interrupted
 * since the last successful one ({@code pggit.health.interrupted-status}); when both, the more
 * severe of the two (DOWN, OUT_OF_SERVICE, a status of your own, UNKNOWN, UP).
 *
 * @param status  the status code
 * @param details the indicator's details
 */
public record PggitHealth(String status, Map<String, Object> details) {

    private static final List<String> SEVERITY = List.of("DOWN", "OUT_OF_SERVICE", "UNKNOWN", "UP");

    public static PggitHealth of(Summary s, PggitProperties.Health config) {
        long drift = s.lastDriftScan().map(Summary.DriftScan::objects).orElse(0);
        String status = "UP";
        if (drift > 0) {
            status = worse(status, config.getDriftStatus());
        }
        if (s.interruptedDeployments() > 0) {
            status = worse(status, config.getInterruptedStatus());
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("head", s.head().orElse(null));
        d.put("driftObjects", s.lastDriftScan().map(x -> (Object) x.objects()).orElse("not scanned"));
        s.lastDriftScan().ifPresent(x -> d.put("driftScannedAt", x.scannedAt().toString()));
        d.put("interruptedDeployments", s.interruptedDeployments());
        d.put("openConflicts", s.openConflicts());
        s.lastDeployment().ifPresent(x -> d.put("lastDeployment", x.id() + " " + x.outcome()));
        return new PggitHealth(status, d);
    }

    /** Not installed: nothing to report yet. */
    public static PggitHealth notInstalled() {
        return new PggitHealth("UNKNOWN", Map.of("pggit", "not installed in this database"));
    }

    private static String worse(String a, String b) {
        return rank(b) < rank(a) ? b : a;
    }

    private static int rank(String status) {
        int i = SEVERITY.indexOf(status);
        return i < 0 ? 2 : i + (i >= 2 ? 1 : 0);   // a status of your own between OUT_OF_SERVICE and UNKNOWN
    }
}
