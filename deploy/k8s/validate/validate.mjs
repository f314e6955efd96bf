// Renders kustomize overlays and validates every object offline: the
// Kubernetes schemas (npm kubernetes-models) plus longtake's own rules and
// cross-references the schemas cannot see (selectors, env references, probe
// ports, security settings).
//
//   node validate.mjs [--compare-kubectl] OVERLAY_DIR...
// --compare-kubectl: also render with `kubectl kustomize` and fail when its
// output differs from render.mjs (then both renderings are validated).
// Exit 0 when every object passes; 1 with one line per problem otherwise.
import { execFileSync } from "node:child_process";
import { isDeepStrictEqual } from "node:util";
import YAML from "yaml";
import { renderKustomization } from "./render.mjs";

const kUid = 10001;
const kDataDir = "/var/lib/longtake";

// Kubernetes schema check with the kubernetes-models class for apiVersion/kind.
async function schemaErrors(obj) {
  const [group, version] = obj.apiVersion?.includes("/") ? obj.apiVersion.split("/") : [null, obj.apiVersion];
  const modulePath = `kubernetes-models/${group ? `${group}/` : ""}${version}/${obj.kind}`;
  let mod;
  try {
    mod = await import(modulePath);
  } catch {
    return [`unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}`];
  }
  const Model = mod[obj.kind] ?? mod.default;
  if (!Model) return [`no model for ${obj.apiVersion} ${obj.kind}`];
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    const details = (e.errors ?? []).map((x) => `${x.instancePath || "/"} ${x.message}`);
    return details.length ? details : [String(e.message ?? e)];
  }
}

function matches(selector, labels) {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

// longtake's rules: what a reviewer would otherwise have to check by eye.
function ruleErrors(objects) {
  const errs = [];
  const byKind = (k) => objects.filter((o) => o.kind === k);
  const find = (k, n) => objects.find((o) => o.kind === k && o.metadata?.name === n);
  const deployments = byKind("Deployment");
  const seen = new Set();
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata?.name}`;
    if (seen.has(id)) errs.push(`${id}: defined twice`);
    seen.add(id);
  }
  const podLabels = deployments.map((d) => d.spec?.template?.metadata?.labels ?? {});
  const selects = (sel) => sel && Object.keys(sel).length > 0 && podLabels.some((l) => matches(sel, l));

  for (const d of deployments) {
    const id = `Deployment/${d.metadata.name}`;
    const pod = d.spec?.template?.spec ?? {};
    if (!Number.isInteger(d.spec?.replicas) || d.spec.replicas < 1) errs.push(`${id}: spec.replicas must be an integer >= 1`);
    const sel = d.spec?.selector?.matchLabels;
    if (!sel || !matches(sel, d.spec?.template?.metadata?.labels)) errs.push(`${id}: selector does not match the pod template labels`);
    if (pod.securityContext?.runAsNonRoot !== true) errs.push(`${id}: pod securityContext.runAsNonRoot must be true`);
    const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
    for (const v of pod.volumes ?? []) {
      const sources = Object.keys(v).filter((k) => k !== "name");
      if (sources.length !== 1) errs.push(`${id}: volume ${v.name} must have exactly one source, has ${sources.join(", ") || "none"}`);
      if (v.persistentVolumeClaim && !find("PersistentVolumeClaim", v.persistentVolumeClaim.claimName)) {
        errs.push(`${id}: volume ${v.name}: PersistentVolumeClaim ${v.persistentVolumeClaim.claimName} not defined`);
      }
    }
    for (const c of pod.containers ?? []) {
      const cid = `${id} container ${c.name}`;
      if (!c.image) errs.push(`${cid}: no image`);
      const uid = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
      if (uid !== kUid) errs.push(`${cid}: must run as uid ${kUid} (runAsUser is ${uid})`);
      if (c.securityContext?.readOnlyRootFilesystem !== true) errs.push(`${cid}: securityContext.readOnlyRootFilesystem must be true`);
      if (c.securityContext?.allowPrivilegeEscalation !== false) errs.push(`${cid}: securityContext.allowPrivilegeEscalation must be false`);
      for (const kind of ["requests", "limits"]) {
        for (const r of ["cpu", "memory"]) {
          if (c.resources?.[kind]?.[r] === undefined) errs.push(`${cid}: resources.${kind}.${r} missing`);
        }
      }
      const ports = c.ports ?? [];
      const env = new Map((c.env ?? []).map((e) => [e.name, e]));
      const tls = env.has("LONGTAKE_TLS_CERT");
      const mtls = env.has("LONGTAKE_TLS_CLIENT_CA");
      const kServiceName = /^longtake\.[a-z]+\.v\d+\.[A-Za-z]+Service$/;
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        const p = c[probe];
        if (!p && probe === "startupProbe") continue;
        const g = p?.grpc;
        const cmd = p?.exec?.command;
        if (g) {
          // The kubelet's grpc probe speaks plaintext only.
          if (tls) errs.push(`${cid}: ${probe} is a grpc probe, which speaks plaintext, but the container serves TLS (LONGTAKE_TLS_CERT): exec longtake-healthcheck instead`);
          if (!ports.some((p) => p.containerPort === g.port)) errs.push(`${cid}: ${probe}.grpc.port ${g.port} is not a container port`);
          if (!kServiceName.test(g.service ?? "")) errs.push(`${cid}: ${probe}.grpc.service '${g.service}' is not a longtake service name`);
        } else if (cmd?.[0] === "/usr/local/bin/longtake-healthcheck") {
          const m = /^127\.0\.0\.1:(\d+)$/.exec(cmd[1] ?? "");
          if (!m || !ports.some((p) => p.containerPort === Number(m[1]))) errs.push(`${cid}: ${probe} address '${cmd[1]}' is not 127.0.0.1:<container port>`);
          if (!kServiceName.test(cmd[2] ?? "")) errs.push(`${cid}: ${probe} service '${cmd[2]}' is not a longtake service name`);
          const has = (flag) => cmd.some((a) => a.startsWith(`${flag}=`));
          if (tls && !has("--ca")) errs.push(`${cid}: ${probe} must pass --ca= to longtake-healthcheck (the container serves TLS)`);
          if (mtls && !(has("--cert") && has("--key"))) errs.push(`${cid}: ${probe} must pass --cert= and --key= to longtake-healthcheck (the container requires client certificates)`);
        } else {
          errs.push(`${cid}: ${probe} must be a grpc probe (or, with TLS, exec /usr/local/bin/longtake-healthcheck)`);
        }
      }
      // TLS files must come from a mounted Secret that has them.
      for (const name of ["LONGTAKE_TLS_CERT", "LONGTAKE_TLS_KEY", "LONGTAKE_TLS_CLIENT_CA", "LONGTAKE_CATALOG_CA", "LONGTAKE_CATALOG_CERT", "LONGTAKE_CATALOG_KEY"]) {
        const file = env.get(name)?.value;
        if (file === undefined) continue;
        const m = (c.volumeMounts ?? []).find((vm) => file.startsWith(`${vm.mountPath.replace(/\/$/, "")}/`));
        const secretName = m && volumes.get(m.name)?.secret?.secretName;
        if (!secretName) {
          errs.push(`${cid}: env ${name} ${file} is not in a mounted Secret volume`);
          continue;
        }
        const secret = find("Secret", secretName);
        const keys = { ...(secret?.data ?? {}), ...(secret?.stringData ?? {}) };
        const key = file.slice(m.mountPath.replace(/\/$/, "").length + 1);
        if (!secret) errs.push(`${cid}: env ${name}: Secret ${secretName} not defined`);
        else if (!(key in keys)) errs.push(`${cid}: env ${name}: Secret ${secretName} has no key ${key}`);
      }
      const mounts = c.volumeMounts ?? [];
      for (const m of mounts) if (!volumes.has(m.name)) errs.push(`${cid}: volumeMount ${m.name} has no volume`);
      if (!mounts.some((m) => m.mountPath === kDataDir)) errs.push(`${cid}: nothing mounted at ${kDataDir} (read-only root filesystem)`);
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
        if (e.value === undefined && !ref) errs.push(`${cid}: env ${e.name} has neither value nor a key reference`);
        if (!ref || ref.optional) continue;
        const kind = e.valueFrom.configMapKeyRef ? "ConfigMap" : "Secret";
        const src = find(kind, ref.name);
        const keys = { ...(src?.data ?? {}), ...(src?.stringData ?? {}) };
        if (!src) errs.push(`${cid}: env ${e.name}: ${kind} ${ref.name} not defined`);
        else if (!(ref.key in keys)) errs.push(`${cid}: env ${e.name}: ${kind} ${ref.name} has no key ${ref.key}`);
      }
    }
  }

  // Prometheus finds the pods by their annotations: scrape "true", a port
  // that is the container's "metrics" port, and the path /metrics.
  for (const d of deployments) {
    const id = `Deployment/${d.metadata.name}`;
    const a = d.spec?.template?.metadata?.annotations ?? {};
    if (a["prometheus.io/scrape"] !== "true") {
      errs.push(`${id}: pod annotation prometheus.io/scrape must be "true"`);
      continue;
    }
    if (a["prometheus.io/path"] !== "/metrics") errs.push(`${id}: pod annotation prometheus.io/path must be /metrics`);
    const metrics = (d.spec.template.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => p.name === "metrics"));
    if (metrics.length !== 1 || String(metrics[0].containerPort) !== a["prometheus.io/port"]) {
      errs.push(`${id}: pod annotation prometheus.io/port ${a["prometheus.io/port"]} is not the container port named metrics`);
    }
  }

  for (const s of byKind("Service")) {
    const id = `Service/${s.metadata.name}`;
    if (!selects(s.spec?.selector)) {
      errs.push(`${id}: selector matches no Deployment's pods`);
      continue;
    }
    const pods = deployments.filter((d) => matches(s.spec.selector, d.spec?.template?.metadata?.labels));
    for (const p of s.spec.ports ?? []) {
      const t = p.targetPort ?? p.port;
      const ok = pods.every((d) => (d.spec.template.spec.containers ?? []).some((c) =>
        (c.ports ?? []).some((cp) => (typeof t === "string" ? cp.name === t : cp.containerPort === t))));
      if (!ok) errs.push(`${id}: targetPort ${t} is not a port of the selected pods`);
    }
  }
  for (const p of byKind("PodDisruptionBudget")) {
    if (!selects(p.spec?.selector?.matchLabels)) errs.push(`PodDisruptionBudget/${p.metadata.name}: selector matches no Deployment's pods`);
  }
  for (const d of deployments) {
    if (!byKind("PodDisruptionBudget").some((p) => matches(p.spec?.selector?.matchLabels, d.spec?.template?.metadata?.labels))) {
      errs.push(`Deployment/${d.metadata.name}: no PodDisruptionBudget`);
    }
  }

  // The watchlist's catalogue target must name a headless Service's port
  // (client-side round_robin needs one address per pod).
  const cm = find("ConfigMap", "longtake-config");
  const target = cm?.data?.LONGTAKE_CATALOG;
  const m = /^dns:\/\/\/([a-z0-9-]+):(\d+)$/.exec(target ?? "");
  if (!m) {
    errs.push(`ConfigMap/longtake-config: LONGTAKE_CATALOG '${target}' is not dns:///SERVICE:PORT`);
  } else {
    const svc = find("Service", m[1]);
    if (!svc) errs.push(`ConfigMap/longtake-config: LONGTAKE_CATALOG names Service ${m[1]}, which is not defined`);
    else {
      if (svc.spec?.clusterIP !== "None") errs.push(`Service/${m[1]}: must be headless (clusterIP: None) for round_robin`);
      if (!(svc.spec?.ports ?? []).some((p) => p.port === Number(m[2]))) errs.push(`Service/${m[1]}: has no port ${m[2]}`);
    }
  }
  if (cm && cm.data?.LONGTAKE_CATALOG_LB_POLICY !== "round_robin") errs.push("ConfigMap/longtake-config: LONGTAKE_CATALOG_LB_POLICY must be round_robin");
  return errs;
}

const byId = (objs) => new Map(objs.map((o) => [`${o.kind}/${o.metadata?.name}`, o]));

async function validateObjects(label, objects) {
  const errs = [];
  if (objects.length === 0) errs.push("no objects rendered");
  for (const o of objects) for (const e of await schemaErrors(o)) errs.push(`${o.kind}/${o.metadata?.name}: ${e}`);
  errs.push(...ruleErrors(objects));
  return errs.map((e) => `${label}: ${e}`);
}

const args = process.argv.slice(2);
const compare = args.includes("--compare-kubectl");
const dirs = args.filter((a) => !a.startsWith("--"));
if (dirs.length === 0) {
  console.error("usage: node validate.mjs [--compare-kubectl] OVERLAY_DIR...");
  process.exit(2);
}
let failures = [];
for (const dir of dirs) {
  let objects;
  try {
    objects = renderKustomization(dir);
  } catch (e) {
    failures.push(`${dir}: render failed: ${e.message}`);
    continue;
  }
  failures.push(...(await validateObjects(dir, objects)));
  if (compare) {
    let kobjs;
    try {
      const out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      kobjs = YAML.parseAllDocuments(out).map((d) => d.toJS()).filter(Boolean);
    } catch (e) {
      failures.push(`${dir}: kubectl kustomize failed: ${String(e.stderr ?? e.message).trim()}`);
      continue;
    }
    const mine = byId(objects);
    const theirs = byId(kobjs);
    for (const id of new Set([...mine.keys(), ...theirs.keys()])) {
      if (!isDeepStrictEqual(mine.get(id), theirs.get(id))) {
        failures.push(`${dir}: ${id}: render.mjs and kubectl kustomize differ:\n  render.mjs: ${JSON.stringify(mine.get(id))}\n  kubectl:    ${JSON.stringify(theirs.get(id))}`);
      }
    }
    failures.push(...(await validateObjects(`${dir} (kubectl)`, kobjs)));
  }
  if (!failures.some((f) => f.startsWith(dir))) console.log(`ok  ${dir}: ${objects.length} objects${compare ? " (same as kubectl kustomize)" : ""}`);
}
for (const f of failures) console.error(`FAIL ${f}`);
process.exit(failures.length ? 1 : 0);
