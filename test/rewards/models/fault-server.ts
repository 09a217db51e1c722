import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before } from "node:test";
import { startTestModelServer, type TestModelServer } from "../../../src/testing/index.ts";

/**
 * A tiny broken model server for the fault tests of the model-backed rewards. Every route answers
 * the same way whatever the path, chosen by the first path segment:
 * /html (200 with an HTML page), /html500 (502 HTML error page), /shape (200 JSON of the wrong
 * shape), /hang (never answers), /empty (200 with an empty body), /nologprobs (completions with
 * `logprobs: null`, as llama.cpp answers an echo request), /nooffsets (legacy logprobs without
 * text_offset), /genonly (logprobs of the generated token only, as llama.cpp answers echo), /notext (SGLang /generate logprobs without token texts); anything else is a 404.
 */
export interface FaultServer {
  url: (mode: string) => string;
  requests: string[];
  close: () => Promise<void>;
}

/** The real test model's server and the fault server, started before a test file's tests and closed after them. */
export function modelAndFaultServers(): { readonly model: TestModelServer; readonly faults: FaultServer } {
  const servers = {} as { model: TestModelServer; faults: FaultServer };
  before(async () => {
    servers.model = await startTestModelServer();
    servers.faults = await startFaultServer();
  });
  after(async () => {
    await servers.model.close();
    await servers.faults.close();
  });
  return servers;
}

export async function startFaultServer(): Promise<FaultServer> {
  const requests: string[] = [];
  const hung: ServerResponse[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      let body: { prompt?: unknown; text?: unknown } = {};
      try {
        body = JSON.parse(raw);
      } catch {
        // not JSON: the mode decides
      }
      const prompts = Array.isArray(body.prompt) ? body.prompt : [body.prompt];
      const json = (v: unknown) => void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(v));
      const mode = (req.url ?? "/").split("/")[1];
      if (mode === "hang") return void hung.push(res);
      if (mode === "html") return void res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Welcome to nginx!</body></html>");
      if (mode === "html500") return void res.writeHead(502, { "content-type": "text/html" }).end("<html><head><title>502 Bad Gateway</title></head></html>");
      if (mode === "shape") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", result: [1, 2] }));
      if (mode === "nologprobs") return json({ choices: prompts.map((p, index) => ({ index, text: String(p), logprobs: null, finish_reason: "length" })) });
      if (mode === "genonly") return json({ choices: prompts.map((p, index) => ({ index, text: String(p) + "7", logprobs: { tokens: ["7"], token_logprobs: [-0.5], text_offset: [String(p).length], top_logprobs: [{ "7": -0.5 }] }, finish_reason: "length" })) });
      if (mode === "nooffsets") return json({ choices: prompts.map((p, index) => ({ index, text: String(p), logprobs: { tokens: ["a"], token_logprobs: [null] }, finish_reason: "length" })) });
      if (mode === "notext") {
        const texts = Array.isArray(body.text) ? body.text : [body.text];
        return json(texts.map(() => ({ text: "", meta_info: { input_token_logprobs: [[null, 5, null], [-0.5, 6, null]] } })));
      }
      if (mode === "empty") return void res.writeHead(200, { "content-type": "application/json" }).end("");
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ detail: "Not Found" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: (mode) => `http://127.0.0.1:${port}/${mode}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hung) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
