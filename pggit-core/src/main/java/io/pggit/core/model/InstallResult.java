package io.pggit.core.model;

import java.util.List;
import java.util.Optional;

/**
 * What {@code Pggit.install()} did.
 *
 * @param previousVersion the version found before, empty when pggit was not installed
 * @param version         the version installed now
 * @param baselineCommit  the baseline commit of the existing schema, when this install adopted one
 * @param grantedWriter   the roles of {@code grantTo} that this call granted {@code pggit_writer}
 *                        (those that were members already are not listed)
 */
public record InstallResult(Optional<String> previousVersion, String version, Optional<String> baselineCommit,
                            List<String> grantedWriter) {

    public InstallResult {
        grantedWriter = List.copyOf(grantedWriter);
    }

    /** A result that granted no role. */
    public InstallResult(Optional<String> previousVersion, String version, Optional<String> baselineCommit) {
        this(previousVersion, version, baselineCommit, List.of());
    }

    /** Whether anything was installed or upgraded. */
    public boolean changed() {
        return previousVersion.map(v -> !v.equals(version)).orElse(true);
    }
}
