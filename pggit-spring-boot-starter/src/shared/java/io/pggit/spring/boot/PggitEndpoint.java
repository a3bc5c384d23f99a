package io.pggit.spring.boot;

import io.pggit.core.Pggit;
import io.pggit.core.model.Summary;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Actuator endpoint {@code pggit} ({@code GET /actuator/pggit}): HEAD, the latest deployment and its
 * outcome, the last recorded drift scan (the end of a run), open conflicts and interrupted runs, in
 * one read of {@code pggit.summary()} (no scan). Expose it with
 * {@code management.endpoints.web.exposure.include=health,pggit}.
 */
@Endpoint(id = "pggit")
public class PggitEndpoint {

    private final Pggit pggit;

    public PggitEndpoint(Pggit pggit) {
        this.pggit = pggit;
    }

    @ReadOperation
    public Map<String, Object> pggit() {
        return json(pggit.summary());
    }

    /** The endpoint's JSON: times as ISO-8601 text, absent values as null. */
    static Map<String, Object> json(Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("head", s.head().orElse(null));
        m.put("lastDeployment", s.lastDeployment().map(d -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", d.id());
            x.put("name", d.name());
            x.put("tool", d.tool());
            x.put("outcome", d.outcome());
            x.put("startedAt", d.startedAt().toString());
            x.put("endedAt", d.endedAt().map(Object::toString).orElse(null));
            return x;
        }).orElse(null));
        m.put("drift", s.lastDriftScan().map(d -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("objects", d.objects());
            x.put("scannedAt", d.scannedAt().toString());
            x.put("deploymentId", d.deploymentId());
            return x;
        }).orElse(null));
        m.put("openConflicts", s.openConflicts());
        m.put("interruptedDeployments", s.interruptedDeployments());
        return m;
    }
}
