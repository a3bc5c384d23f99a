// Shared by each project's verify.groovy: the build log shows each migration's commit, the check's
// summary and the history that pggit:log printed.
def verifyLog(File basedir, List<String> expected) {
    def log = new File(basedir, 'build.log').getText('UTF-8')
    def missing = expected.findAll { !log.contains(it) }
    if (missing) {
        throw new AssertionError("build.log of ${basedir.name} lacks: " + missing.join(' | '))
    }
    return true
}
