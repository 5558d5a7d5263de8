#!/usr/bin/env node
// Offline schema validation of rendered Kubernetes manifests.
//
//   kubectl kustomize k8s/overlays/dev | node k8s/validate/validate.mjs
//   node k8s/validate/validate.mjs rendered.yaml [more.yaml ...]
//   node k8s/validate/validate.mjs --label dev -        (stdin, labelled output)
//
// Every YAML document must be one of the kinds listed in MODELS; it is turned
// into the matching kubernetes-models class and checked against the Kubernetes
// OpenAPI schema with .validate() (types, required fields, enums, formats).
// Unknown kinds, YAML errors and schema violations all fail. Note: the schemas
// do not reject unknown (misspelled) field names; the semantic checks in
// tests/Dongming.Deployment.Tests cover the fields that matter.
//
// Exit codes: 0 = all documents valid, 1 = at least one invalid document,
// 2 = usage / input error.

import { readFileSync } from "node:fs";
import yaml from "js-yaml";

import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";

/** "apiVersion/kind" -> model class. */
const MODELS = new Map([
  ["apps/v1/Deployment", Deployment],
  ["apps/v1/StatefulSet", StatefulSet],
  ["v1/ConfigMap", ConfigMap],
  ["v1/Namespace", Namespace],
  ["v1/PersistentVolumeClaim", PersistentVolumeClaim],
  ["v1/Secret", Secret],
  ["v1/Service", Service],
  ["v1/ServiceAccount", ServiceAccount],
  ["networking.k8s.io/v1/NetworkPolicy", NetworkPolicy],
  ["policy/v1/PodDisruptionBudget", PodDisruptionBudget],
]);

function usage(message) {
  if (message) console.error(`validate: ${message}`);
  console.error("usage: validate.mjs [--label NAME] [FILE ...|-]   (no FILE: read stdin)");
  process.exit(2);
}

function parseArgs(argv) {
  const files = [];
  let label = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--label") {
      if (i + 1 >= argv.length) usage("--label needs a value");
      label = argv[++i];
    } else if (arg === "-h" || arg === "--help") {
      usage();
    } else if (arg.startsWith("--")) {
      usage(`unknown option ${arg}`);
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0) files.push("-");
  return { files, label };
}

function readInput(file) {
  try {
    return readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (err) {
    usage(`cannot read ${file === "-" ? "stdin" : file}: ${err.message}`);
  }
}

function describe(doc) {
  const kind = doc?.kind ?? "<no kind>";
  const ns = doc?.metadata?.namespace ? `${doc.metadata.namespace}/` : "";
  const name = doc?.metadata?.name ?? "<no name>";
  return `${kind} ${ns}${name}`;
}

function formatErrors(err) {
  if (Array.isArray(err?.errors) && err.errors.length > 0) {
    return err.errors.map((e) => {
      const where = e.instancePath || "/";
      const extra =
        e.params?.allowedValues ? ` (allowed: ${e.params.allowedValues.join(", ")})`
        : e.params?.missingProperty ? ` (${e.params.missingProperty})`
        : "";
      return `${where}: ${e.message ?? e.keyword}${extra}`;
    });
  }
  return [String(err?.message ?? err)];
}

/**
 * Undoes encodings the API server accepts but the JSON schema's "byte" format
 * does not: kustomize wraps long base64 values of Secret/ConfigMap binaryData
 * over several lines, and Go's base64 decoder ignores the line breaks.
 */
function normalize(doc) {
  const unwrap = (map) =>
    map && typeof map === "object" && !Array.isArray(map)
      ? Object.fromEntries(
          Object.entries(map).map(([k, v]) => [k, typeof v === "string" ? v.replace(/[\r\n]/g, "") : v]),
        )
      : map;
  if (doc.apiVersion === "v1" && doc.kind === "Secret") return { ...doc, data: unwrap(doc.data) };
  if (doc.apiVersion === "v1" && doc.kind === "ConfigMap") return { ...doc, binaryData: unwrap(doc.binaryData) };
  return doc;
}

/** Validates one parsed document; returns a list of problems (empty = valid). */
function validateDocument(doc) {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    return ["document is not a YAML mapping"];
  }
  if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") {
    return ["apiVersion and kind must both be strings"];
  }
  const Model = MODELS.get(`${doc.apiVersion}/${doc.kind}`);
  if (!Model) {
    return [
      `unknown kind ${doc.apiVersion}/${doc.kind}; known: ${[...MODELS.keys()].join(", ")}`,
    ];
  }
  if (typeof doc.metadata?.name !== "string" || doc.metadata.name === "") {
    return ["metadata.name is missing"];
  }
  try {
    new Model(normalize(doc)).validate();
    return [];
  } catch (err) {
    return formatErrors(err);
  }
}

function main() {
  const { files, label } = parseArgs(process.argv.slice(2));
  const prefix = label ? `[${label}] ` : "";
  let total = 0;
  let failed = 0;
  const counts = new Map();

  for (const file of files) {
    const source = file === "-" ? "stdin" : file;
    let docs;
    try {
      docs = yaml.loadAll(readInput(file));
    } catch (err) {
      console.error(`${prefix}INVALID ${source}: YAML parse error: ${err.message}`);
      process.exit(1);
    }
    docs.forEach((doc, index) => {
      if (doc === null || doc === undefined) return; // empty document ("---" at the end)
      total++;
      const problems = validateDocument(doc);
      if (problems.length > 0) {
        failed++;
        console.error(`${prefix}INVALID ${describe(doc)} (${source}, document ${index + 1}):`);
        for (const p of problems) console.error(`  - ${p}`);
      } else {
        counts.set(doc.kind, (counts.get(doc.kind) ?? 0) + 1);
      }
    });
  }

  if (total === 0) {
    console.error(`${prefix}FAIL: no Kubernetes documents in input`);
    process.exit(1);
  }
  const kinds = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind}=${n}`)
    .join(" ");
  if (failed > 0) {
    console.error(`${prefix}FAIL: ${failed} of ${total} documents invalid`);
    process.exit(1);
  }
  console.log(`${prefix}OK: ${total} documents valid (${kinds})`);
}

main();
