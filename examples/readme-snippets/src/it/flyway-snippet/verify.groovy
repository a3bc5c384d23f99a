def lib = new GroovyShell(this.class.classLoader).parse(new File(itSources, 'verify-common.groovy'))
return lib.verifyLog(basedir, [
        '--- flyway-maven-plugin:', 'V1 shop -> commit ', 'V2 customer email index -> commit ', '+1 index',
        'pggit: no drift', '--- pggit-maven-plugin:' + pggitVersion + ':check', '--- pggit-maven-plugin:' + pggitVersion + ':log',
        'pggit log (', 'BUILD SUCCESS'])
