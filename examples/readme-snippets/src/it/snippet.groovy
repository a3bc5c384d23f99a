// Shared by each project's prebuild.groovy: puts the README's fenced XML block that follows
// "<!-- snippet: NAME -->" into this project's pom.xml, where the pom says
// "<!-- README snippet: NAME -->", and checks that the versions it names are the ones this build
// pins (pggit's own, and the parent pom's version.flyway / version.liquibase).
def insertSnippet(File basedir, String readmePath, String name, Map<String, String> pinned) {
    def readme = new File(readmePath).getText('UTF-8')
    def marker = "<!-- snippet: ${name} -->"
    int at = readme.indexOf(marker)
    if (at < 0) {
        throw new IllegalStateException("README.md has no '${marker}' before a fenced xml block")
    }
    def m = (readme.substring(at + marker.length()) =~ /(?s)\A\s*```xml\n(.*?)\n```/)
    if (!m.find()) {
        throw new IllegalStateException("README.md: '${marker}' is not followed by a fenced xml block")
    }
    String snippet = m.group(1)

    // the versions the snippet names are the ones this build pins
    def xml = new groovy.xml.XmlSlurper().parseText("<snippet>${snippet}</snippet>")
    def problems = []
    xml.'**'.findAll { it.name() in ['plugin', 'dependency'] }.each { el ->
        String ga = "${el.groupId.text()}:${el.artifactId.text()}"
        String want = pinned.find { prefix, v -> ga.startsWith(prefix) }?.value
        if (want != null && el.version.text() != want) {
            problems << "${ga} is at version '${el.version.text()}' in the README, the build pins ${want}"
        }
    }
    if (problems) {
        throw new IllegalStateException("README.md snippet ${name}: " + problems.join('; '))
    }

    def pom = new File(basedir, 'pom.xml')
    def template = pom.getText('UTF-8')
    def slot = "<!-- README snippet: ${name} -->"
    if (!template.contains(slot)) {
        throw new IllegalStateException("${pom} has no '${slot}'")
    }
    pom.setText(template.replace(slot, snippet), 'UTF-8')
    println "README snippet ${name} (${snippet.readLines().size()} lines) written into ${pom}"
    return true
}
