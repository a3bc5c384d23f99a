// Checks what the two runs of invoker.properties printed (build.log holds both, one after the
// other) and the files their goals wrote. Each failed expectation is listed; any one fails the test.
import groovy.json.JsonSlurper
import groovy.xml.XmlSlurper

def failures = []
def log = new File(basedir, 'build.log').getText('UTF-8')
// run 1 ends at its BUILD SUCCESS; run 2 is the rest, its failure's message after its BUILD FAILURE
def end1 = log.indexOf('[INFO] BUILD SUCCESS')
if (end1 < 0 || !log.substring(end1).contains('[INFO] BUILD FAILURE')) {
    throw new AssertionError("build.log of ${basedir.name} does not hold a run that passed, then one that failed")
}
def run1 = log.substring(0, end1)
def run2 = log.substring(end1 + '[INFO] BUILD SUCCESS'.length())
def expect = { String run, int n, String text ->
    if (!run.contains(text)) {
        failures << "run ${n} lacks: ${text}"
    }
}
def read = { String path ->
    def f = new File(basedir, path)
    if (!f.isFile()) {
        failures << "no file ${path}"
        return ''
    }
    return f.getText('UTF-8')
}
def json = { String path ->
    def text = read(path)
    return text ? new JsonSlurper().parseText(text) : [:]
}

// --- pggit:help -Ddetail: every goal of the plugin descriptor, each parameter a user may set, with a description
def descriptor = new XmlSlurper().parse(new File(pluginDescriptor))
def mojos = descriptor.mojos.mojo
expect(run1, 1, "This plugin has ${mojos.size()} goals:")
def help = run1.substring(run1.indexOf('This plugin has'))
def sections = [:]
def m = (help =~ /(?ms)^pggit:(\S+)\n(.*?)(?=^pggit:\S+\n|^\[INFO\] )/)
m.each { sections[it[1]] = it[2] }
mojos.each { mojo ->
    def goal = mojo.goal.text()
    def section = sections[goal]
    if (section == null) {
        failures << "pggit:help lists no goal ${goal}"
        return
    }
    if (!mojo.description.text().trim()) {
        failures << "goal ${goal} has no description"
    }
    mojo.parameters.parameter.findAll { it.editable.text() == 'true' }.each { p ->
        def name = p.name.text()
        if (!p.description.text().trim()) {
            failures << "parameter ${goal}.${name} has no description (javadoc)"
        }
        if (!(section =~ /(?m)^    ${name}( \(Default: .*\))?$/)) {
            failures << "pggit:help -Ddetail shows no parameter ${name} for ${goal}"
        }
    }
}
if (help.contains('(no description)')) {
    failures << 'pggit:help prints "(no description)"'
}

// --- run 1: a clean history
expect(run1, 1, '(property pggit.jdbc.url, data directory ')
expect(run1, 1, '(property it.target.url, data directory ')
if (!(run1 =~ /pggit \d+\.\d+ installed into database "postgres"; baseline commit [0-9a-f]{7}/)) {
    failures << 'run 1 lacks the install line'
}
expect(run1, 1, 'pggit: nothing to commit')
expect(run1, 1, 'V1 shop -> commit ')
expect(run1, 1, 'V2 orders -> commit ')
expect(run1, 1, 'pggit: deployment 1 closed (success): 2 migration(s) linked, 2 new commit(s)')
expect(run1, 1, '(drift, gaps, 1 Flyway location(s), tracking, integrity)')
expect(run1, 1, 'pggit check of jdbc:postgresql://localhost:')
expect(run1, 1, '/postgres: no findings')
expect(run1, 1, 'pggit log (3 commit(s), newest first):')
['migration flyway V2 orders  [+2 constraints, +1 table, +1 view]', 'migration flyway V1 shop  [+1 constraint, +1 schema, +1 table]',
 'baseline  baseline: adopt the existing schema'].each { expect(run1, 1, it) }
expect(run1, 1, 'pggit show HEAD:\n[INFO]   A constraint:shop.orders.orders_customer_id_fkey\n[INFO]   A constraint:shop.orders.orders_pkey\n'
        + '[INFO]   A table:shop.orders\n[INFO]   A view:shop.order_totals\n')
expect(run1, 1, 'pggit diff HEAD (live database): 0 object(s)')
expect(run1, 1, 'pggit diff HEAD~1 HEAD: 4 object(s)')
expect(run1, 1, 'pggit: exported HEAD to ')
expect(run1, 1, ' (8 object file(s), schema.sql, manifest.json)')
expect(run1, 1, ': the object store is intact')
expect(run1, 1, 'pggit: created branch feature/it at ')
expect(run1, 1, 'pggit branches:\n[INFO]   * main ')
expect(run1, 1, 'is up to date: the source is in the target already, nothing to merge')
expect(run1, 1, ' (0 ahead, 1 behind main)  made by the goals\' test')
expect(run1, 1, 'pggit: checkout of feature/it (')
expect(run1, 1, ' statement(s), not applied')
expect(run1, 1, '[INFO]   DROP TABLE shop.orders;')
expect(run1, 1, '[WARNING] pggit: warning: V2 (V2__orders.sql) is in public.flyway_schema_history but linked to commit ')
expect(run1, 1, 'which feature/it does not reach')
expect(run1, 1, 'pggit compare: 7 object(s) differ')
expect(run1, 1, 'pggit: plan of 12 statement(s) written to ')
expect(run1, 1, 'uninstalled from database postgres:')
expect(run1, 1, '  removed schema pggit (pggit ')
expect(run1, 1, 'pggit: embedded PostgreSQL stopped (property it.target.url)')
expect(run1, 1, 'pggit: embedded PostgreSQL stopped (property pggit.jdbc.url)')

def schema = read('target/pggit/export/schema.sql')
['CREATE SCHEMA IF NOT EXISTS "shop";', 'CREATE TABLE shop.customer (', 'CREATE TABLE shop.orders (',
 'ALTER TABLE shop.orders ADD CONSTRAINT "orders_customer_id_fkey" FOREIGN KEY (customer_id) REFERENCES shop.customer(id);',
 'CREATE VIEW shop.order_totals AS'].each {
    if (!schema.contains(it)) {
        failures << "export schema.sql lacks: ${it}"
    }
}
if (schema && schema.indexOf('CREATE TABLE shop.orders') > schema.indexOf('CREATE VIEW shop.order_totals')) {
    failures << 'export schema.sql creates the view before its table'
}
def manifest = json('target/pggit/export/manifest.json')
def files = manifest.objects*.file
if (files?.size() != 8) {
    failures << "export manifest.json names ${files?.size()} files, expected 8: ${files}"
}
files.each { f ->
    if (!new File(basedir, 'target/pggit/export/' + f).isFile()) {
        failures << "export manifest.json names ${f}, which is not there"
    }
}
if (!read('target/pggit/export/shop/table/orders.sql').contains('CREATE TABLE shop.orders (')) {
    failures << 'export shop/table/orders.sql lacks the table'
}
def plan = read('target/pggit/plan.sql')
['CREATE SCHEMA IF NOT EXISTS "shop";', 'CREATE TABLE shop.customer (', 'CREATE VIEW shop.order_totals AS'].each {
    if (!plan.contains(it)) {
        failures << "compare plan.sql lacks: ${it}"
    }
}

// --- run 2: drift reported, adopted, and a check that fails on the gap that remains
expect(run2, 2, 'pggit: 7 uncommitted change(s):')
def reportOnly = json('target/pggit-report-only/check.json')
def kinds = reportOnly.findings?.collect { it.check }?.countBy { it }
if (kinds != [drift: 7, gap: 2]) {
    failures << "the failOn=none check found ${kinds}, expected 7 drift and 2 gap"
}
expect(run2, 2, 'pggit: drift adopted as commit ')
expect(run2.substring(run2.indexOf('drift adopted')), 2, 'pggit: nothing to commit')
expect(run2, 2, 'pggit check: 2 finding(s) fail the build (failOn=gap):')
expect(run2, 2, 'unlinked_migration V1 shop: V1 (V1__shop.sql, rank 1) was applied at ')
if (run2.contains('Unknown lifecycle phase')) {
    failures << 'run 2 failed on its command line, not on the check'
}
def last = json('target/pggit/check.json')
if (last.findings?.collect { it.kind } != ['unlinked_migration', 'unlinked_migration']) {
    failures << "the failing check's check.json has ${last.findings?.collect { it.kind }}"
}
if (!read('target/pggit/TEST-pggit-check.xml').contains('failures="2"')) {
    failures << 'TEST-pggit-check.xml does not count 2 failures'
}
if (json('target/pggit/check.sarif').runs?.getAt(0)?.results?.size() != 2) {
    failures << 'check.sarif does not hold 2 results'
}

// --- every server stopped and its data directory deleted, the failed run's (shutdown hook) too
def dirs = (log =~ /data directory (\S+)\)/).collect { it[1] }
if (dirs.size() != 3) {
    failures << "expected 3 servers started, the log names ${dirs.size()}"
}
dirs.findAll { new File(it).exists() }.each { failures << "data directory ${it} left behind" }

if (failures) {
    throw new AssertionError("${basedir.name}:\n  " + failures.join('\n  '))
}
return true
