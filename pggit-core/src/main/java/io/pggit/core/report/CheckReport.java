package io.pggit.core.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pggit.core.PggitException;
import io.pggit.core.check.Finding;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The findings of a check as reports: plain text for people, JSON (format 1, schema
 * {@code io/pggit/core/report/check-report-1.schema.json}), JUnit XML (one test case per check
 * item, so any CI shows it) and SARIF 2.1.0 (so code-scanning UIs show findings against migration
 * files).
 */
public final class CheckReport {

    /** The checks every run makes; each becomes a passing test case when it finds nothing. */
    public static final List<String> CHECKS = List.of("drift", "gap", "conflict", "tracking", "integrity");
    /** Version of the JSON report format; readers skip fields they do not know. */
    public static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<Finding> findings;
    private final String target;
    private final Instant generatedAt;

    /**
     * @param target      what was checked, e.g. the JDBC URL without credentials
     * @param generatedAt when (UTC)
     */
    public CheckReport(List<Finding> findings, String target, Instant generatedAt) {
        this.findings = List.copyOf(findings);
        this.target = target;
        this.generatedAt = generatedAt;
    }

    public List<Finding> findings() {
        return findings;
    }

    /** Writes check.txt, check.json, TEST-pggit-check.xml and check.sarif into {@code dir}; returns the files. */
    public List<Path> writeAll(Path dir) {
        try {
            Files.createDirectories(dir);
            Map<String, String> files = new LinkedHashMap<>();
            files.put("check.txt", text());
            files.put("check.json", json());
            files.put("TEST-pggit-check.xml", junitXml());
            files.put("check.sarif", sarif());
            List<Path> written = new ArrayList<>();
            for (Map.Entry<String, String> e : files.entrySet()) {
                Path p = dir.resolve(e.getKey());
                Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
                written.add(p);
            }
            return written;
        } catch (IOException e) {
            throw new PggitException("cannot write the check reports to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A summary line and one block per finding. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        long errors = count(Finding.Severity.ERROR);
        long warnings = count(Finding.Severity.WARNING);
        sb.append("pggit check of ").append(target).append(": ")
                .append(findings.isEmpty() ? "no findings" : errors + " error(s), " + warnings + " warning(s)").append('\n');
        for (Finding f : findings) {
            sb.append(String.format("  [%s] %s %s: %s%n", f.severity().code(), f.check(), f.kind(), f.message()));
            if (f.hint() != null) {
                sb.append("      -> ").append(f.hint()).append('\n');
            }
        }
        return sb.toString();
    }

    /** The JSON report, format 1. */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("tool", "pggit");
        root.put("target", target);
        root.put("generatedAt", generatedAt.toString());
        ObjectNode summary = root.putObject("summary");
        summary.put("errors", count(Finding.Severity.ERROR));
        summary.put("warnings", count(Finding.Severity.WARNING));
        summary.put("infos", count(Finding.Severity.INFO));
        ArrayNode list = root.putArray("findings");
        for (Finding f : findings) {
            ObjectNode o = list.addObject();
            o.put("check", f.check());
            o.put("kind", f.kind());
            o.put("severity", f.severity().code());
            o.put("subject", f.subject());
            o.put("message", f.message());
            if (f.hint() != null) {
                o.put("hint", f.hint());
            }
            f.location().ifPresent(l -> o.put("location", l));
            f.details().ifPresent(d -> o.set("details", parse(d)));
        }
        return write(root);
    }

    /** JUnit XML: a test suite pggit-check, one failing test case per finding, a passing one per clean check. */
    public String junitXml() {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            long failures = findings.stream().filter(f -> f.severity() == Finding.Severity.ERROR).count();
            TreeSet<String> failing = findings.stream().map(Finding::check).collect(Collectors.toCollection(TreeSet::new));
            List<String> clean = CHECKS.stream().filter(c -> !failing.contains(c)).toList();
            w.writeStartElement("testsuite");
            w.writeAttribute("name", "pggit-check");
            w.writeAttribute("tests", String.valueOf(findings.size() + clean.size()));
            w.writeAttribute("failures", String.valueOf(failures));
            w.writeAttribute("errors", "0");
            w.writeAttribute("skipped", "0");
            w.writeAttribute("timestamp", generatedAt.toString());
            w.writeCharacters("\n");
            for (String c : clean) {
                w.writeStartElement("testcase");
                w.writeAttribute("classname", "pggit." + c);
                w.writeAttribute("name", c + ": no findings");
                w.writeEndElement();
                w.writeCharacters("\n");
            }
            for (Finding f : findings) {
                w.writeStartElement("testcase");
                w.writeAttribute("classname", "pggit." + f.check());
                w.writeAttribute("name", f.kind() + " " + f.subject());
                if (f.severity() == Finding.Severity.ERROR) {
                    w.writeStartElement("failure");
                    w.writeAttribute("type", f.kind());
                    w.writeAttribute("message", f.message());
                    w.writeCharacters(f.message() + (f.hint() == null ? "" : "\n" + f.hint()));
                    w.writeEndElement();
                } else {
                    w.writeStartElement("system-out");
                    w.writeCharacters(f.severity().code() + ": " + f.message());
                    w.writeEndElement();
                }
                w.writeEndElement();
                w.writeCharacters("\n");
            }
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new PggitException("cannot write the JUnit report: " + e.getMessage(), e);
        }
        return out.toString();
    }

    /** SARIF 2.1.0: one rule per finding kind, one result per finding. */
    public String sarif() {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        root.put("version", "2.1.0");
        ObjectNode run = root.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "pggit");
        ArrayNode rules = driver.putArray("rules");
        TreeSet<String> kinds = findings.stream().map(Finding::kind).collect(Collectors.toCollection(TreeSet::new));
        for (String k : kinds) {
            ObjectNode r = rules.addObject();
            r.put("id", k);
            Finding first = findings.stream().filter(f -> f.kind().equals(k)).findFirst().orElseThrow();
            r.putObject("shortDescription").put("text", first.check() + ": " + k.replace('_', ' '));
            if (first.hint() != null) {
                r.putObject("help").put("text", first.hint());
            }
        }
        ArrayNode results = run.putArray("results");
        for (Finding f : findings) {
            ObjectNode r = results.addObject();
            r.put("ruleId", f.kind());
            r.put("level", switch (f.severity()) {
                case ERROR -> "error";
                case WARNING -> "warning";
                case INFO -> "note";
            });
            r.putObject("message").put("text", f.message());
            ObjectNode loc = r.putArray("locations").addObject();
            if (f.location().isPresent()) {
                loc.putObject("physicalLocation").putObject("artifactLocation").put("uri", f.location().get().replace('\\', '/'));
            }
            ObjectNode logical = loc.putArray("logicalLocations").addObject();
            logical.put("fullyQualifiedName", f.subject());
            logical.put("kind", f.check().equals("drift") ? "object" : "module");
        }
        return write(root);
    }

    private long count(Finding.Severity s) {
        return findings.stream().filter(f -> f.severity() == s).count();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new PggitException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
