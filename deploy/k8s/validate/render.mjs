// A small kustomize renderer for the subset deploy/k8s uses, so the manifests
// can be checked on machines without kubectl (Debian 12 does not package a
// kubectl with kustomize v5). test.sh compares it with `kubectl kustomize`
// wherever kubectl exists.
//
// Supported kustomization.yaml fields: resources (files and directories),
// patches (path or inline patch; strategic merge, target from the patch's
// kind + metadata.name), replicas, images. Anything else is an error, so a
// new field in the manifests cannot be silently ignored here.
//
//   import { renderKustomization } from "./render.mjs";
//   const objects = renderKustomization("deploy/k8s/overlays/dev");
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

const kSupported = new Set(["apiVersion", "kind", "resources", "patches", "replicas", "images"]);

// Strategic-merge keys of the list fields our manifests patch; any other
// list is replaced as a whole, as kustomize does for lists without a key.
const kMergeKeys = {
  containers: "name",
  initContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  imagePullSecrets: "name",
};

function readDocs(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"));
  const out = [];
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    const v = d.toJS();
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

function isMap(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

// Strategic merge of patch into base (both plain JSON values); returns a new value.
export function strategicMerge(base, patch, field = "") {
  if (isMap(patch)) {
    if (patch.$patch === "replace") {
      const { $patch, ...rest } = patch;
      return structuredClone(rest);
    }
    const out = isMap(base) ? structuredClone(base) : {};
    for (const [k, v] of Object.entries(patch)) {
      if (k === "$patch") continue;
      if (v === null) delete out[k];
      else out[k] = strategicMerge(out[k], v, k);
    }
    return out;
  }
  if (Array.isArray(patch)) {
    const key = kMergeKeys[field];
    if (!key || !Array.isArray(base)) return structuredClone(patch.filter((i) => !(isMap(i) && i.$patch)));
    const out = structuredClone(base);
    // Items the base lacks go first, in patch order, as kustomize puts them.
    const added = [];
    for (const item of patch) {
      const i = out.findIndex((b) => isMap(b) && isMap(item) && b[key] === item[key]);
      if (isMap(item) && item.$patch === "delete") {
        if (i >= 0) out.splice(i, 1);
      } else if (i >= 0) {
        out[i] = strategicMerge(out[i], item, "");
      } else {
        added.push(structuredClone(item));
      }
    }
    return [...added, ...out];
  }
  return structuredClone(patch);
}

function findTarget(objects, patch, where) {
  const name = patch?.metadata?.name;
  const matches = objects.filter((o) => o.kind === patch.kind && o.metadata?.name === name);
  if (matches.length !== 1) {
    throw new Error(`${where}: patch target ${patch.kind}/${name} matches ${matches.length} objects`);
  }
  return matches[0];
}

function splitImage(image) {
  // name[:tag][@digest]; a ':' after the last '/' starts the tag.
  const at = image.indexOf("@");
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  if (colon > slash) return { name: noDigest.slice(0, colon), tag: noDigest.slice(colon + 1) };
  return { name: noDigest, tag: undefined };
}

function podSpecs(obj) {
  const spec = obj.spec?.template?.spec;
  return spec ? [spec] : [];
}

export function renderKustomization(dir) {
  const kfile = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
    .map((f) => path.join(dir, f))
    .find((f) => fs.existsSync(f));
  if (!kfile) throw new Error(`${dir}: no kustomization.yaml`);
  const [k] = readDocs(kfile);
  for (const field of Object.keys(k)) {
    if (!kSupported.has(field)) throw new Error(`${kfile}: field '${field}' not supported by render.mjs`);
  }
  let objects = [];
  for (const r of k.resources ?? []) {
    const p = path.resolve(dir, r);
    if (!fs.existsSync(p)) throw new Error(`${kfile}: resource ${r} not found`);
    objects.push(...(fs.statSync(p).isDirectory() ? renderKustomization(p) : readDocs(p)));
  }
  const seen = new Set();
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata?.name}`;
    if (seen.has(id)) throw new Error(`${kfile}: ${id} defined twice`);
    seen.add(id);
  }
  for (const [n, p] of (k.patches ?? []).entries()) {
    if (p.target) throw new Error(`${kfile}: patches[${n}].target not supported by render.mjs`);
    const docs = p.path ? readDocs(path.resolve(dir, p.path)) : YAML.parseAllDocuments(p.patch).map((d) => d.toJS());
    for (const doc of docs) {
      const where = `${kfile}: patches[${n}]`;
      const target = findTarget(objects, doc, where);
      const merged = strategicMerge(target, doc);
      objects = objects.map((o) => (o === target ? merged : o));
    }
  }
  for (const r of k.replicas ?? []) {
    const targets = objects.filter((o) => o.metadata?.name === r.name && o.spec && ["Deployment", "StatefulSet", "ReplicaSet"].includes(o.kind));
    if (targets.length === 0) throw new Error(`${kfile}: replicas: no workload named ${r.name}`);
    for (const t of targets) t.spec.replicas = r.count;
  }
  for (const img of k.images ?? []) {
    for (const o of objects) {
      for (const spec of podSpecs(o)) {
        for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
          const { name, tag } = splitImage(c.image ?? "");
          if (name !== img.name) continue;
          const newTag = img.newTag ?? tag;
          c.image = (img.newName ?? name) + (img.digest ? `@${img.digest}` : newTag ? `:${newTag}` : "");
        }
      }
    }
  }
  return objects;
}
