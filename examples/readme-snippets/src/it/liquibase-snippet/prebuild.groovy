// writes the README's liquibase-pom snippet into this project's pom.xml (see ../snippet.groovy)
def lib = new GroovyShell(this.class.classLoader).parse(new File(itSources, 'snippet.groovy'))
return lib.insertSnippet(basedir, readme, 'liquibase-pom',
        ['io.pggit:': pggitVersion, 'org.flywaydb:': flywayVersion, 'org.liquibase:': liquibaseVersion])
