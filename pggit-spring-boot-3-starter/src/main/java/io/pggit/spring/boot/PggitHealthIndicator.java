package io.pggit.spring.boot;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health indicator {@code pggit}: the last drift scan a run recorded and interrupted runs, in one
 * read of {@code pggit.summary()} per probe, never a scan ({@link PggitHealth} decides the status:
 * {@code pggit.health.drift-status}, {@code pggit.health.interrupted-status}).
 */
public class PggitHealthIndicator implements HealthIndicator {

    private final Pggit pggit;
    private final PggitProperties.Health config;

    public PggitHealthIndicator(Pggit pggit, PggitProperties.Health config) {
        this.pggit = pggit;
        this.config = config;
    }

    @Override
    public Health health() {
        PggitHealth h;
        try {
            h = PggitHealth.of(pggit.summary(), config);
        } catch (PggitException e) {
            if (pggit.installedVersion().isPresent()) {
                throw e;
            }
            h = PggitHealth.notInstalled();
        }
        return Health.status(h.status()).withDetails(h.details()).build();
    }
}
