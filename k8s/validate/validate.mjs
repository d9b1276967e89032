// Renders the kustomize base and every overlay with `kubectl kustomize` and checks each object against
// the Kubernetes API schemas, failing on a wrong type, a missing required field or an unknown field.
//
// Two checks, both from the same generated models (kubernetes-models, generated from the Kubernetes
// OpenAPI; @kubernetes-models/prometheus-operator from the operator's CRDs):
//  1. the model's JSON-schema validator (ajv): types, required fields, formats. Its schemas allow
//     unknown properties, as the OpenAPI documents do, so a misspelt field would pass;
//  2. the TypeScript compiler on the models' interfaces: every object becomes a typed object literal,
//     and TypeScript rejects a property the interface does not declare, at any depth, and a wrong type.
// Further checks the schemas cannot make: named ports that objects refer to exist where they point, the
// PromQL of alert rules and of the Grafana dashboard parses, and (promtool) the rules load and pass
// their unit tests.
// Before the real manifests it runs a self-test: deliberately broken objects must be rejected, so a
// validator that silently stopped checking fails CI instead of passing everything.
//
// Usage: node validate.mjs [kustomization dir ...]   (default: the base and every overlay)
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, stringify } from "yaml";
import ts from "typescript";
import { parser as promql } from "@prometheus-io/lezer-promql";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as autoscaling from "kubernetes-models/autoscaling/v2";
import * as policy from "kubernetes-models/policy/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as monitoring from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

const here = path.dirname(fileURLToPath(import.meta.url));
const k8sDir = path.resolve(here, "..");

// apiVersion -> [module object, module specifier for the TypeScript check]. A kind outside these
// fails: adding a kind to the manifests means adding its schema here.
const groups = {
  "v1": [core, "kubernetes-models/v1"],
  "apps/v1": [apps, "kubernetes-models/apps/v1"],
  "autoscaling/v2": [autoscaling, "kubernetes-models/autoscaling/v2"],
  "policy/v1": [policy, "kubernetes-models/policy/v1"],
  "networking.k8s.io/v1": [networking, "kubernetes-models/networking.k8s.io/v1"],
  "monitoring.coreos.com/v1": [monitoring, "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1"],
};

function modelOf(obj) {
  const group = groups[obj?.apiVersion];
  const Model = group?.[0][obj?.kind];
  if (!Model || typeof Model !== "function") return null;
  return { Model, specifier: group[1], typeName: `I${obj.kind}` };
}

// Check 1: the JSON-schema validator. Returns error strings.
function schemaErrors(obj) {
  const m = modelOf(obj);
  if (!m) return [`no schema for apiVersion ${obj?.apiVersion} kind ${obj?.kind}`];
  try {
    new m.Model(structuredClone(obj)).validate();
    return [];
  } catch (e) {
    return [String(e.message ?? e)];
  }
}

// Check 2: one TypeScript program for all objects; each becomes `const oN: IKind = <json>;`.
// Returns error strings per object index.
function typeErrors(objects) {
  const fileName = path.join(here, "__manifests__.ts");
  const lines = [];
  const lineToIndex = [];
  const imports = new Map();
  for (const obj of objects) {
    const m = modelOf(obj);
    if (!m) continue;
    const alias = `${m.typeName}_${imports.size}`;
    const key = `${m.specifier}#${m.typeName}`;
    if (!imports.has(key)) imports.set(key, { alias, ...m });
  }
  for (const { alias, specifier, typeName } of imports.values()) {
    lines.push(`import type { ${typeName} as ${alias} } from "${specifier}";`);
    lineToIndex.push(-1);
  }
  objects.forEach((obj, i) => {
    const m = modelOf(obj);
    if (!m) return;
    const { alias } = imports.get(`${m.specifier}#${m.typeName}`);
    const body = `export const o${i}: ${alias} = ${JSON.stringify(obj, null, 2)};`.split("\n");
    for (const l of body) { lines.push(l); lineToIndex.push(i); }
  });
  const source = lines.join("\n");
  const options = {
    strict: true, noEmit: true, skipLibCheck: true, types: [],
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (f, ...rest) => f === fileName
    ? ts.createSourceFile(f, source, ts.ScriptTarget.ES2022, true) : getSourceFile.call(host, f, ...rest);
  host.fileExists = (f) => f === fileName || fileExists.call(host, f);
  host.readFile = (f) => f === fileName ? source : readFile.call(host, f);
  const program = ts.createProgram([fileName], options, host);
  const errors = new Map();
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()];
  for (const d of diagnostics) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n  ");
    if (d.file?.fileName !== fileName || d.start === undefined) {
      errors.set(-1, [...(errors.get(-1) ?? []), text]);
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const i = lineToIndex[line];
    errors.set(i, [...(errors.get(i) ?? []), `${lines[line].trim()}\n  ${text}`]);
  }
  return errors;
}

function check(items) {
  const tsErrors = typeErrors(items.map((it) => it.obj));
  const setupErrors = tsErrors.get(-1);
  if (setupErrors) throw new Error(`type check could not run:\n${setupErrors.join("\n")}`);
  return items.map((it, i) => ({
    ...it, errors: [...(it.policy ?? []), ...observabilityErrors(it.obj), ...promtoolErrors(it.obj), ...schemaErrors(it.obj), ...(tsErrors.get(i) ?? [])],
  }));
}

// Check 3, across the objects of one kustomization: every named port that something refers to
// (a probe, a Service's targetPort, a ServiceMonitor endpoint, a NetworkPolicy rule) exists where it
// points. The schemas cannot see this, and an overlay that drops or renames a port breaks it silently:
// a probe that never succeeds, a Service without endpoints, metrics never scraped.
// Returns Map(object index -> error strings).
function referenceErrors(objects) {
  const errors = new Map();
  const fail = (i, text) => errors.set(i, [...(errors.get(i) ?? []), text]);
  const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
  const pods = objects.flatMap((o) => o.kind === "Deployment" ? [{
    labels: o.spec?.template?.metadata?.labels ?? {},
    containers: o.spec?.template?.spec?.containers ?? [],
  }] : []);
  const portNames = (containers) => new Set(containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
  const podPorts = (selector) => new Set(pods.filter((p) => matches(selector, p.labels))
    .flatMap((p) => [...portNames(p.containers)]));
  objects.forEach((o, i) => {
    if (o.kind === "Deployment") {
      for (const c of o.spec?.template?.spec?.containers ?? []) {
        const names = portNames([c]);
        for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
          const port = c[probe]?.httpGet?.port;
          if (typeof port === "string" && !names.has(port)) fail(i, `${c.name}.${probe} uses port ${port}, which the container does not declare`);
        }
      }
    } else if (o.kind === "Service") {
      const declared = podPorts(o.spec?.selector);
      for (const p of o.spec?.ports ?? []) {
        if (typeof p.targetPort === "string" && !declared.has(p.targetPort)) fail(i, `targetPort ${p.targetPort} is declared by no selected pod`);
      }
    } else if (o.kind === "ServiceMonitor") {
      const services = objects.filter((s) => s.kind === "Service" && matches(o.spec?.selector?.matchLabels, s.metadata?.labels));
      if (services.length === 0) fail(i, "its selector matches no Service");
      const names = new Set(services.flatMap((s) => (s.spec?.ports ?? []).map((p) => p.name)));
      for (const e of o.spec?.endpoints ?? []) {
        if (e.port && !names.has(e.port)) fail(i, `endpoint port ${e.port} is on no selected Service`);
      }
    } else if (o.kind === "NetworkPolicy") {
      const declared = podPorts(o.spec?.podSelector?.matchLabels);
      for (const rule of o.spec?.ingress ?? []) {
        for (const p of rule.ports ?? []) {
          if (typeof p.port === "string" && !declared.has(p.port)) fail(i, `ingress port ${p.port} is declared by no selected pod`);
        }
      }
    }
  });
  return errors;
}

// Check 4: PromQL. To the schemas an alert's expr and a dashboard's queries are plain strings; the
// grammar of Prometheus' own query editor (lezer-promql) rejects what Prometheus would not load. Which
// metrics they name is checked against what the service exposes by ObservabilityArtefactsTest.
function promqlErrors(where, expr) {
  // Grafana's variables are no PromQL: a stand-in of the same kind for each
  const query = String(expr).replaceAll("$__rate_interval", "5m").replace(/\$\{?\w+\}?/g, "x");
  let at = -1;
  promql.parse(query).iterate({ enter: (n) => { if (at < 0 && n.type.isError) at = n.from; } });
  return at < 0 ? [] : [`${where}: PromQL syntax error at character ${at} of: ${expr}`];
}

// Alert rules need a severity to be routed and a summary to be read; a dashboard (a ConfigMap the
// Grafana sidecar picks up by its grafana_dashboard label) must be JSON with a uid, a title and panels.
function observabilityErrors(obj) {
  if (obj?.kind === "PrometheusRule") {
    return (obj.spec?.groups ?? []).flatMap((g) => (g.rules ?? []).flatMap((r) => {
      const name = r.alert ?? r.record;
      return [...promqlErrors(name, r.expr),
        ...(r.alert && !r.labels?.severity ? [`${name}: no severity label`] : []),
        ...(r.alert && !r.annotations?.summary ? [`${name}: no summary annotation`] : [])];
    }));
  }
  if (obj?.kind === "ConfigMap" && obj.metadata?.labels?.grafana_dashboard) {
    return Object.entries(obj.data ?? {}).flatMap(([key, text]) => {
      let dashboard;
      try {
        dashboard = JSON.parse(text);
      } catch (e) {
        return [`${key}: not JSON (${e.message})`];
      }
      if (!dashboard.uid || !dashboard.title || !Array.isArray(dashboard.panels) || dashboard.panels.length === 0) {
        return [`${key}: not a Grafana dashboard (uid, title and panels)`];
      }
      return dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => promqlErrors(`${key}: ${p.title}`, t.expr)));
    });
  }
  return [];
}

// Check 5, where promtool is (CI installs Debian's prometheus package for it; elsewhere it is skipped
// with a notice, and in CI its absence fails): Prometheus' own rule loader on every PrometheusRule
// (promtool check rules: also the annotations' templates), and the alert rules' unit tests
// (prometheusrule.test.yaml, promtool test rules): each alert fires when it should and not before.
const promtool = (() => {
  try {
    execFileSync("promtool", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    if (process.env.CI) throw new Error("promtool not found: install Debian's prometheus package (.ci/run does)");
    console.log("note: promtool not found, alert rules not loaded nor unit-tested (apt-get install prometheus)");
    return false;
  }
})();
// The PrometheusRule that prometheusrule.test.yaml unit-tests (k8s/overlays/prod/prometheusrule.yaml).
const TESTED_RULE = "taskrun-aggregator";
function promtoolErrors(obj) {
  if (!promtool || obj?.kind !== "PrometheusRule") return [];
  const dir = mkdtempSync(path.join(os.tmpdir(), "prometheusrule-"));
  try {
    writeFileSync(path.join(dir, "rules.yaml"), stringify({ groups: obj.spec?.groups ?? [] }));
    copyFileSync(path.join(here, "prometheusrule.test.yaml"), path.join(dir, "test.yaml"));
    // the unit tests are written for the service's own alerts; any other rule is only loaded
    const runs = [["check", "rules", "rules.yaml"],
      ...(obj.metadata?.name === TESTED_RULE ? [["test", "rules", "test.yaml"]] : [])];
    for (const args of runs) {
      try {
        execFileSync("promtool", args, { cwd: dir, encoding: "utf8", stdio: "pipe" });
      } catch (e) {
        return [`promtool ${args.join(" ")}:\n${e.stdout ?? ""}${e.stderr ?? ""}`.trimEnd()];
      }
    }
    return [];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Objects each of which must fail; if one passes, the validator has gone lenient.
const validDeployment = {
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "t" },
  spec: {
    selector: { matchLabels: { a: "b" } },
    template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } },
  },
};
const selfTest = [
  { what: "the valid control object", obj: validDeployment, mustFail: false },
  { what: "an unknown field deep in a pod template", mustFail: true, obj: { ...validDeployment, spec: {
    ...validDeployment.spec, template: { ...validDeployment.spec.template, spec: {
      containers: [{ name: "c", image: "i", readinessProbes: {} }] } } } } },
  { what: "a wrong type (replicas as a string)", mustFail: true,
    obj: { ...validDeployment, spec: { ...validDeployment.spec, replicas: "3" } } },
  { what: "an unknown field in a ServiceMonitor (CRD)", mustFail: true, obj: {
    apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "t" },
    spec: { selector: {}, endpoints: [{ port: "http", intervall: "30s" }] } } },
  { what: "a PrometheusRule whose expr is no PromQL", mustFail: true, rejectedBy: "PromQL syntax error", obj: {
    apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { name: "t" },
    spec: { groups: [{ name: "g", rules: [{ alert: "A", expr: "max by (source) (x_total >= 3",
      labels: { severity: "warning" }, annotations: { summary: "s" } }] }] } } },
  { what: "a dashboard ConfigMap whose query is no PromQL", mustFail: true, rejectedBy: "PromQL syntax error", obj: {
    apiVersion: "v1", kind: "ConfigMap", metadata: { name: "t", labels: { grafana_dashboard: "1" } },
    data: { "d.json": JSON.stringify({ uid: "u", title: "t", panels: [{ title: "p", targets: [{ expr: "rate(x[$__rate_interval]) >" }] }] }) } } },
  { what: "an unknown kind", mustFail: true, obj: { apiVersion: "v1", kind: "Sekret", metadata: { name: "t" } } },
];

function render(dir) {
  const yamlText = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", maxBuffer: 64 << 20 });
  const objects = [];
  for (const doc of parseAllDocuments(yamlText)) {
    if (doc.errors.length) throw new Error(`${dir}: YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
    const obj = doc.toJS();
    if (obj) objects.push(obj);
  }
  return objects;
}

const targets = process.argv.length > 2 ? process.argv.slice(2) : [
  path.join(k8sDir, "base"),
  ...readdirSync(path.join(k8sDir, "overlays")).sort().map((o) => path.join(k8sDir, "overlays", o)),
];
// The reference check's own self-test: a Service pointing at a port no pod declares must be caught.
const brokenReference = referenceErrors([
  { ...validDeployment, spec: { ...validDeployment.spec, template: { ...validDeployment.spec.template, spec: {
    containers: [{ name: "c", image: "i", ports: [{ name: "http", containerPort: 8080 }] }] } } } },
  { apiVersion: "v1", kind: "Service", metadata: { name: "t" },
    spec: { selector: { a: "b" }, ports: [{ name: "m", port: 9000, targetPort: "management" }] } },
]);
// Valid PromQL, a template Prometheus cannot load: only promtool sees it.
if (promtool) selfTest.push({ what: "a PrometheusRule whose summary template does not load (promtool)", mustFail: true,
  rejectedBy: "promtool check rules", obj: {
  apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { name: "t" },
  spec: { groups: [{ name: "g", rules: [{ alert: "A", expr: "up == 0",
    labels: { severity: "warning" }, annotations: { summary: "{{ $value | noSuchFunction }}" } }] }] } } });
const items = selfTest.map((t) => ({ ...t, where: `self-test: ${t.what}` }));
items.push({ where: "self-test: a Service targetPort no pod declares", mustFail: true,
  obj: validDeployment, policy: brokenReference.get(1) ?? [] });
for (const dir of targets) {
  const objects = render(dir);
  if (objects.length === 0) throw new Error(`${dir} renders nothing`);
  const references = referenceErrors(objects);
  objects.forEach((obj, i) => {
    const where = `${path.relative(k8sDir, dir)}: ${obj.kind} ${obj.metadata?.name}`;
    // Credentials never come from these manifests (docs/deploy.md, step 2): a rendered Secret is an
    // example that would overwrite the real one on every apply.
    const policy = [...(obj.kind === "Secret" ? ["a Secret must not be rendered by any kustomization"] : []),
      ...(references.get(i) ?? [])];
    items.push({ obj, where, policy });
  });
}

let failed = 0;
for (const it of check(items)) {
  if (it.mustFail !== undefined) {
    // a self-test aimed at one check must be rejected by that check, not by another one that happens to fail too
    const rejected = it.errors.filter((e) => it.rejectedBy === undefined || e.includes(it.rejectedBy));
    const ok = it.mustFail === rejected.length > 0;
    console.log(`${ok ? "ok  " : "FAIL"} ${it.where}: ${it.errors.length ? "rejected" : "accepted"}`);
    if (!ok) failed++;
    else if (rejected.length) console.log(`       (${rejected[0].split("\n").slice(-1)[0].trim()})`);
  } else if (it.errors.length) {
    failed++;
    console.log(`FAIL ${it.where}\n  ${it.errors.join("\n  ")}`);
  } else {
    console.log(`ok   ${it.where}`);
  }
}
if (failed) {
  console.error(`${failed} object(s) failed validation`);
  process.exit(1);
}
console.log(`${items.filter((it) => it.mustFail === undefined).length} objects valid in ${targets.length} kustomizations`);
