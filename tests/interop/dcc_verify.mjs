// Verifies one credential with the Digital Credentials Consortium's verifier-core and
// prints its result as JSON on stdout: an independent check of what Laurel issues.
// Usage: node dcc_verify.mjs CREDENTIAL.json
//
// DCC_SCHEMAS (optional): a JSON object {"<schema URL>": "<local file>"}. verifier-core
// downloads the OB 3.0 JSON Schema it checks against; URLs listed here are answered from
// the local file instead, so the schema check gives the same answer with or without a
// network. Every other request (status lists, did:web documents) goes out as usual.
import { readFileSync } from "node:fs";

// verifier-core logs schema download failures with console.log; stdout carries only our JSON.
console.log = (...args) => console.error(...args);

const schemas = JSON.parse(process.env.DCC_SCHEMAS || "{}");
const networkFetch = globalThis.fetch;
globalThis.fetch = async (resource, options) => {
  const url = typeof resource === "string" ? resource : resource.url ?? String(resource);
  if (Object.hasOwn(schemas, url)) {
    const body = readFileSync(schemas[url], "utf8");
    return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
  }
  return networkFetch(resource, options);
};

// Imported after fetch is wrapped, so the library sees the wrapper whenever it binds fetch.
const { verifyCredential } = await import("@digitalcredentials/verifier-core");

const credential = JSON.parse(readFileSync(process.argv[2], "utf8"));
const result = await verifyCredential({ credential, knownDIDRegistries: [] });
// The credential echoes back and stack traces do not serialize; keep what a test asserts on.
const errors = (result.errors ?? []).map((e) => ({ name: e.name, message: e.message }));
const additionalInformation = result.additionalInformation ?? [];
process.stdout.write(JSON.stringify({ log: result.log ?? [], errors, additionalInformation }) + "\n");
