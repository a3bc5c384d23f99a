package io.pggit.maven;

import io.pggit.core.Pggit;
import io.pggit.core.PggitException;
import io.pggit.core.check.Finding;
import io.pggit.core.report.Lines;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

import java.util.List;

/**
 * Checks the object store's integrity, like {@code git fsck} ({@code pggit.fsck()}): every
 * definition, tree node and commit still hashes to its key, every tree node and definition a commit
 * reaches is stored, parents, branches, tags and links name stored commits, and the index
 * ({@code pggit.object_map}) agrees with HEAD's tree. Prints each finding with its hint and fails
 * the build on any error; what {@code purge_history} explains is printed as info and passes.
 */
@Mojo(name = "fsck", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true, requiresProject = false)
public class FsckMojo extends AbstractConnectionMojo {

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        List<Finding> findings;
        try {
            findings = Pggit.builder(dataSource()).build().fsck();
        } catch (PggitException e) {
            throw new MojoExecutionException("pggit fsck failed: " + e.getMessage(), e);
        }
        List<Finding> errors = findings.stream().filter(f -> f.severity() == Finding.Severity.ERROR).toList();
        if (findings.isEmpty()) {
            getLog().info("pggit fsck of " + target() + ": the object store is intact");
            return;
        }
        getLog().warn("pggit fsck of " + target() + ": " + errors.size() + " error(s), " + (findings.size() - errors.size()) + " note(s)");
        for (Finding f : findings) {
            String line = "  " + Lines.finding(f);
            if (f.severity() == Finding.Severity.ERROR) {
                getLog().error(line);
            } else {
                getLog().info(line);
            }
            if (f.hint() != null) {
                getLog().info("  " + Lines.hint(f));
            }
        }
        if (!errors.isEmpty()) {
            throw new MojoFailureException("pggit fsck: " + errors.size() + " integrity error(s), first: " + errors.get(0).kind() + " "
                    + errors.get(0).subject() + ": " + errors.get(0).message());
        }
    }
}
