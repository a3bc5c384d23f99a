package io.pggit.core.model;

import java.util.Optional;

/**
 * What {@code Pggit.install()} did.
 *
 * @param previousVersion the version found before, empty when pggit was not installed
 * @param version         the version installed now
 * @param baselineCommit  the baseline commit of the existing schema, when this install adopted one
 */
public record InstallResult(Optional<String> previousVersion, String version, Optional<String> baselineCommit) {
    /** Whether anything was installed or upgraded. */
    public boolean changed() {
        return previousVersion.map(v -> !v.equals(version)).orElse(true);
    }
}
