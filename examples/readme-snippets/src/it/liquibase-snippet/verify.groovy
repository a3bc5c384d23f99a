def lib = new GroovyShell(this.class.classLoader).parse(new File(itSources, 'verify-common.groovy'))
return lib.verifyLog(basedir, [
        '--- liquibase-maven-plugin:', ' -> commit ', '+1 index',
        'pggit: no drift', '--- pggit-maven-plugin:' + pggitVersion + ':check', '--- pggit-maven-plugin:' + pggitVersion + ':log',
        'pggit log (', 'BUILD SUCCESS'])
